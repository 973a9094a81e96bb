package dev.dctwin.models;

import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import java.util.SplittableRandom;

/**
 * Realistic metric reports for tests: the healthy values of {@link SampleMessages} with a few
 * percent of jitter that depends only on the event time (so every run is the same, and baselines
 * have a non-zero spread), and setters to inject one fault at a time.
 */
public final class ReportBuilder {
  private final String serverId;
  private final long eventTime;
  private double idle;
  private double steal;
  private double droppedIn;
  private double errorsIn;
  private final double packetsIn;
  private final double packetsOut;
  private double usedBytes;
  private final double totalBytes;
  private double correctedErrors;
  private double uncorrectedErrors;
  private double ioTime;
  private double opsRead;
  private double opsWrite;
  private double timeRead;
  private double timeWrite;
  private double failedDevices;
  private double blocked;
  private double paging;
  private boolean hasSensors = true;
  private double voltage;
  private double temperature;
  private double inputPower;

  private ReportBuilder(String serverId, long eventTime) {
    this.serverId = serverId;
    this.eventTime = eventTime;
    SplittableRandom jitter = new SplittableRandom(eventTime);
    CpuMetrics cpu = SampleMessages.cpu();
    NetworkMetrics network = SampleMessages.network();
    MemoryMetrics memory = SampleMessages.memory();
    DiskMetrics disk = SampleMessages.disk();
    SensorReadings sensors = SampleMessages.sensors();
    idle = cpu.idle() + jitter.nextDouble(-5, 5);
    steal = cpu.steal();
    packetsIn = network.packetsIn() * (1 + jitter.nextDouble(-0.1, 0.1));
    packetsOut = network.packetsOut() * (1 + jitter.nextDouble(-0.1, 0.1));
    usedBytes = memory.used() * (1 + jitter.nextDouble(-0.02, 0.02));
    totalBytes = memory.total();
    ioTime = disk.ioTime() * (1 + jitter.nextDouble(-0.1, 0.1));
    opsRead = disk.opsRead() * (1 + jitter.nextDouble(-0.1, 0.1));
    opsWrite = disk.opsWrite() * (1 + jitter.nextDouble(-0.1, 0.1));
    timeRead = disk.timeRead() * (1 + jitter.nextDouble(-0.2, 0.2));
    timeWrite = disk.timeWrite() * (1 + jitter.nextDouble(-0.2, 0.2));
    blocked = SampleMessages.processes().blocked();
    voltage = sensors.voltage() + jitter.nextDouble(-0.05, 0.05);
    temperature = sensors.temperature() + jitter.nextDouble(-0.3, 0.3);
    inputPower = sensors.inputPower() * (1 + jitter.nextDouble(-0.03, 0.03));
  }

  public static ReportBuilder at(String serverId, long eventTime) {
    return new ReportBuilder(serverId, eventTime);
  }

  public ReportBuilder cpuBusy(double percent) {
    idle = 100 - percent;
    return this;
  }

  public ReportBuilder cpuSteal(double percent) {
    steal = percent;
    return this;
  }

  /** Drops this fraction of all packets on receive. */
  public ReportBuilder packetLoss(double ratio) {
    droppedIn = ratio * (packetsIn + packetsOut) / (1 - ratio);
    return this;
  }

  public ReportBuilder interfaceErrors(double ratio) {
    errorsIn = ratio * (packetsIn + packetsOut);
    return this;
  }

  public ReportBuilder memoryUsed(double percent) {
    usedBytes = totalBytes * percent / 100;
    return this;
  }

  public ReportBuilder stalledProcesses(double blockedCount, double pagingCount) {
    blocked = blockedCount;
    paging = pagingCount;
    return this;
  }

  public ReportBuilder correctedEcc(double errors) {
    correctedErrors = errors;
    return this;
  }

  public ReportBuilder uncorrectedEcc(double errors) {
    uncorrectedErrors = errors;
    return this;
  }

  public ReportBuilder failedDisks(double devices) {
    failedDevices = devices;
    return this;
  }

  /** The disk is busy all the time but completes almost no operations: a hung device. */
  public ReportBuilder diskHung() {
    ioTime = 1000;
    opsRead = 1;
    opsWrite = 2;
    return this;
  }

  /** Milliseconds per second the disks were busy. */
  public ReportBuilder diskBusy(double ioTimeMs) {
    ioTime = ioTimeMs;
    return this;
  }

  public ReportBuilder writeLatency(double ms) {
    timeWrite = ms;
    return this;
  }

  public ReportBuilder readLatency(double ms) {
    timeRead = ms;
    return this;
  }

  public ReportBuilder inlet(double celsius) {
    temperature = celsius;
    return this;
  }

  public ReportBuilder voltage(double volts) {
    voltage = volts;
    return this;
  }

  public ReportBuilder inputPower(double watts) {
    inputPower = watts;
    return this;
  }

  /** The ordered join has not completed: the report has no sensor readings. */
  public ReportBuilder withoutSensors() {
    hasSensors = false;
    return this;
  }

  public ServerMetricReport build() {
    CpuMetrics healthyCpu = SampleMessages.cpu();
    double work = 100 - idle - steal;
    double scale =
        work
            / (healthyCpu.user()
                + healthyCpu.system()
                + healthyCpu.nice()
                + healthyCpu.interrupt()
                + healthyCpu.softirq()
                + healthyCpu.ioWait());
    CpuMetrics cpu =
        new CpuMetrics(
            idle,
            healthyCpu.user() * scale,
            healthyCpu.system() * scale,
            healthyCpu.nice() * scale,
            healthyCpu.interrupt() * scale,
            healthyCpu.softirq() * scale,
            steal,
            healthyCpu.ioWait() * scale);
    NetworkMetrics network =
        new NetworkMetrics(
            droppedIn, 0, errorsIn, 0, packetsIn, packetsOut, packetsIn * 800, packetsOut * 700);
    MemoryMetrics healthyMemory = SampleMessages.memory();
    MemoryMetrics memory =
        new MemoryMetrics(
            usedBytes,
            Math.max(0, totalBytes - usedBytes - healthyMemory.cached() - healthyMemory.buffered()),
            healthyMemory.cached(),
            healthyMemory.buffered(),
            healthyMemory.slab(),
            totalBytes,
            healthyMemory.bandwidthLocal(),
            healthyMemory.bandwidthRemote(),
            healthyMemory.llcBytes(),
            correctedErrors,
            uncorrectedErrors,
            0);
    DiskMetrics disk =
        new DiskMetrics(
            ioTime,
            ioTime * 1.5,
            4,
            30,
            opsRead * 14_000,
            opsWrite * 20_000,
            opsRead,
            opsWrite,
            timeRead,
            timeWrite,
            failedDevices);
    ProcessMetrics processes = new ProcessMetrics(6, 412, blocked, paging, 0, 0);
    SensorReadings sensors =
        hasSensors ? new SensorReadings(voltage, temperature, 58.0, inputPower) : null;
    return new ServerMetricReport(
        serverId, eventTime, cpu, network, memory, disk, processes, sensors);
  }
}

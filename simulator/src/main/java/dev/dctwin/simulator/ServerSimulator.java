package dev.dctwin.simulator;

import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import java.util.List;
import java.util.SplittableRandom;

/**
 * One simulated server: a profile drawn once from the server's own random stream (its baselines,
 * its phase within the reporting interval), then one report per call with per-report noise, the
 * fleet's load and its rack's inlet temperature, and the effects of the faults that hit it.
 *
 * <p>Healthy values stay well inside the limits of {@link dev.dctwin.models.HealthThresholds}: CPU
 * busy (steal included) at most 65 %, loss under 0.1 %, no interface errors, memory under 65 %,
 * disk latency a few ms, supply voltage within 1.5 % of 12 V, inlet under 30 °C. Every report draws
 * the same random numbers whatever the effects, so a fault changes only the values it targets and
 * the healthy signal is identical with and without faults.
 */
final class ServerSimulator {
  private static final double GIB = 1024.0 * 1024 * 1024;
  private static final double[] MEMORY_SIZES_GIB = {128, 256, 512};
  private static final double NOMINAL_VOLTS = 12.0;

  private final Topology.Server server;
  private final SplittableRandom random;
  private final List<Effect> effects;
  private final long intervalMs;
  private final long phase;
  private final long maxSensorOffset;

  private final double cpuBase;
  private final double packetsBase;
  private final double bytesPerPacket;
  private final double memoryTotal;
  private final double memoryUsedShare;
  private final double diskOpsBase;
  private final double ioTimeBase;
  private final double readLatencyMs;
  private final double writeLatencyMs;
  private final double bytesPerOp;
  private final double sleepingBase;
  private final double zombies;
  private final double voltageOffset;
  private final double inletOffset;
  private final double airflowBase;
  private final double idleWatts;
  private final double maxWatts;

  /** The server's report at one tick: metrics without sensors, and the BMC's reading. */
  record Output(ServerMetricReport metrics, SensorReadings sensors, long sensorTime) {}

  /**
   * @param slot the server's position in its rack, from 0 at the bottom: higher servers breathe
   *     warmer air
   */
  ServerSimulator(
      long seed, Topology.Server server, int slot, long intervalMs, List<Effect> effects) {
    this.server = server;
    this.random = Seeds.forEntity(seed, server.serverId());
    this.effects = List.copyOf(effects);
    this.intervalMs = intervalMs;
    this.phase = drawPhase(this.random, intervalMs);
    this.maxSensorOffset = Math.min(500, intervalMs / 4);
    SplittableRandom r = random;
    cpuBase = uniform(r, 10, 40);
    packetsBase = uniform(r, 5_000, 20_000);
    bytesPerPacket = uniform(r, 400, 1_200);
    memoryTotal = MEMORY_SIZES_GIB[r.nextInt(MEMORY_SIZES_GIB.length)] * GIB;
    memoryUsedShare = uniform(r, 0.25, 0.55);
    diskOpsBase = uniform(r, 150, 900);
    ioTimeBase = uniform(r, 40, 250);
    readLatencyMs = uniform(r, 0.3, 3.0);
    writeLatencyMs = uniform(r, 0.5, 3.0);
    bytesPerOp = uniform(r, 8_192, 65_536);
    sleepingBase = uniform(r, 250, 500);
    zombies = r.nextInt(8) == 0 ? 1 : 0;
    voltageOffset = uniform(r, -0.08, 0.08);
    inletOffset = 0.04 * slot + uniform(r, -0.7, 0.7);
    airflowBase = uniform(r, 45, 75);
    idleWatts = uniform(r, 140, 200);
    maxWatts = uniform(r, 380, 520);
  }

  /** The phase is drawn first, so that the planner can learn it without drawing the rest. */
  private static long drawPhase(SplittableRandom random, long intervalMs) {
    return 1 + random.nextLong(Math.max(1, intervalMs - 1));
  }

  /** When this server reports within each interval, in ms after the interval's start (≥ 1). */
  static long phaseOf(long seed, String serverId, long intervalMs) {
    return drawPhase(Seeds.forEntity(seed, serverId), intervalMs);
  }

  Topology.Server server() {
    return server;
  }

  long phase() {
    return phase;
  }

  /**
   * The report at {@code eventTime}, or null when an effect silences the server.
   *
   * @param load the fleet's load at this time for this server's rack, around 0.3 to 1.1
   * @param rackInlet the inlet temperature of the rack's cold aisle, °C
   */
  Output report(long eventTime, double load, double rackInlet) {
    SplittableRandom r = random;
    double busy = clamp(cpuBase * (0.5 + 0.8 * load) + 2 * r.nextGaussian(), 3, 65);
    double steal = 0.2 * Math.abs(r.nextGaussian());
    double packetsIn = packetsBase * (0.4 + 0.8 * load) * (1 + 0.05 * r.nextGaussian());
    double packetsOut = 0.95 * packetsIn * (1 + 0.03 * r.nextGaussian());
    double dropShare = 0.0002 * Math.abs(r.nextGaussian());
    double usedShare = memoryUsedShare + 0.05 * load + 0.005 * r.nextGaussian();
    double ops = Math.max(1, diskOpsBase * (0.4 + 0.8 * load) * (1 + 0.08 * r.nextGaussian()));
    double ioTime = clamp(ioTimeBase * (0.4 + 0.8 * load) * (1 + 0.1 * r.nextGaussian()), 1, 800);
    double readLatency = Math.max(0.05, readLatencyMs * (1 + 0.1 * r.nextGaussian()));
    double writeLatency = Math.max(0.05, writeLatencyMs * (1 + 0.1 * r.nextGaussian()));
    double running = Math.max(0, Math.rint(1 + 8 * load + 1.2 * r.nextGaussian()));
    double sleeping = Math.max(0, Math.rint(sleepingBase + 5 * r.nextGaussian()));
    double blocked = r.nextInt(12) == 0 ? 1 : 0;
    double volts = NOMINAL_VOLTS + voltageOffset + 0.03 * r.nextGaussian();
    double inlet = rackInlet + inletOffset + 0.6 * load + 0.2 * r.nextGaussian();
    double airflow = Math.max(5, airflowBase * (0.85 + 0.25 * load) + 0.8 * r.nextGaussian());
    double wattsNoise = 3 * r.nextGaussian();
    double jitter = r.nextGaussian();
    double chance = r.nextDouble();
    long sensorTime = eventTime + r.nextLong(maxSensorOffset + 1);

    double failedDevices = 0;
    double errorShare = 0;
    double uncorrected = 0;
    double powerFactor = 1;
    for (Effect effect : effects) {
      if (!effect.activeAt(eventTime)) {
        continue;
      }
      double m = effect.magnitude();
      switch (effect.type()) {
        case SILENT -> {
          return null;
        }
        case FAILED_DISK -> {
          failedDevices = m;
          ops *= 0.6;
          ioTime = Math.min(990, ioTime * 1.25);
          readLatency *= 1.6;
          writeLatency *= 1.6;
        }
        case PACKET_LOSS -> {
          dropShare = Math.max(0.7 * m, m * (1 + 0.15 * jitter));
          errorShare = 0.0002;
          packetsIn *= 1 - Math.min(0.5, m);
          packetsOut *= 1 - Math.min(0.5, m);
        }
        case CPU_STEAL -> steal = clamp(m + 1.5 * jitter, 11, 26);
        case UNCORRECTED_ECC ->
            // The first report of the fault always carries an error, so that it starts when the
            // ground truth says; later ones on about a third of the reports.
            uncorrected = eventTime - effect.start() < intervalMs || chance < 0.33 ? m : 0;
        case INLET_RISE -> inlet += m + 0.3 * jitter;
        case VOLTAGE -> {
          volts = m + 0.03 * jitter;
          powerFactor = 0.93;
        }
        case DISK_LATENCY -> {
          readLatency = m * (1 + 0.1 * jitter);
          writeLatency = m * (1 + 0.1 * jitter);
        }
      }
    }
    double idle = 100 - busy - steal;
    CpuMetrics cpu =
        new CpuMetrics(
            r2(idle),
            r2(busy * 0.72),
            r2(busy * 0.2),
            r2(busy * 0.01),
            r2(busy * 0.02),
            r2(busy * 0.03),
            r2(steal),
            r2(busy * 0.02));
    double droppedIn = packetsIn * dropShare;
    double droppedOut = packetsOut * dropShare * 0.5;
    NetworkMetrics network =
        new NetworkMetrics(
            r2(droppedIn),
            r2(droppedOut),
            r2(packetsIn * errorShare),
            r2(packetsOut * errorShare),
            r2(packetsIn),
            r2(packetsOut),
            Math.rint(packetsIn * bytesPerPacket),
            Math.rint(packetsOut * bytesPerPacket));
    double used = memoryTotal * usedShare;
    double cached = memoryTotal * 0.2;
    double buffered = memoryTotal * 0.01;
    double slab = memoryTotal * 0.03;
    MemoryMetrics memory =
        new MemoryMetrics(
            mib(used),
            mib(memoryTotal - used - cached - buffered - slab),
            mib(cached),
            mib(buffered),
            mib(slab),
            memoryTotal,
            mib(1.2e10 * load),
            mib(3.0e9 * load),
            3.0e7,
            0,
            uncorrected,
            0);
    double opsRead = ops * 0.3;
    double opsWrite = ops * 0.7;
    DiskMetrics disk =
        new DiskMetrics(
            r1(ioTime),
            r1(ioTime * 1.6),
            r2(opsRead * 0.05),
            r2(opsWrite * 0.1),
            Math.rint(opsRead * bytesPerOp),
            Math.rint(opsWrite * bytesPerOp),
            r2(opsRead),
            r2(opsWrite),
            r2(readLatency),
            r2(writeLatency),
            failedDevices);
    ProcessMetrics processes = new ProcessMetrics(running, sleeping, blocked, 0, 0, zombies);
    double watts = (idleWatts + (maxWatts - idleWatts) * busy / 100) * powerFactor + wattsNoise;
    SensorReadings sensors = new SensorReadings(r2(volts), r2(inlet), r1(airflow), r1(watts));
    return new Output(
        new ServerMetricReport(
            server.serverId(), eventTime, cpu, network, memory, disk, processes, null),
        sensors,
        sensorTime);
  }

  private static double uniform(SplittableRandom random, double from, double to) {
    return from + (to - from) * random.nextDouble();
  }

  private static double clamp(double value, double min, double max) {
    return Math.max(min, Math.min(max, value));
  }

  /** Rounded to 0.01: short JSON, and as precise as collectd's own output. */
  private static double r2(double value) {
    return Math.round(value * 100) / 100.0;
  }

  private static double r1(double value) {
    return Math.round(value * 10) / 10.0;
  }

  /** Memory gauges in whole MiB, as the kernel's accounting is page-granular anyway. */
  private static double mib(double bytes) {
    return Math.rint(bytes / (1024 * 1024)) * 1024 * 1024;
  }
}

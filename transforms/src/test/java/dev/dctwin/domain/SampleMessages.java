package dev.dctwin.domain;

import java.util.List;

/** One realistic, valid instance of every message type, for tests across modules. */
public final class SampleMessages {
  public static final long T0 = 1_763_719_200_000L; // 2025-11-21T10:00:00Z

  private SampleMessages() {}

  public static CpuMetrics cpu() {
    return new CpuMetrics(71.5, 20.0, 5.0, 0.5, 0.3, 0.7, 0.0, 2.0);
  }

  public static NetworkMetrics network() {
    return new NetworkMetrics(0.0, 0.0, 0.0, 0.0, 12_000, 11_500, 9.6e6, 8.1e6);
  }

  public static MemoryMetrics memory() {
    return new MemoryMetrics(96e9, 60e9, 90e9, 2e9, 8e9, 256e9, 12e9, 3e9, 30e6, 0, 0, 0);
  }

  public static DiskMetrics disk() {
    return new DiskMetrics(120, 180, 4, 30, 2.1e6, 8.4e6, 150, 420, 0.8, 1.6, 0);
  }

  public static ProcessMetrics processes() {
    return new ProcessMetrics(6, 412, 0, 0, 0, 0);
  }

  public static SensorReadings sensors() {
    return new SensorReadings(12.1, 24.5, 58.0, 310.0);
  }

  public static ServerMetricReport report(String serverId, long eventTime) {
    return new ServerMetricReport(
        serverId, eventTime, cpu(), network(), memory(), disk(), processes(), sensors());
  }

  public static List<Message> oneOfEach() {
    return List.of(
        report("dc1-r01-s01", T0),
        report("dc1-r01-s02", T0).withSensors(null),
        new BmcSensorReading("dc1-r01-s01", T0 + 250, sensors()),
        new CommissionServer("dc1-r01-s01", "dc1-r01", "dc1", T0 - 60_000),
        new CommissionServer("dc1-r01-s02", "dc1-r01", "dc1", T0 - 60_000, "node-0102.dc1"),
        new AgentSamples(
            "node-0102.dc1",
            T0 + 9_500,
            List.of(
                new MetricSample(
                    "cpu.time",
                    java.util.Map.of("state", "idle", "cpu", "3"),
                    1.5e7,
                    T0 + 9_500,
                    MetricSample.Kind.COUNTER),
                new MetricSample(
                    "node_filesystem_avail_bytes",
                    java.util.Map.of("mountpoint", "/"),
                    4.2e10,
                    T0 + 9_000,
                    MetricSample.Kind.GAUGE))),
        new DecommissionServer("dc1-r01-s01", "dc1-r01", "dc1", T0 + 3_600_000),
        new GetUnhealthyRacks("q-42", "dc1", T0 + 1_000),
        new UnhealthyRacks("q-42", "dc1", List.of("dc1-r03", "dc1-r07"), T0 + 1_000),
        new Alert(
            Alert.incidentId(Level.RACK, "dc1-r03", IncidentType.TOR_SWITCH, T0),
            AlertStatus.OPENED,
            Level.RACK,
            "dc1-r03",
            "dc1",
            "dc1-r03",
            IncidentType.TOR_SWITCH,
            Severity.CRITICAL,
            T0,
            T0 + 30_000,
            IncidentType.TOR_SWITCH,
            null,
            "31 of 40 servers lose packets or are silent"),
        new Measurement("R0815", "vaTorque_C11", 1_554_096_380_468L, -4.44),
        new MaintenanceWindow(
            Level.RACK,
            "dc1-r03",
            "dc1",
            null,
            T0,
            T0 + 7_200_000,
            "ToR firmware",
            "ops",
            T0 - 60_000));
  }
}

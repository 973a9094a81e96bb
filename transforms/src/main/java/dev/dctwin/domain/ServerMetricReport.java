package dev.dctwin.domain;

/**
 * One metric report of a server. The metrics daemon publishes the operating-system part; the BMC
 * publishes {@link SensorReadings} separately ({@link BmcSensorReading}); the pipeline's ordered
 * join combines the two, so {@code sensors} is null in a report the join has not completed.
 */
public record ServerMetricReport(
    String serverId,
    long eventTime,
    CpuMetrics cpu,
    NetworkMetrics network,
    MemoryMetrics memory,
    DiskMetrics disk,
    ProcessMetrics processes,
    SensorReadings sensors)
    implements Message {

  @Override
  public MessageType type() {
    return MessageType.METRICS;
  }

  public ServerMetricReport withDisk(DiskMetrics replacement) {
    return new ServerMetricReport(
        serverId, eventTime, cpu, network, memory, replacement, processes, sensors);
  }

  public ServerMetricReport withSensors(SensorReadings readings) {
    return new ServerMetricReport(
        serverId, eventTime, cpu, network, memory, disk, processes, readings);
  }
}

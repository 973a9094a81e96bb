package dev.dctwin.simulator.bench;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One host's metrics of one reporting interval as a monitoring agent sends them, for the throughput
 * benchmark's agent-format runs: collectd's JSON (write_http's batch of value lists) and OTLP
 * protobuf (the OpenTelemetry Collector's hostmetrics, one {@code ExportMetricsServiceRequest} per
 * host and interval). The counters grow by the same amount every interval; a host with {@code
 * lossy} true drops 5 % of its packets in that interval (NIC_PACKET_LOSS opens on the third such
 * report, {@code HealthThresholds}: 1 %).
 */
final class AgentInput {
  /** The formats of the throughput benchmark: the pipeline's name for each in --topicFormats. */
  enum Format {
    TYPED("dctwin"),
    COLLECTD("collectd"),
    OTLP_PROTO("otlp-proto");

    final String pipelineName;

    Format(String pipelineName) {
      this.pipelineName = pipelineName;
    }

    String label() {
      return switch (this) {
        case TYPED -> "typed reports";
        case COLLECTD -> "collectd JSON";
        case OTLP_PROTO -> "OTLP protobuf";
      };
    }
  }

  private static final String[] CPU_STATES = {"user", "system", "idle", "steal", "wait"};

  /** Jiffies (1/100 s) per CPU and 10 s interval in each of {@link #CPU_STATES}: 1,000 in all. */
  private static final long[] JIFFIES = {200, 50, 740, 5, 5};

  private static final int CPUS = 2;
  private static final long PACKETS_PER_INTERVAL = 120_000;
  private static final long OCTETS_PER_INTERVAL = 96_000_000;
  private static final long OPS_PER_INTERVAL = 1_200;

  private AgentInput() {}

  /**
   * The dropped packets' counter after {@code lossyIntervals} lossy intervals: each drops 5 % of
   * its packets.
   */
  private static long dropped(long lossyIntervals) {
    return lossyIntervals * PACKETS_PER_INTERVAL / 20;
  }

  /**
   * collectd's write_http JSON: an array of value lists of host {@code host} at {@code timeMs}, the
   * {@code round}-th interval of the counters.
   */
  static byte[] collectd(String host, long timeMs, long round, long lossyIntervals) {
    String time = String.format(Locale.ROOT, "%.3f", timeMs / 1e3);
    StringBuilder json = new StringBuilder(4096).append('[');
    long n = round + 1;
    for (int cpu = 0; cpu < CPUS; cpu++) {
      for (int s = 0; s < CPU_STATES.length; s++) {
        valueList(json, host, time, "cpu", String.valueOf(cpu), "cpu", CPU_STATES[s], "derive")
            .append("\"dsnames\":[\"value\"],\"values\":[")
            .append(10_000_000L + JIFFIES[s] * n)
            .append("]},");
      }
    }
    long packets = 1_000_000_000L + PACKETS_PER_INTERVAL * n;
    long octets = 500_000_000_000L + OCTETS_PER_INTERVAL * n;
    long dropped = dropped(lossyIntervals);
    counterPair(json, host, time, "interface", "eth0", "if_packets", "rx", "tx", packets, packets);
    counterPair(json, host, time, "interface", "eth0", "if_octets", "rx", "tx", octets, octets);
    counterPair(json, host, time, "interface", "eth0", "if_dropped", "rx", "tx", dropped, dropped);
    counterPair(json, host, time, "interface", "eth0", "if_errors", "rx", "tx", 0, 0);
    String[] memory = {"used", "free", "cached", "buffered"};
    double[] bytes = {96e9, 90e9, 60e9, 2e9};
    for (int i = 0; i < memory.length; i++) {
      valueList(json, host, time, "memory", "", "memory", memory[i], "gauge")
          .append("\"dsnames\":[\"value\"],\"values\":[")
          .append(String.format(Locale.ROOT, "%.0f", bytes[i]))
          .append("]},");
    }
    long ops = 50_000_000L + OPS_PER_INTERVAL * n;
    counterPair(json, host, time, "disk", "sda", "disk_ops", "read", "write", ops, 3 * ops);
    counterPair(
        json, host, time, "disk", "sda", "disk_octets", "read", "write", 4096 * ops, 4096 * ops);
    valueList(json, host, time, "processes", "", "ps_state", "running", "gauge")
        .append("\"dsnames\":[\"value\"],\"values\":[6]},");
    valueList(json, host, time, "processes", "", "ps_state", "sleeping", "gauge")
        .append("\"dsnames\":[\"value\"],\"values\":[412]}");
    return json.append(']').toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void counterPair(
      StringBuilder json,
      String host,
      String time,
      String plugin,
      String instance,
      String type,
      String first,
      String second,
      long firstValue,
      long secondValue) {
    json.append("{\"values\":[")
        .append(firstValue)
        .append(',')
        .append(secondValue)
        .append("],\"dstypes\":[\"derive\",\"derive\"],\"dsnames\":[\"")
        .append(first)
        .append("\",\"")
        .append(second)
        .append("\"],\"time\":")
        .append(time)
        .append(",\"interval\":10.000,\"host\":\"")
        .append(host)
        .append("\",\"plugin\":\"")
        .append(plugin)
        .append("\",\"plugin_instance\":\"")
        .append(instance)
        .append("\",\"type\":\"")
        .append(type)
        .append("\",\"type_instance\":\"\"},");
  }

  private static StringBuilder valueList(
      StringBuilder json,
      String host,
      String time,
      String plugin,
      String instance,
      String type,
      String typeInstance,
      String dstype) {
    return json.append("{\"dstypes\":[\"")
        .append(dstype)
        .append("\"],\"time\":")
        .append(time)
        .append(",\"interval\":10.000,\"host\":\"")
        .append(host)
        .append("\",\"plugin\":\"")
        .append(plugin)
        .append("\",\"plugin_instance\":\"")
        .append(instance)
        .append("\",\"type\":\"")
        .append(type)
        .append("\",\"type_instance\":\"")
        .append(typeInstance)
        .append("\",");
  }

  /** The hostmetrics of host {@code host} at {@code timeMs} as OTLP protobuf. */
  static byte[] otlp(String host, long timeMs, long round, long lossyIntervals) {
    long timeNanos = timeMs * 1_000_000L;
    long startNanos = 1_700_000_000_000_000_000L;
    long n = round + 1;
    Metric.Builder cpu = counter("system.cpu.time", "s");
    for (int c = 0; c < CPUS; c++) {
      for (int s = 0; s < CPU_STATES.length; s++) {
        cpu.getSumBuilder()
            .addDataPoints(
                point(startNanos, timeNanos, (100_000 + JIFFIES[s] * n) / 100.0)
                    .addAttributes(attribute("cpu", "cpu" + c))
                    .addAttributes(attribute("state", CPU_STATES[s])));
      }
    }
    Metric.Builder memory = gaugeSum("system.memory.usage", "By");
    String[] states = {"used", "free", "cached", "buffered"};
    double[] bytes = {96e9, 90e9, 60e9, 2e9};
    for (int i = 0; i < states.length; i++) {
      memory
          .getSumBuilder()
          .addDataPoints(
              point(startNanos, timeNanos, bytes[i]).addAttributes(attribute("state", states[i])));
    }
    long packets = 1_000_000_000L + PACKETS_PER_INTERVAL * n;
    long octets = 500_000_000_000L + OCTETS_PER_INTERVAL * n;
    Metric.Builder network = counter("system.network.packets", "{packets}");
    Metric.Builder io = counter("system.network.io", "By");
    Metric.Builder dropped = counter("system.network.dropped", "{packets}");
    Metric.Builder errors = counter("system.network.errors", "{errors}");
    for (String direction : new String[] {"receive", "transmit"}) {
      add(network, startNanos, timeNanos, packets, "device", "eth0", "direction", direction);
      add(io, startNanos, timeNanos, octets, "device", "eth0", "direction", direction);
      add(
          dropped,
          startNanos,
          timeNanos,
          dropped(lossyIntervals),
          "device",
          "eth0",
          "direction",
          direction);
      add(errors, startNanos, timeNanos, 0, "device", "eth0", "direction", direction);
    }
    long ops = 50_000_000L + OPS_PER_INTERVAL * n;
    Metric.Builder disk = counter("system.disk.operations", "{operations}");
    add(disk, startNanos, timeNanos, ops, "device", "sda", "direction", "read");
    add(disk, startNanos, timeNanos, 3 * ops, "device", "sda", "direction", "write");
    Metric.Builder processes = gaugeSum("system.processes.count", "{processes}");
    processes
        .getSumBuilder()
        .addDataPoints(
            point(startNanos, timeNanos, 6).addAttributes(attribute("status", "running")))
        .addDataPoints(
            point(startNanos, timeNanos, 412).addAttributes(attribute("status", "sleeping")));
    ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
    for (Metric.Builder metric : new Metric.Builder[] {cpu, memory, network, io, dropped, errors}) {
      scope.addMetrics(metric);
    }
    scope.addMetrics(disk).addMetrics(processes);
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(Resource.newBuilder().addAttributes(attribute("host.name", host)))
                .addScopeMetrics(scope))
        .build()
        .toByteArray();
  }

  private static Metric.Builder counter(String name, String unit) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(true)
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE));
  }

  /** An up-down sum, as hostmetrics reports levels (memory in use, processes). */
  private static Metric.Builder gaugeSum(String name, String unit) {
    return Metric.newBuilder()
        .setName(name)
        .setUnit(unit)
        .setSum(
            Sum.newBuilder()
                .setIsMonotonic(false)
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE));
  }

  private static void add(
      Metric.Builder metric,
      long startNanos,
      long timeNanos,
      double value,
      String key1,
      String value1,
      String key2,
      String value2) {
    metric
        .getSumBuilder()
        .addDataPoints(
            point(startNanos, timeNanos, value)
                .addAttributes(attribute(key1, value1))
                .addAttributes(attribute(key2, value2)));
  }

  private static NumberDataPoint.Builder point(long startNanos, long timeNanos, double value) {
    return NumberDataPoint.newBuilder()
        .setStartTimeUnixNano(startNanos)
        .setTimeUnixNano(timeNanos)
        .setAsDouble(value);
  }

  private static KeyValue attribute(String key, String value) {
    return KeyValue.newBuilder()
        .setKey(key)
        .setValue(AnyValue.newBuilder().setStringValue(value))
        .build();
  }
}

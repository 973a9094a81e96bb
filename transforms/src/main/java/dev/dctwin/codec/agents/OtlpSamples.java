package dev.dctwin.codec.agents;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.MetricSample.Kind;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.ExponentialHistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An OTLP metrics export request into samples, for both OTLP encodings: the host from the resource
 * attribute {@code host.name}, the OpenTelemetry Collector's hostmetrics under canonical names,
 * every other metric under its own name with its data point attributes as labels.
 */
final class OtlpSamples {
  static final String HOST_NAME = "host.name";

  private static final double MS_PER_SECOND = 1_000.0;

  /** {@link NumberDataPoint#getFlags} bit: the point carries no value (a gap). */
  private static final int NO_RECORDED_VALUE = 1;

  private OtlpSamples() {}

  static void add(SampleBatch batch, ExportMetricsServiceRequest request)
      throws InvalidMessageException {
    for (ResourceMetrics resource : request.getResourceMetricsList()) {
      String host = null;
      for (KeyValue attribute : resource.getResource().getAttributesList()) {
        if (attribute.getKey().equals(HOST_NAME)) {
          host = text(attribute.getValue());
        }
      }
      for (ScopeMetrics scope : resource.getScopeMetricsList()) {
        for (Metric metric : scope.getMetricsList()) {
          add(batch, host, metric);
        }
      }
    }
  }

  private static void add(SampleBatch batch, String host, Metric metric)
      throws InvalidMessageException {
    String name = metric.getName();
    switch (metric.getDataCase()) {
      case GAUGE -> points(batch, host, name, metric.getGauge().getDataPointsList(), Kind.GAUGE);
      case SUM ->
          points(batch, host, name, metric.getSum().getDataPointsList(), kind(metric.getSum()));
      case HISTOGRAM -> {
        Kind kind = cumulativeOrDelta(metric.getHistogram().getAggregationTemporality());
        for (HistogramDataPoint point : metric.getHistogram().getDataPointsList()) {
          Map<String, String> labels = labels(point.getAttributesList());
          long time = millis(point.getTimeUnixNano());
          batch.add(host, name + "_count", labels, point.getCount(), time, kind);
          if (point.hasSum()) {
            batch.add(host, name + "_sum", labels, point.getSum(), time, kind);
          }
        }
      }
      case EXPONENTIAL_HISTOGRAM -> {
        Kind kind = cumulativeOrDelta(metric.getExponentialHistogram().getAggregationTemporality());
        for (ExponentialHistogramDataPoint point :
            metric.getExponentialHistogram().getDataPointsList()) {
          Map<String, String> labels = labels(point.getAttributesList());
          long time = millis(point.getTimeUnixNano());
          batch.add(host, name + "_count", labels, point.getCount(), time, kind);
          if (point.hasSum()) {
            batch.add(host, name + "_sum", labels, point.getSum(), time, kind);
          }
        }
      }
      case SUMMARY -> {
        // Summaries are cumulative by definition.
        for (SummaryDataPoint point : metric.getSummary().getDataPointsList()) {
          Map<String, String> labels = labels(point.getAttributesList());
          long time = millis(point.getTimeUnixNano());
          batch.add(host, name + "_count", labels, point.getCount(), time, Kind.COUNTER);
          batch.add(host, name + "_sum", labels, point.getSum(), time, Kind.COUNTER);
        }
      }
      case DATA_NOT_SET -> {
        // A metric without data: nothing to add.
      }
    }
  }

  /**
   * A cumulative monotonic sum counts up; a delta sum is an increase; a non-monotonic cumulative
   * sum (memory in use, processes by status) is a level.
   */
  static Kind kind(Sum sum) {
    if (sum.getAggregationTemporality() == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA) {
      return Kind.DELTA;
    }
    return sum.getIsMonotonic() ? Kind.COUNTER : Kind.GAUGE;
  }

  private static Kind cumulativeOrDelta(AggregationTemporality temporality) {
    return temporality == AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA
        ? Kind.DELTA
        : Kind.COUNTER;
  }

  private static void points(
      SampleBatch batch, String host, String name, List<NumberDataPoint> points, Kind kind)
      throws InvalidMessageException {
    for (NumberDataPoint point : points) {
      if ((point.getFlags() & NO_RECORDED_VALUE) != 0) {
        continue;
      }
      double value;
      switch (point.getValueCase()) {
        case AS_DOUBLE -> value = point.getAsDouble();
        case AS_INT -> value = point.getAsInt();
        default -> {
          continue;
        }
      }
      Map<String, String> attributes = labels(point.getAttributesList());
      long time = millis(point.getTimeUnixNano());
      if (host == null || !HostMetrics.add(batch, host, name, attributes, value, time, kind)) {
        batch.add(host, name, attributes, value, time, kind);
      }
    }
  }

  /** Nanoseconds since the epoch (fixed64, so unsigned) to milliseconds; 0 if out of range. */
  private static long millis(long unixNanos) {
    return unixNanos < 0 ? 0 : unixNanos / 1_000_000L;
  }

  /** Scalar attributes as strings; arrays, maps and bytes are no labels. */
  private static Map<String, String> labels(List<KeyValue> attributes) {
    if (attributes.isEmpty()) {
      return Map.of();
    }
    Map<String, String> labels = new HashMap<>(attributes.size() * 2);
    for (KeyValue attribute : attributes) {
      String value = text(attribute.getValue());
      if (value != null) {
        labels.put(attribute.getKey(), value);
      }
    }
    return labels;
  }

  private static String text(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> String.valueOf(value.getBoolValue());
      case INT_VALUE -> String.valueOf(value.getIntValue());
      case DOUBLE_VALUE -> String.valueOf(value.getDoubleValue());
      default -> null;
    };
  }

  /**
   * The hostmetrics receiver's metrics under canonical names. Attributes are read under the names
   * of the receiver ({@code state}, {@code direction}, {@code device}, {@code status}) and of the
   * current semantic conventions ({@code cpu.mode}, {@code disk.io.direction}, ...).
   */
  static final class HostMetrics {
    private HostMetrics() {}

    /** One data point of a host metric: where its samples go, and what they carry. */
    private record Point(
        SampleBatch batch,
        String host,
        Map<String, String> attributes,
        double value,
        long time,
        Kind kind) {
      void add(String name, Map<String, String> labels, double scale)
          throws InvalidMessageException {
        batch.add(host, name, labels, value * scale, time, kind);
      }
    }

    /** Adds the point under its canonical name if it has one; whether it did. */
    static boolean add(
        SampleBatch batch,
        String host,
        String name,
        Map<String, String> attributes,
        double value,
        long time,
        Kind kind)
        throws InvalidMessageException {
      Point point = new Point(batch, host, attributes, value, time, kind);
      return switch (name) {
        case "system.cpu.time" -> cpu(point);
        case "system.memory.usage" -> memory(point);
        case "system.memory.limit" -> {
          point.add(Canonical.MEMORY_TOTAL, Map.of(), 1);
          yield true;
        }
        case "system.disk.io" ->
            disk(point, 1, Canonical.DISK_OCTETS_READ, Canonical.DISK_OCTETS_WRITE);
        case "system.disk.operations" ->
            disk(point, 1, Canonical.DISK_OPS_READ, Canonical.DISK_OPS_WRITE);
        case "system.disk.merged" ->
            disk(point, 1, Canonical.DISK_MERGED_READ, Canonical.DISK_MERGED_WRITE);
        case "system.disk.operation_time" ->
            disk(
                point,
                MS_PER_SECOND,
                Canonical.DISK_READ_TIME_TOTAL,
                Canonical.DISK_WRITE_TIME_TOTAL);
        case "system.disk.io_time" ->
            disk(point, MS_PER_SECOND, Canonical.DISK_IO_TIME, Canonical.DISK_IO_TIME);
        case "system.disk.weighted_io_time" ->
            disk(
                point,
                MS_PER_SECOND,
                Canonical.DISK_WEIGHTED_IO_TIME,
                Canonical.DISK_WEIGHTED_IO_TIME);
        case "system.network.io" -> network(point, Canonical.OCTETS_IN, Canonical.OCTETS_OUT);
        case "system.network.packets" ->
            network(point, Canonical.PACKETS_IN, Canonical.PACKETS_OUT);
        case "system.network.errors" -> network(point, Canonical.ERRORS_IN, Canonical.ERRORS_OUT);
        case "system.network.dropped" ->
            network(point, Canonical.DROPPED_IN, Canonical.DROPPED_OUT);
        case "system.processes.count" -> processes(point);
        default -> false;
      };
    }

    private static boolean cpu(Point point) throws InvalidMessageException {
      String state = Canonical.cpuState(first(point.attributes(), "state", "cpu.mode"));
      if (state == null) {
        return false;
      }
      String cpu = first(point.attributes(), "cpu", "cpu.logical_number");
      point.add(
          Canonical.CPU_TIME,
          cpu == null ? Map.of("state", state) : Map.of("state", state, "cpu", cpu),
          1);
      return true;
    }

    private static boolean memory(Point point) throws InvalidMessageException {
      String state = first(point.attributes(), "state", "system.memory.state");
      if (state == null) {
        return false;
      }
      switch (state) {
        case "used" -> point.add(Canonical.MEMORY_USED, Map.of(), 1);
        case "free" -> point.add(Canonical.MEMORY_FREE, Map.of(), 1);
        case "cached" -> point.add(Canonical.MEMORY_CACHED, Map.of(), 1);
        case "buffered" -> point.add(Canonical.MEMORY_BUFFERED, Map.of(), 1);
        case "slab_reclaimable" ->
            point.add(Canonical.MEMORY_SLAB, Map.of(Canonical.SLAB_PART, "reclaimable"), 1);
        case "slab_unreclaimable" ->
            point.add(Canonical.MEMORY_SLAB, Map.of(Canonical.SLAB_PART, "unreclaimable"), 1);
        default -> {
          return false;
        }
      }
      return true;
    }

    private static boolean processes(Point point) throws InvalidMessageException {
      String status =
          first(point.attributes(), "status", "system.process.status", "process.status");
      String canonical = Canonical.processState(status);
      if (canonical == null) {
        return false;
      }
      point.add(canonical, Map.of(), 1);
      return true;
    }

    /**
     * A disk metric, split by direction where it has one ({@code read}, {@code write}); io_time and
     * weighted_io_time have none, and pass the same name twice.
     */
    private static boolean disk(Point point, double scale, String read, String write)
        throws InvalidMessageException {
      String device = first(point.attributes(), "device", "system.device");
      if (!Canonical.isWholeDisk(device)) {
        return false;
      }
      String name =
          read.equals(write)
              ? read
              : byDirection(
                  first(point.attributes(), "direction", "disk.io.direction"),
                  "read",
                  read,
                  "write",
                  write);
      if (name == null) {
        return false;
      }
      point.add(name, Map.of("device", device), scale);
      return true;
    }

    private static boolean network(Point point, String in, String out)
        throws InvalidMessageException {
      String device =
          first(point.attributes(), "device", "system.device", "network.interface.name");
      String direction = first(point.attributes(), "direction", "network.io.direction");
      if (device == null || direction == null) {
        return false;
      }
      String name = byDirection(direction, "receive", in, "transmit", out);
      if (name == null) {
        return false;
      }
      if (!Canonical.isLoopback(device)) {
        point.add(name, Map.of("device", device), 1);
      }
      return true;
    }

    /**
     * The name for a direction: {@code first} for {@code firstDirection} (read, receive), {@code
     * second} for {@code secondDirection} (write, transmit); null for a missing or unknown one.
     */
    private static String byDirection(
        String direction,
        String firstDirection,
        String first,
        String secondDirection,
        String second) {
      if (firstDirection.equals(direction)) {
        return first;
      }
      return secondDirection.equals(direction) ? second : null;
    }

    private static String first(Map<String, String> attributes, String... keys) {
      for (String key : keys) {
        String value = attributes.get(key);
        if (value != null) {
          return value;
        }
      }
      return null;
    }
  }
}

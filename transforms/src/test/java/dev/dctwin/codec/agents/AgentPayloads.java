package dev.dctwin.codec.agents;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.dctwin.codec.agents.proto.RemoteWrite.Label;
import dev.dctwin.codec.agents.proto.RemoteWrite.Sample;
import dev.dctwin.codec.agents.proto.RemoteWrite.TimeSeries;
import dev.dctwin.codec.agents.proto.RemoteWrite.WriteRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Gauge;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.xerial.snappy.Snappy;

/**
 * Payloads as agents send them about a fleet of Linux hosts, for the benchmark and the fuzz test:
 * the metrics a default agent configuration reports, with plausible values.
 */
final class AgentPayloads {
  static final long T0_MS = 1763719200000L;
  private static final String[] CPU_STATES = {
    "user", "system", "idle", "wait", "nice", "interrupt", "softirq", "steal"
  };

  private AgentPayloads() {}

  /** One collectd value list: its JSON object and how many samples it yields. */
  record ValueList(String json, int samples) {}

  /**
   * The value lists collectd's default Linux plugins report in one interval of {@code host}: cpu (8
   * CPUs, jiffies), interface, memory, disk, load and processes.
   */
  static List<ValueList> collectdInterval(String host, double time, Random random) {
    List<ValueList> lists = new ArrayList<>();
    for (int cpu = 0; cpu < 8; cpu++) {
      for (String state : CPU_STATES) {
        lists.add(
            valueList(
                host,
                time,
                "cpu",
                String.valueOf(cpu),
                "cpu",
                state,
                "derive",
                new String[] {"value"},
                counter(random)));
      }
    }
    for (String device : new String[] {"eth0", "eth1"}) {
      for (String type : new String[] {"if_octets", "if_packets", "if_errors", "if_dropped"}) {
        lists.add(
            valueList(
                host,
                time,
                "interface",
                device,
                type,
                "",
                "derive",
                new String[] {"rx", "tx"},
                counter(random),
                counter(random)));
      }
    }
    for (String state :
        new String[] {"used", "free", "cached", "buffered", "slab_recl", "slab_unrecl"}) {
      lists.add(
          valueList(
              host,
              time,
              "memory",
              "",
              "memory",
              state,
              "gauge",
              new String[] {"value"},
              (double) (random.nextInt(1 << 30)) * 16));
    }
    for (String type : new String[] {"disk_octets", "disk_ops", "disk_merged", "disk_time"}) {
      lists.add(
          valueList(
              host,
              time,
              "disk",
              "sda",
              type,
              "",
              "derive",
              new String[] {"read", "write"},
              counter(random),
              counter(random)));
    }
    lists.add(
        valueList(
            host,
            time,
            "disk",
            "sda",
            "disk_io_time",
            "",
            "derive",
            new String[] {"io_time", "weighted_io_time"},
            counter(random),
            counter(random)));
    lists.add(
        valueList(
            host,
            time,
            "load",
            "",
            "load",
            "",
            "gauge",
            new String[] {"shortterm", "midterm", "longterm"},
            random.nextDouble() * 8,
            random.nextDouble() * 8,
            random.nextDouble() * 8));
    for (String state :
        new String[] {"running", "sleeping", "zombies", "stopped", "paging", "blocked"}) {
      lists.add(
          valueList(
              host,
              time,
              "processes",
              "",
              "ps_state",
              state,
              "gauge",
              new String[] {"value"},
              random.nextInt(400)));
    }
    return lists;
  }

  private static double counter(Random random) {
    return (double) (random.nextLong() >>> 20);
  }

  private static ValueList valueList(
      String host,
      double time,
      String plugin,
      String pluginInstance,
      String type,
      String typeInstance,
      String dstype,
      String[] dsnames,
      double... values) {
    StringBuilder json = new StringBuilder(256).append("{\"values\":[");
    for (int i = 0; i < values.length; i++) {
      json.append(i == 0 ? "" : ",");
      if (dstype.equals("gauge")) {
        json.append(String.format(Locale.ROOT, "%.6g", values[i]));
      } else {
        json.append((long) values[i]);
      }
    }
    json.append("],\"dstypes\":[");
    for (int i = 0; i < values.length; i++) {
      json.append(i == 0 ? "\"" : ",\"").append(dstype).append('"');
    }
    json.append("],\"dsnames\":[");
    for (int i = 0; i < dsnames.length; i++) {
      json.append(i == 0 ? "\"" : ",\"").append(dsnames[i]).append('"');
    }
    json.append(String.format(Locale.ROOT, "],\"time\":%.3f,\"interval\":10.000,", time))
        .append("\"host\":\"")
        .append(host)
        .append("\",\"plugin\":\"")
        .append(plugin)
        .append("\",\"plugin_instance\":\"")
        .append(pluginInstance)
        .append("\",\"type\":\"")
        .append(type)
        .append("\",\"type_instance\":\"")
        .append(typeInstance)
        .append("\"}");
    return new ValueList(json.toString(), values.length);
  }

  /** Value lists of a fleet's intervals until they hold exactly {@code samples} samples. */
  private static List<List<ValueList>> collectdIntervals(int samples) {
    Random random = new Random(19);
    List<List<ValueList>> intervals = new ArrayList<>();
    int total = 0;
    for (int i = 0; total < samples; i++) {
      List<ValueList> interval = new ArrayList<>();
      for (ValueList list :
          collectdInterval(
              String.format(Locale.ROOT, "web-%03d", i % 100),
              T0_MS / 1000.0 + 10 * (i / 100),
              random)) {
        if (total + list.samples() > samples) {
          continue;
        }
        interval.add(list);
        total += list.samples();
      }
      intervals.add(interval);
    }
    return intervals;
  }

  /** write_http's POST bodies: arrays of value lists of one host, up to its 4 KiB buffer. */
  static List<byte[]> collectdBatches(int samples) {
    List<byte[]> payloads = new ArrayList<>();
    for (List<ValueList> interval : collectdIntervals(samples)) {
      StringBuilder body = new StringBuilder(4096);
      for (ValueList list : interval) {
        if (body.length() + list.json().length() + 2 > 4096) {
          payloads.add(utf8(body.append(']').toString()));
          body.setLength(0);
        }
        body.append(body.length() == 0 ? '[' : ',').append(list.json());
      }
      if (body.length() > 0) {
        payloads.add(utf8(body.append(']').toString()));
      }
    }
    return payloads;
  }

  /** write_kafka's messages: one value list each, in an array as collectd's JSON format has it. */
  static List<byte[]> collectdValueLists(int samples) {
    List<byte[]> payloads = new ArrayList<>();
    for (List<ValueList> interval : collectdIntervals(samples)) {
      for (ValueList list : interval) {
        payloads.add(utf8("[" + list.json() + "]"));
      }
    }
    return payloads;
  }

  /** Telegraf's fields of one host and interval: measurement, tags (but host) and fields. */
  private record TelegrafMetric(String name, String tags, List<String> fields) {}

  private static List<TelegrafMetric> telegrafInterval(Random random) {
    List<TelegrafMetric> metrics = new ArrayList<>();
    List<String> cpu = new ArrayList<>();
    for (String state :
        new String[] {
          "user",
          "system",
          "idle",
          "nice",
          "iowait",
          "irq",
          "softirq",
          "steal",
          "guest",
          "guest_nice"
        }) {
      cpu.add(field("usage_" + state, random.nextDouble() * 100));
    }
    metrics.add(new TelegrafMetric("cpu", "\"cpu\":\"cpu-total\"", cpu));
    List<String> mem = new ArrayList<>();
    for (String field :
        new String[] {
          "active",
          "available",
          "buffered",
          "cached",
          "free",
          "slab",
          "total",
          "used",
          "available_percent",
          "used_percent"
        }) {
      mem.add(field(field, (double) random.nextInt(1 << 30) * 16));
    }
    metrics.add(new TelegrafMetric("mem", "", mem));
    List<String> net = new ArrayList<>();
    for (String field :
        new String[] {
          "bytes_recv",
          "bytes_sent",
          "packets_recv",
          "packets_sent",
          "err_in",
          "err_out",
          "drop_in",
          "drop_out"
        }) {
      net.add(field(field, (double) (random.nextLong() >>> 24)));
    }
    metrics.add(new TelegrafMetric("net", "\"interface\":\"eth0\"", net));
    List<String> disk = new ArrayList<>();
    for (String field :
        new String[] {
          "reads",
          "writes",
          "read_bytes",
          "write_bytes",
          "read_time",
          "write_time",
          "io_time",
          "weighted_io_time",
          "merged_reads",
          "merged_writes",
          "iops_in_progress"
        }) {
      disk.add(field(field, (double) (random.nextLong() >>> 24)));
    }
    metrics.add(new TelegrafMetric("diskio", "\"name\":\"sda\"", disk));
    List<String> processes = new ArrayList<>();
    for (String field :
        new String[] {"running", "sleeping", "blocked", "zombies", "stopped", "paging", "total"}) {
      processes.add(field(field, random.nextInt(400)));
    }
    metrics.add(new TelegrafMetric("processes", "", processes));
    metrics.add(
        new TelegrafMetric(
            "system",
            "",
            List.of(
                field("load1", random.nextDouble() * 8),
                field("load5", random.nextDouble() * 8),
                field("load15", random.nextDouble() * 8))));
    return metrics;
  }

  private static String field(String name, double value) {
    return value == Math.rint(value) && Math.abs(value) < 1e15
        ? "\"" + name + "\":" + (long) value
        : "\"" + name + "\":" + value;
  }

  /** Telegraf batches ({@code use_batch_format}) of 100 metrics, hosts' intervals in turn. */
  static List<byte[]> telegrafBatches(int samples) {
    Random random = new Random(19);
    List<String> metrics = new ArrayList<>();
    int total = 0;
    for (int i = 0; total < samples; i++) {
      String host = String.format(Locale.ROOT, "web-%03d", i % 100);
      long time = T0_MS / 1000 + 10 * (i / 100);
      for (TelegrafMetric metric : telegrafInterval(random)) {
        List<String> fields = metric.fields();
        if (total + fields.size() > samples) {
          fields = fields.subList(0, samples - total);
        }
        if (fields.isEmpty()) {
          break;
        }
        total += fields.size();
        metrics.add(
            "{\"fields\":{"
                + String.join(",", fields)
                + "},\"name\":\""
                + metric.name()
                + "\",\"tags\":{"
                + metric.tags()
                + (metric.tags().isEmpty() ? "" : ",")
                + "\"host\":\""
                + host
                + "\"},\"timestamp\":"
                + time
                + "}");
      }
    }
    List<byte[]> payloads = new ArrayList<>();
    for (int from = 0; from < metrics.size(); from += 100) {
      payloads.add(
          utf8(
              "{\"metrics\":["
                  + String.join(",", metrics.subList(from, Math.min(metrics.size(), from + 100)))
                  + "]}"));
    }
    return payloads;
  }

  /** The hostmetrics receiver's points of one host and interval. */
  private static List<Metric> hostMetrics(long timeNanos, Random random) {
    List<Metric> metrics = new ArrayList<>();
    List<NumberDataPoint> cpu = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      for (String state : CPU_STATES) {
        cpu.add(point(timeNanos, random.nextDouble() * 1e6, "cpu", "cpu" + c, "state", state));
      }
    }
    metrics.add(sum("system.cpu.time", true, cpu));
    List<NumberDataPoint> memory = new ArrayList<>();
    for (String state :
        new String[] {
          "used", "free", "cached", "buffered", "slab_reclaimable", "slab_unreclaimable"
        }) {
      memory.add(point(timeNanos, (double) random.nextInt(1 << 30) * 16, "state", state));
    }
    metrics.add(sum("system.memory.usage", false, memory));
    for (String name :
        new String[] {"system.disk.io", "system.disk.operations", "system.disk.operation_time"}) {
      metrics.add(
          sum(
              name,
              true,
              List.of(
                  point(timeNanos, counter(random), "device", "sda", "direction", "read"),
                  point(timeNanos, counter(random), "device", "sda", "direction", "write"))));
    }
    for (String name :
        new String[] {"system.network.io", "system.network.packets", "system.network.errors"}) {
      metrics.add(
          sum(
              name,
              true,
              List.of(
                  point(timeNanos, counter(random), "device", "eth0", "direction", "receive"),
                  point(timeNanos, counter(random), "device", "eth0", "direction", "transmit"))));
    }
    metrics.add(
        sum(
            "system.processes.count",
            false,
            List.of(
                point(timeNanos, random.nextInt(10), "status", "running"),
                point(timeNanos, random.nextInt(400), "status", "sleeping"))));
    metrics.add(
        Metric.newBuilder()
            .setName("system.cpu.load_average.1m")
            .setGauge(Gauge.newBuilder().addDataPoints(point(timeNanos, random.nextDouble() * 8)))
            .build());
    return metrics;
  }

  private static NumberDataPoint point(long timeNanos, double value, String... attributes) {
    NumberDataPoint.Builder point =
        NumberDataPoint.newBuilder().setTimeUnixNano(timeNanos).setAsDouble(value);
    for (int i = 0; i < attributes.length; i += 2) {
      point.addAttributes(
          KeyValue.newBuilder()
              .setKey(attributes[i])
              .setValue(AnyValue.newBuilder().setStringValue(attributes[i + 1])));
    }
    return point.build();
  }

  private static Metric sum(String name, boolean monotonic, List<NumberDataPoint> points) {
    return Metric.newBuilder()
        .setName(name)
        .setSum(
            Sum.newBuilder()
                .setAggregationTemporality(
                    AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                .setIsMonotonic(monotonic)
                .addAllDataPoints(points))
        .build();
  }

  /**
   * OTLP export requests as the Collector's batch processor sends them: the hostmetrics of ten
   * hosts each, one resource per host.
   */
  static List<ExportMetricsServiceRequest> otlpRequests(int samples) {
    Random random = new Random(19);
    List<ExportMetricsServiceRequest> requests = new ArrayList<>();
    int total = 0;
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    for (int i = 0; total < samples; i++) {
      String host = String.format(Locale.ROOT, "web-%03d", i % 100);
      long time = (T0_MS + 10_000L * (i / 100)) * 1_000_000L;
      ScopeMetrics.Builder scope = ScopeMetrics.newBuilder();
      for (Metric metric : hostMetrics(time, random)) {
        int points =
            metric.hasSum()
                ? metric.getSum().getDataPointsCount()
                : metric.getGauge().getDataPointsCount();
        if (total + points > samples) {
          continue;
        }
        total += points;
        scope.addMetrics(metric);
      }
      request.addResourceMetrics(
          ResourceMetrics.newBuilder()
              .setResource(
                  Resource.newBuilder()
                      .addAttributes(
                          KeyValue.newBuilder()
                              .setKey("host.name")
                              .setValue(AnyValue.newBuilder().setStringValue(host))))
              .addScopeMetrics(scope));
      if (request.getResourceMetricsCount() == 10) {
        requests.add(request.build());
        request = ExportMetricsServiceRequest.newBuilder();
      }
    }
    if (request.getResourceMetricsCount() > 0) {
      requests.add(request.build());
    }
    return requests;
  }

  static List<byte[]> otlpProto(int samples) {
    return otlpRequests(samples).stream().map(ExportMetricsServiceRequest::toByteArray).toList();
  }

  static List<byte[]> otlpJson(int samples) {
    JsonFormat.Printer printer = JsonFormat.printer().omittingInsignificantWhitespace();
    List<byte[]> payloads = new ArrayList<>();
    for (ExportMetricsServiceRequest request : otlpRequests(samples)) {
      try {
        payloads.add(utf8(printer.print(request)));
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }
    return payloads;
  }

  /** node_exporter's series of one host: name and labels but instance and job. */
  private static List<String[]> nodeExporterSeries() {
    List<String[]> series = new ArrayList<>();
    for (int c = 0; c < 8; c++) {
      for (String mode :
          new String[] {"user", "system", "idle", "iowait", "nice", "irq", "softirq", "steal"}) {
        series.add(new String[] {"node_cpu_seconds_total", "cpu", String.valueOf(c), "mode", mode});
      }
    }
    for (String name :
        new String[] {
          "node_memory_MemTotal_bytes",
          "node_memory_MemFree_bytes",
          "node_memory_Cached_bytes",
          "node_memory_Buffers_bytes",
          "node_memory_Slab_bytes",
          "node_load1",
          "node_procs_running"
        }) {
      series.add(new String[] {name});
    }
    for (String name :
        new String[] {
          "node_network_receive_bytes_total", "node_network_transmit_bytes_total",
          "node_network_receive_packets_total", "node_network_transmit_packets_total"
        }) {
      series.add(new String[] {name, "device", "eth0"});
    }
    for (String name :
        new String[] {
          "node_disk_read_bytes_total", "node_disk_written_bytes_total",
          "node_disk_reads_completed_total", "node_disk_writes_completed_total",
          "node_disk_io_time_seconds_total"
        }) {
      series.add(new String[] {name, "device", "sda"});
    }
    series.add(
        new String[] {
          "node_filesystem_avail_bytes", "device", "/dev/sda1", "fstype", "ext4", "mountpoint", "/"
        });
    return series;
  }

  /** Remote write requests of 2,000 samples (Prometheus' max_samples_per_send), one per series. */
  static List<byte[]> prometheusRemoteWrite(int samples) {
    Random random = new Random(19);
    List<byte[]> payloads = new ArrayList<>();
    WriteRequest.Builder request = WriteRequest.newBuilder();
    List<String[]> series = nodeExporterSeries();
    for (int i = 0; i < samples; i++) {
      String[] one = series.get(i % series.size());
      int host = i / series.size();
      TimeSeries.Builder timeSeries = TimeSeries.newBuilder().addLabels(label("__name__", one[0]));
      for (int l = 1; l < one.length; l += 2) {
        timeSeries.addLabels(label(one[l], one[l + 1]));
      }
      timeSeries
          .addLabels(label("instance", String.format(Locale.ROOT, "web-%03d:9100", host % 100)))
          .addLabels(label("job", "node"))
          .addSamples(
              Sample.newBuilder()
                  .setValue(counter(random))
                  .setTimestamp(T0_MS + 15_000L * (host / 100)));
      request.addTimeseries(timeSeries);
      if (request.getTimeseriesCount() == 2_000) {
        payloads.add(snappy(request.build().toByteArray()));
        request = WriteRequest.newBuilder();
      }
    }
    if (request.getTimeseriesCount() > 0) {
      payloads.add(snappy(request.build().toByteArray()));
    }
    return payloads;
  }

  /** prometheus-kafka-adapter's messages: one sample each. */
  static List<byte[]> prometheusJson(int samples) {
    Random random = new Random(19);
    List<byte[]> payloads = new ArrayList<>();
    List<String[]> series = nodeExporterSeries();
    for (int i = 0; i < samples; i++) {
      String[] one = series.get(i % series.size());
      int host = i / series.size();
      StringBuilder labels = new StringBuilder("\"__name__\":\"").append(one[0]).append('"');
      for (int l = 1; l < one.length; l += 2) {
        labels.append(",\"").append(one[l]).append("\":\"").append(one[l + 1]).append('"');
      }
      labels.append(String.format(Locale.ROOT, ",\"instance\":\"web-%03d:9100\"", host % 100));
      labels.append(",\"job\":\"node\"");
      payloads.add(
          utf8(
              "{\"timestamp\":\""
                  + java.time.Instant.ofEpochMilli(T0_MS + 15_000L * (host / 100))
                  + "\",\"value\":\""
                  + counter(random)
                  + "\",\"name\":\""
                  + one[0]
                  + "\",\"labels\":{"
                  + labels
                  + "}}"));
    }
    return payloads;
  }

  private static Label label(String name, String value) {
    return Label.newBuilder().setName(name).setValue(value).build();
  }

  private static byte[] snappy(byte[] bytes) {
    try {
      return Snappy.compress(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

package dev.dctwin.codec.agents;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

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

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

package dev.dctwin.codec.agents;

import static dev.dctwin.codec.agents.Canonical.CPU_TIME;
import static dev.dctwin.codec.agents.Canonical.DISK_FAILED_DEVICES;
import static dev.dctwin.codec.agents.Canonical.DISK_IO_TIME;
import static dev.dctwin.codec.agents.Canonical.DISK_MERGED_READ;
import static dev.dctwin.codec.agents.Canonical.DISK_MERGED_WRITE;
import static dev.dctwin.codec.agents.Canonical.DISK_OCTETS_READ;
import static dev.dctwin.codec.agents.Canonical.DISK_OCTETS_WRITE;
import static dev.dctwin.codec.agents.Canonical.DISK_OPS_READ;
import static dev.dctwin.codec.agents.Canonical.DISK_OPS_WRITE;
import static dev.dctwin.codec.agents.Canonical.DISK_READ_TIME_TOTAL;
import static dev.dctwin.codec.agents.Canonical.DISK_WEIGHTED_IO_TIME;
import static dev.dctwin.codec.agents.Canonical.DISK_WRITE_TIME_TOTAL;
import static dev.dctwin.codec.agents.Canonical.DROPPED_IN;
import static dev.dctwin.codec.agents.Canonical.DROPPED_OUT;
import static dev.dctwin.codec.agents.Canonical.ERRORS_IN;
import static dev.dctwin.codec.agents.Canonical.ERRORS_OUT;
import static dev.dctwin.codec.agents.Canonical.MEMORY_BUFFERED;
import static dev.dctwin.codec.agents.Canonical.MEMORY_CACHED;
import static dev.dctwin.codec.agents.Canonical.MEMORY_CORRECTED;
import static dev.dctwin.codec.agents.Canonical.MEMORY_FREE;
import static dev.dctwin.codec.agents.Canonical.MEMORY_SLAB;
import static dev.dctwin.codec.agents.Canonical.MEMORY_TOTAL;
import static dev.dctwin.codec.agents.Canonical.MEMORY_UNCORRECTED;
import static dev.dctwin.codec.agents.Canonical.OCTETS_IN;
import static dev.dctwin.codec.agents.Canonical.OCTETS_OUT;
import static dev.dctwin.codec.agents.Canonical.PACKETS_IN;
import static dev.dctwin.codec.agents.Canonical.PACKETS_OUT;
import static dev.dctwin.codec.agents.Canonical.cpuState;
import static dev.dctwin.codec.agents.Canonical.isLoopback;
import static dev.dctwin.codec.agents.Canonical.isWholeDisk;
import static dev.dctwin.domain.DeadLetterReason.MISSING_FIELD;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.MetricSample.Kind;
import java.util.HashMap;
import java.util.Map;

/**
 * Prometheus series into samples, for both Prometheus formats: the host from the labels, the
 * node_exporter series that feed typed fields under their canonical names, every other series under
 * its own name, a counter if its name says so.
 */
final class PrometheusSamples {
  static final String NAME_LABEL = "__name__";

  private static final double MS_PER_SECOND = 1_000.0;

  /** node_exporter series of one name and device label into one canonical name, scaled. */
  private record Rename(String name, double scale, String keep) {}

  private static final Map<String, Rename> RENAMES =
      Map.ofEntries(
          Map.entry("node_memory_MemTotal_bytes", new Rename(MEMORY_TOTAL, 1, null)),
          Map.entry("node_memory_MemFree_bytes", new Rename(MEMORY_FREE, 1, null)),
          Map.entry("node_memory_Cached_bytes", new Rename(MEMORY_CACHED, 1, null)),
          Map.entry("node_memory_Buffers_bytes", new Rename(MEMORY_BUFFERED, 1, null)),
          Map.entry("node_memory_Slab_bytes", new Rename(MEMORY_SLAB, 1, null)),
          Map.entry(
              "node_edac_correctable_errors_total", new Rename(MEMORY_CORRECTED, 1, "controller")),
          Map.entry(
              "node_edac_uncorrectable_errors_total",
              new Rename(MEMORY_UNCORRECTED, 1, "controller")),
          Map.entry("node_procs_running", new Rename("processes.running", 1, null)),
          Map.entry("node_procs_blocked", new Rename("processes.blocked", 1, null)),
          Map.entry("node_disk_read_bytes_total", new Rename(DISK_OCTETS_READ, 1, "device")),
          Map.entry("node_disk_written_bytes_total", new Rename(DISK_OCTETS_WRITE, 1, "device")),
          Map.entry("node_disk_reads_completed_total", new Rename(DISK_OPS_READ, 1, "device")),
          Map.entry("node_disk_writes_completed_total", new Rename(DISK_OPS_WRITE, 1, "device")),
          Map.entry("node_disk_reads_merged_total", new Rename(DISK_MERGED_READ, 1, "device")),
          Map.entry("node_disk_writes_merged_total", new Rename(DISK_MERGED_WRITE, 1, "device")),
          Map.entry(
              "node_disk_read_time_seconds_total",
              new Rename(DISK_READ_TIME_TOTAL, MS_PER_SECOND, "device")),
          Map.entry(
              "node_disk_write_time_seconds_total",
              new Rename(DISK_WRITE_TIME_TOTAL, MS_PER_SECOND, "device")),
          Map.entry(
              "node_disk_io_time_seconds_total", new Rename(DISK_IO_TIME, MS_PER_SECOND, "device")),
          Map.entry(
              "node_disk_io_time_weighted_seconds_total",
              new Rename(DISK_WEIGHTED_IO_TIME, MS_PER_SECOND, "device")),
          Map.entry("node_network_receive_bytes_total", new Rename(OCTETS_IN, 1, "device")),
          Map.entry("node_network_transmit_bytes_total", new Rename(OCTETS_OUT, 1, "device")),
          Map.entry("node_network_receive_packets_total", new Rename(PACKETS_IN, 1, "device")),
          Map.entry("node_network_transmit_packets_total", new Rename(PACKETS_OUT, 1, "device")),
          Map.entry("node_network_receive_errs_total", new Rename(ERRORS_IN, 1, "device")),
          Map.entry("node_network_transmit_errs_total", new Rename(ERRORS_OUT, 1, "device")),
          Map.entry("node_network_receive_drop_total", new Rename(DROPPED_IN, 1, "device")),
          Map.entry("node_network_transmit_drop_total", new Rename(DROPPED_OUT, 1, "device")));

  private PrometheusSamples() {}

  /**
   * The host a series' labels name: label {@code host} or {@code hostname}, else {@code instance}
   * without its port; null if none.
   */
  static String host(Map<String, String> labels) {
    String host = labels.get("host");
    if (host == null || host.isEmpty()) {
      host = labels.get("hostname");
    }
    if (host != null && !host.isEmpty()) {
      return host;
    }
    String instance = labels.get("instance");
    return instance == null || instance.isEmpty() ? null : withoutPort(instance);
  }

  /** {@code host:9100} to {@code host}, {@code [::1]:9100} to {@code ::1}. */
  static String withoutPort(String instance) {
    if (instance.startsWith("[")) {
      int close = instance.indexOf(']');
      return close > 1 ? instance.substring(1, close) : instance;
    }
    int colon = instance.lastIndexOf(':');
    if (colon > 0 && colon == instance.indexOf(':') && isPort(instance, colon + 1)) {
      return instance.substring(0, colon);
    }
    return instance;
  }

  private static boolean isPort(String text, int from) {
    if (from >= text.length()) {
      return false;
    }
    for (int i = from; i < text.length(); i++) {
      if (text.charAt(i) < '0' || text.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /**
   * Adds one sample of a series. {@code labels} are all of the series' labels, {@code __name__}
   * included; the map is not kept.
   */
  static void add(SampleBatch batch, Map<String, String> labels, double value, long time)
      throws InvalidMessageException {
    String name = labels.get(NAME_LABEL);
    if (name == null || name.isEmpty()) {
      throw new InvalidMessageException(MISSING_FIELD, "a series without __name__");
    }
    String host = host(labels);
    if (host == null) {
      batch.add(null, name, Map.of(), value, time, Kind.GAUGE);
      return;
    }
    if (name.equals("node_cpu_seconds_total")) {
      String state = cpuState(labels.get("mode"));
      String cpu = labels.get("cpu");
      if (state != null && cpu != null) {
        batch.add(host, CPU_TIME, Map.of("state", state, "cpu", cpu), value, time, Kind.COUNTER);
        return;
      }
    } else if (name.equals("node_md_disks")) {
      String device = labels.get("device");
      if ("failed".equals(labels.get("state")) && device != null) {
        batch.add(host, DISK_FAILED_DEVICES, Map.of("device", device), value, time, Kind.GAUGE);
        return;
      }
    } else {
      Rename rename = RENAMES.get(name);
      if (rename != null && add(batch, host, rename, name, labels, value, time)) {
        return;
      }
    }
    batch.add(host, name, ownLabels(labels), value, time, kindOf(name));
  }

  private static boolean add(
      SampleBatch batch,
      String host,
      Rename rename,
      String name,
      Map<String, String> labels,
      double value,
      long time)
      throws InvalidMessageException {
    Kind kind = kindOf(name);
    if (rename.keep() == null) {
      batch.add(host, rename.name(), Map.of(), value * rename.scale(), time, kind);
      return true;
    }
    String keep = labels.get(rename.keep());
    if (keep == null) {
      return false;
    }
    if (rename.name().startsWith("network.")) {
      if (isLoopback(keep)) {
        return true;
      }
    } else if (rename.name().startsWith("disk.") && !isWholeDisk(keep)) {
      return false;
    }
    batch.add(host, rename.name(), Map.of(rename.keep(), keep), value * rename.scale(), time, kind);
    return true;
  }

  /** A series' labels without its name and the labels that name its host. */
  private static Map<String, String> ownLabels(Map<String, String> labels) {
    Map<String, String> own = new HashMap<>(labels);
    own.remove(NAME_LABEL);
    own.remove("instance");
    own.remove("host");
    own.remove("hostname");
    return own;
  }

  /**
   * Cumulative by the Prometheus naming conventions: counters end in {@code _total}, and a
   * histogram's or summary's {@code _bucket}, {@code _count} and {@code _sum} only grow.
   */
  static Kind kindOf(String name) {
    return name.endsWith("_total")
            || name.endsWith("_bucket")
            || name.endsWith("_count")
            || name.endsWith("_sum")
        ? Kind.COUNTER
        : Kind.GAUGE;
  }
}

package dev.dctwin.codec.agents;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.MetricSample.Kind;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Telegraf metrics into samples: the fields of the inputs of the contract (cpu, mem, net, diskio,
 * processes, ipmi_sensor, redfish) under canonical names, every other field as a gauge named {@code
 * <measurement>_<field>} with the metric's tags but the host's.
 */
final class TelegrafSamples {
  private static final Map<String, String> MEMORY =
      Map.of(
          "total", Canonical.MEMORY_TOTAL,
          "free", Canonical.MEMORY_FREE,
          "cached", Canonical.MEMORY_CACHED,
          "buffered", Canonical.MEMORY_BUFFERED,
          "slab", Canonical.MEMORY_SLAB,
          "used", Canonical.MEMORY_USED);

  private static final Map<String, String> NETWORK =
      Map.of(
          "bytes_recv", Canonical.OCTETS_IN,
          "bytes_sent", Canonical.OCTETS_OUT,
          "packets_recv", Canonical.PACKETS_IN,
          "packets_sent", Canonical.PACKETS_OUT,
          "err_in", Canonical.ERRORS_IN,
          "err_out", Canonical.ERRORS_OUT,
          "drop_in", Canonical.DROPPED_IN,
          "drop_out", Canonical.DROPPED_OUT);

  /** diskio's cumulative fields; its times are already milliseconds. */
  private static final Map<String, String> DISK =
      Map.of(
          "reads", Canonical.DISK_OPS_READ,
          "writes", Canonical.DISK_OPS_WRITE,
          "read_bytes", Canonical.DISK_OCTETS_READ,
          "write_bytes", Canonical.DISK_OCTETS_WRITE,
          "read_time", Canonical.DISK_READ_TIME_TOTAL,
          "write_time", Canonical.DISK_WRITE_TIME_TOTAL,
          "io_time", Canonical.DISK_IO_TIME,
          "weighted_io_time", Canonical.DISK_WEIGHTED_IO_TIME,
          "merged_reads", Canonical.DISK_MERGED_READ,
          "merged_writes", Canonical.DISK_MERGED_WRITE);

  /** ipmi_sensor's unit tag to the quantity of {@link Canonical#sensor}. */
  private static final Map<String, String> IPMI_UNITS =
      Map.of("degrees_c", "temperature", "volts", "voltage", "watts", "power", "cfm", "airflow");

  private TelegrafSamples() {}

  static void add(
      SampleBatch batch,
      String measurement,
      Map<String, String> tags,
      List<String> fields,
      List<Object> values,
      long time)
      throws InvalidMessageException {
    String hostTag = hostTag(measurement, tags);
    String host = hostTag == null ? null : tags.get(hostTag);
    Map<String, String> ownLabels = null;
    for (int i = 0; i < fields.size(); i++) {
      String field = fields.get(i);
      double value = (Double) values.get(i);
      if (canonical(batch, host, measurement, tags, field, value, time)) {
        continue;
      }
      if (ownLabels == null) {
        ownLabels = new HashMap<>(tags);
        ownLabels.remove("host");
        if (hostTag != null) {
          ownLabels.remove(hostTag);
        }
      }
      batch.add(host, measurement + "_" + field, ownLabels, value, time, Kind.GAUGE);
    }
  }

  /**
   * The tag that names the machine the metric is about: Telegraf's {@code host} is the machine
   * Telegraf runs on, which for BMC inputs polling other servers is not the server: ipmi_sensor
   * tags the BMC it asked as {@code server}, redfish the system's host name as {@code source}.
   */
  private static String hostTag(String measurement, Map<String, String> tags) {
    if (measurement.equals("ipmi_sensor") && tags.containsKey("server")) {
      return "server";
    }
    if (measurement.startsWith("redfish_") && tags.containsKey("source")) {
      return "source";
    }
    return tags.containsKey("host") ? "host" : null;
  }

  /** Adds the field under its canonical name if it has one; whether it did. */
  private static boolean canonical(
      SampleBatch batch,
      String host,
      String measurement,
      Map<String, String> tags,
      String field,
      double value,
      long time)
      throws InvalidMessageException {
    switch (measurement) {
      case "cpu" -> {
        if (!"cpu-total".equals(tags.get("cpu"))) {
          return false;
        }
        if (field.startsWith("usage_")) {
          String state = Canonical.cpuState(field.substring("usage_".length()));
          if (state != null) {
            batch.add(host, Canonical.CPU_PERCENT, Map.of("state", state), value, time, Kind.GAUGE);
            return true;
          }
        } else if (field.startsWith("time_")) {
          String state = Canonical.cpuState(field.substring("time_".length()));
          if (state != null) {
            batch.add(host, Canonical.CPU_TIME, Map.of("state", state), value, time, Kind.COUNTER);
            return true;
          }
        }
        return false;
      }
      case "mem" -> {
        String name = MEMORY.get(field);
        if (name != null) {
          batch.add(host, name, Map.of(), value, time, Kind.GAUGE);
        }
        return name != null;
      }
      case "net" -> {
        String name = NETWORK.get(field);
        String device = tags.get("interface");
        if (name == null || device == null || device.equals("all")) {
          return false;
        }
        if (!Canonical.isLoopback(device)) {
          batch.add(host, name, Map.of("device", device), value, time, Kind.COUNTER);
        }
        return true;
      }
      case "diskio" -> {
        String name = DISK.get(field);
        String device = tags.get("name");
        if (name == null || !Canonical.isWholeDisk(device)) {
          return false;
        }
        batch.add(host, name, Map.of("device", device), value, time, Kind.COUNTER);
        return true;
      }
      case "processes" -> {
        String name = Canonical.processState(field);
        if (name != null) {
          batch.add(host, name, Map.of(), value, time, Kind.GAUGE);
        }
        return name != null;
      }
      case "ipmi_sensor" -> {
        String unit = tags.get("unit");
        String quantity = unit == null ? null : IPMI_UNITS.get(unit);
        return field.equals("value")
            && quantity != null
            && sensor(batch, host, quantity, tags.get("name"), value, time);
      }
      case "redfish_thermal_temperatures", "redfish_thermalsubsys_temperatures" -> {
        return field.equals("reading_celsius")
            && sensor(batch, host, "temperature", tags.get("name"), value, time);
      }
      case "redfish_power_voltages" -> {
        return field.equals("reading_volts")
            && sensor(batch, host, "voltage", tags.get("name"), value, time);
      }
      case "redfish_power_powercontrol" -> {
        // The chassis' power control reports what the whole system draws.
        if (!field.equals("power_consumed_watts")) {
          return false;
        }
        batch.add(
            host,
            Canonical.SENSORS_INPUT_POWER,
            Map.of("sensor", tags.getOrDefault("name", "")),
            value,
            time,
            Kind.GAUGE);
        return true;
      }
      default -> {
        return false;
      }
    }
  }

  private static boolean sensor(
      SampleBatch batch, String host, String quantity, String sensor, double value, long time)
      throws InvalidMessageException {
    String name = Canonical.sensor(quantity, sensor);
    if (name == null) {
      return false;
    }
    batch.add(host, name, Map.of("sensor", sensor), value, time, Kind.GAUGE);
    return true;
  }
}

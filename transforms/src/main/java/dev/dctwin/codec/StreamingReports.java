package dev.dctwin.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.FieldLimits;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The metric report, the message that arrives by far the most often, read from the parser's tokens
 * straight into its record, without a JSON tree: the tree cost the parse step most of its CPU.
 *
 * <p>A shortcut only: {@link #decode} returns a report only for a payload that {@link WireCodec}'s
 * tree path accepts, equal to the report that path returns, and null for anything else (another
 * type, any invalid or unusual input such as a time as an ISO string), which the tree path then
 * decodes and, when it is invalid, turns into the dead letter with its precise reason. The parser
 * is the codec's own, so its limits (nesting, number length, duplicate names) apply alike.
 */
final class StreamingReports {
  private static final double MAX = Double.MAX_VALUE;
  private static final String METRICS = MessageType.METRICS.wireName();

  private static final Group CPU =
      Group.of(
          values ->
              new CpuMetrics(
                  values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                  values[7]),
          0,
          100,
          "idle",
          "user",
          "system",
          "nice",
          "interrupt",
          "softirq",
          "steal",
          "ioWait");
  private static final Group NETWORK =
      Group.of(
          values ->
              new NetworkMetrics(
                  values[0], values[1], values[2], values[3], values[4], values[5], values[6],
                  values[7]),
          0,
          MAX,
          "droppedIn",
          "droppedOut",
          "errorsIn",
          "errorsOut",
          "packetsIn",
          "packetsOut",
          "octetsIn",
          "octetsOut");
  private static final Group MEMORY =
      Group.of(
          values ->
              new MemoryMetrics(
                  values[0],
                  values[1],
                  values[2],
                  values[3],
                  values[4],
                  values[5],
                  values[6],
                  values[7],
                  values[8],
                  values[9],
                  values[10],
                  values[11]),
          0,
          MAX,
          "used",
          "free",
          "cached",
          "buffered",
          "slab",
          "total",
          "bandwidthLocal",
          "bandwidthRemote",
          "llcBytes",
          "correctedErrors",
          "uncorrectedErrors",
          "throttlingEvents");
  private static final Group DISK =
      Group.of(
          values ->
              new DiskMetrics(
                  values[0],
                  values[1],
                  values[2],
                  values[3],
                  values[4],
                  values[5],
                  values[6],
                  values[7],
                  values[8],
                  values[9],
                  values[10]),
          0,
          MAX,
          "ioTime",
          "weightedIoTime",
          "mergedRead",
          "mergedWrite",
          "octetsRead",
          "octetsWrite",
          "opsRead",
          "opsWrite",
          "timeRead",
          "timeWrite",
          "failedDevices");
  private static final Group PROCESSES =
      Group.of(
          values ->
              new ProcessMetrics(values[0], values[1], values[2], values[3], values[4], values[5]),
          0,
          MAX,
          "running",
          "sleeping",
          "blocked",
          "paging",
          "stopped",
          "zombies");
  private static final Group SENSORS =
      new Group(
          values -> new SensorReadings(values[0], values[1], values[2], values[3]),
          new String[] {"voltage", "temperature", "airflow", "inputPower"},
          new double[] {0, WireCodec.ABSOLUTE_ZERO_CELSIUS, 0, 0},
          new double[] {WireCodec.MAX_PLAUSIBLE_VOLTS, WireCodec.MAX_PLAUSIBLE_CELSIUS, MAX, MAX});

  private StreamingReports() {}

  /**
   * The report in {@code payload}, or null when it is not a valid metric report in the common form
   * (see the class comment). {@code defaultType} as in {@link WireCodec#decode}.
   */
  static ServerMetricReport decode(ObjectMapper mapper, byte[] payload, MessageType defaultType) {
    try (JsonParser parser = mapper.createParser(payload)) {
      return report(parser, defaultType);
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static ServerMetricReport report(JsonParser p, MessageType defaultType)
      throws IOException {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      return null;
    }
    boolean typed = false;
    String serverId = null;
    long eventTime = Long.MIN_VALUE;
    Object[] groups = new Object[6];
    TreeMap<String, Double> gauges = new TreeMap<>();
    for (JsonToken token = p.nextToken(); token == JsonToken.FIELD_NAME; token = p.nextToken()) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      switch (name) {
        case "type" -> {
          if (value != JsonToken.VALUE_STRING || !METRICS.equals(p.getText())) {
            return null;
          }
          typed = true;
        }
        case "serverId" -> {
          if (value != JsonToken.VALUE_STRING) {
            return null;
          }
          serverId = p.getText();
        }
        case "eventTime" -> {
          if (value != JsonToken.VALUE_NUMBER_INT
              || p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            return null;
          }
          eventTime = p.getLongValue();
        }
        case "cpu" -> groups[0] = CPU.read(p, value);
        case "network" -> groups[1] = NETWORK.read(p, value);
        case "memory" -> groups[2] = MEMORY.read(p, value);
        case "disk" -> groups[3] = DISK.read(p, value);
        case "processes" -> groups[4] = PROCESSES.read(p, value);
        case "sensors" -> groups[5] = SENSORS.read(p, value);
        case "gauges" -> {
          if (!gauges(p, value, gauges)) {
            return null;
          }
        }
        // Fields that are not part of a report are ignored, as the tree path ignores them.
        default -> p.skipChildren();
      }
      if (groups[0] == Group.INVALID
          || groups[1] == Group.INVALID
          || groups[2] == Group.INVALID
          || groups[3] == Group.INVALID
          || groups[4] == Group.INVALID
          || groups[5] == Group.INVALID) {
        return null;
      }
    }
    // Anything after the object (FAIL_ON_TRAILING_TOKENS) or a field left unread is not ours.
    if (p.currentToken() != JsonToken.END_OBJECT || p.nextToken() != null) {
      return null;
    }
    if ((!typed && defaultType != MessageType.METRICS)
        || serverId == null
        || serverId.isBlank()
        || serverId.length() > FieldLimits.ID
        || eventTime < JsonFields.MIN_TIME_MS
        || eventTime >= JsonFields.MAX_TIME_MS
        || (gauges.isEmpty() && Arrays.stream(groups).allMatch(group -> group == null))) {
      return null;
    }
    return new ServerMetricReport(
        serverId,
        eventTime,
        (CpuMetrics) groups[0],
        (NetworkMetrics) groups[1],
        (MemoryMetrics) groups[2],
        (DiskMetrics) groups[3],
        (ProcessMetrics) groups[4],
        (SensorReadings) groups[5],
        gauges);
  }

  /** Reads named gauges into {@code into}; false when the tree path would reject them. */
  private static boolean gauges(JsonParser p, JsonToken value, TreeMap<String, Double> into)
      throws IOException {
    if (value == JsonToken.VALUE_NULL) {
      into.clear();
      return true;
    }
    if (value != JsonToken.START_OBJECT) {
      return false;
    }
    into.clear();
    for (JsonToken token = p.nextToken(); token == JsonToken.FIELD_NAME; token = p.nextToken()) {
      String name = p.currentName();
      double number = number(p, p.nextToken());
      if (name.isBlank()
          || name.length() > FieldLimits.NAME
          || Double.isNaN(number)
          || into.size() >= WireCodec.MAX_GAUGES) {
        return false;
      }
      into.put(name, number);
    }
    return true;
  }

  /** A JSON number as the tree path reads it; NaN for any other token or a big integer. */
  private static double number(JsonParser p, JsonToken token) throws IOException {
    if (token == JsonToken.VALUE_NUMBER_FLOAT) {
      return p.getDoubleValue();
    }
    if (token == JsonToken.VALUE_NUMBER_INT
        && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
      return p.getDoubleValue();
    }
    return Double.NaN;
  }

  /** A metric group: its fields in the order of its record's constructor, and their ranges. */
  private static final class Group {
    /** A group the tree path would reject. */
    static final Object INVALID = new Object();

    private final Function<double[], Object> make;
    private final double[] min;
    private final double[] max;
    private final Map<String, Integer> index = new HashMap<>();

    Group(Function<double[], Object> make, String[] names, double[] min, double[] max) {
      this.make = make;
      this.min = min;
      this.max = max;
      for (int i = 0; i < names.length; i++) {
        index.put(names[i], i);
      }
    }

    static Group of(Function<double[], Object> make, double min, double max, String... names) {
      double[] mins = new double[names.length];
      double[] maxes = new double[names.length];
      Arrays.fill(mins, min);
      Arrays.fill(maxes, max);
      return new Group(make, names, mins, maxes);
    }

    /**
     * The group's record, null for a group that is null (not reported), or {@link #INVALID}: not an
     * object, a field missing or out of its range (the tree path then names the field).
     */
    Object read(JsonParser p, JsonToken value) throws IOException {
      if (value == JsonToken.VALUE_NULL) {
        return null;
      }
      if (value != JsonToken.START_OBJECT) {
        return INVALID;
      }
      double[] values = new double[min.length];
      boolean[] seen = new boolean[min.length];
      for (JsonToken token = p.nextToken(); token == JsonToken.FIELD_NAME; token = p.nextToken()) {
        Integer field = index.get(p.currentName());
        JsonToken fieldValue = p.nextToken();
        if (field == null) {
          p.skipChildren();
          continue;
        }
        double number;
        if (fieldValue == JsonToken.VALUE_NULL) {
          // Not reported by the agent: NaN, as the tree path reads it.
          number = Double.NaN;
        } else {
          number = number(p, fieldValue);
          if (!Double.isFinite(number) || number < min[field] || number > max[field]) {
            return INVALID;
          }
        }
        values[field] = number;
        seen[field] = true;
      }
      for (boolean present : seen) {
        if (!present) {
          return INVALID;
        }
      }
      return make.apply(values);
    }
  }
}

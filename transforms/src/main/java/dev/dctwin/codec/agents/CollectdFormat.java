package dev.dctwin.codec.agents;

import static dev.dctwin.domain.DeadLetterReason.MISSING_FIELD;
import static dev.dctwin.domain.DeadLetterReason.OUT_OF_RANGE;
import static dev.dctwin.domain.DeadLetterReason.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.MetricSample.Kind;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * collectd's JSON ({@code Format "JSON"} of write_http and write_kafka): an array of value lists,
 * each with its {@code values}, their {@code dstypes} and {@code dsnames}, a {@code time} in epoch
 * seconds (fractional), the {@code interval}, and the identifier {@code host}, {@code plugin},
 * {@code plugin_instance}, {@code type}, {@code type_instance}. A value list as a lone object is
 * read too. A gauge that is NaN arrives as {@code null} and is left out.
 *
 * <p>Read with Jackson's streaming parser, without a tree: collectd sends many small value lists.
 */
public final class CollectdFormat implements AgentFormat {
  public static final String NAME = "collectd";

  /** An array of value lists holding arrays and a {@code meta} object of scalars. */
  private static final int MAX_NESTING_DEPTH = 4;

  /** Data sources of one value list: types.db's widest type has a dozen or so. */
  private static final int MAX_VALUES = 64;

  private final AgentJson.Parsers json = new AgentJson.Parsers(MAX_NESTING_DEPTH);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<AgentSamples> decode(byte[] payload) throws InvalidMessageException {
    AgentJson.requireUtf8(payload);
    SampleBatch batch = new SampleBatch();
    ValueList list = new ValueList(StringCache.get());
    try (JsonParser parser = json.parser(payload)) {
      JsonToken token = AgentJson.first(parser);
      if (token == JsonToken.START_ARRAY) {
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
          list.read(parser, token);
          list.addTo(batch);
        }
      } else {
        list.read(parser, token);
        list.addTo(batch);
      }
      AgentJson.requireEnd(parser);
    } catch (IOException e) {
      throw AgentJson.notJson(e);
    }
    return batch.result();
  }

  /** One value list while it is read; reused for the next. */
  private static final class ValueList {
    double[] values = new double[4];
    Kind[] kinds = new Kind[4];
    String[] names = new String[4];
    int valueCount;
    int kindCount;
    int nameCount;
    double time;
    String host;
    String plugin;
    String pluginInstance;
    String type;
    String typeInstance;
    final StringCache strings;

    ValueList(StringCache strings) {
      this.strings = strings;
    }

    /** The current token as a string; null for JSON null. */
    private String string(JsonParser parser, String field)
        throws IOException, InvalidMessageException {
      return parser.currentToken() == JsonToken.VALUE_STRING
          ? strings.text(parser)
          : AgentJson.string(parser, field);
    }

    void read(JsonParser parser, JsonToken token) throws IOException, InvalidMessageException {
      if (token != JsonToken.START_OBJECT) {
        throw AgentJson.wrongType("a value list", "a JSON object");
      }
      valueCount = -1;
      kindCount = -1;
      nameCount = -1;
      time = Double.NaN;
      host = null;
      plugin = null;
      pluginInstance = "";
      type = null;
      typeInstance = "";
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        token = parser.nextToken();
        switch (field) {
          case "values" -> readValues(parser, token);
          case "dstypes" -> readKinds(parser, token);
          case "dsnames" -> readNames(parser, token);
          case "time" -> time = AgentJson.number(parser, "time");
          case "host" -> host = string(parser, "host");
          case "plugin" -> plugin = string(parser, "plugin");
          case "plugin_instance" -> pluginInstance = orEmpty(string(parser, field));
          case "type" -> type = string(parser, "type");
          case "type_instance" -> typeInstance = orEmpty(string(parser, field));
          default -> AgentJson.skip(parser);
        }
      }
      if (valueCount < 0) {
        throw new InvalidMessageException(MISSING_FIELD, "values is missing");
      }
      if (kindCount < 0) {
        throw new InvalidMessageException(MISSING_FIELD, "dstypes is missing");
      }
      if (kindCount != valueCount || (nameCount >= 0 && nameCount != valueCount)) {
        throw new InvalidMessageException(
            WRONG_TYPE, "values, dstypes and dsnames must have one entry per data source");
      }
      if (Double.isNaN(time)) {
        throw new InvalidMessageException(MISSING_FIELD, "time is missing");
      }
      if (plugin == null || plugin.isEmpty()) {
        throw new InvalidMessageException(MISSING_FIELD, "plugin is missing");
      }
      if (type == null || type.isEmpty()) {
        throw new InvalidMessageException(MISSING_FIELD, "type is missing");
      }
    }

    private void readValues(JsonParser parser, JsonToken token)
        throws IOException, InvalidMessageException {
      requireArray(token, "values", "an array of numbers");
      int count = 0;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (count == values.length) {
          values = Arrays.copyOf(values, grow(count));
        }
        values[count++] = AgentJson.number(parser, "values[" + count + "]");
      }
      valueCount = count;
    }

    private void readKinds(JsonParser parser, JsonToken token)
        throws IOException, InvalidMessageException {
      requireArray(token, "dstypes", "an array of strings");
      int count = 0;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (count == kinds.length) {
          kinds = Arrays.copyOf(kinds, grow(count));
        }
        if (token != JsonToken.VALUE_STRING) {
          throw AgentJson.wrongType("dstypes", "an array of strings");
        }
        kinds[count++] = kind(strings.text(parser));
      }
      kindCount = count;
    }

    private void readNames(JsonParser parser, JsonToken token)
        throws IOException, InvalidMessageException {
      requireArray(token, "dsnames", "an array of strings");
      int count = 0;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        if (count == names.length) {
          names = Arrays.copyOf(names, grow(count));
        }
        if (token != JsonToken.VALUE_STRING) {
          throw AgentJson.wrongType("dsnames", "an array of strings");
        }
        names[count++] = strings.text(parser);
      }
      nameCount = count;
    }

    private static void requireArray(JsonToken token, String field, String expected)
        throws InvalidMessageException {
      if (token != JsonToken.START_ARRAY) {
        throw AgentJson.wrongType(field, expected);
      }
    }

    private static int grow(int count) throws InvalidMessageException {
      if (count >= MAX_VALUES) {
        throw new InvalidMessageException(
            OUT_OF_RANGE, "a value list of more than " + MAX_VALUES + " data sources");
      }
      return Math.min(MAX_VALUES, count * 2);
    }

    /** collectd's data source types: derive and counter are cumulative, absolute is reset. */
    private static Kind kind(String dstype) throws InvalidMessageException {
      return switch (dstype) {
        case "gauge" -> Kind.GAUGE;
        case "derive", "counter" -> Kind.COUNTER;
        case "absolute" -> Kind.DELTA;
        default ->
            throw AgentJson.wrongType(
                "dstypes", "gauge, derive, counter or absolute, not '" + dstype + "'");
      };
    }

    void addTo(SampleBatch batch) throws InvalidMessageException {
      long millis = Math.round(time * 1000.0);
      for (int i = 0; i < valueCount; i++) {
        String dsname = nameCount < 0 ? (valueCount == 1 ? "value" : String.valueOf(i)) : names[i];
        CollectdSamples.add(
            batch,
            host,
            plugin,
            pluginInstance,
            type,
            typeInstance,
            dsname,
            values[i],
            millis,
            kinds[i]);
      }
    }

    private static String orEmpty(String text) {
      return text == null ? "" : text;
    }
  }

  /** collectd's identifiers into samples: the plugins of the contract by name, others as is. */
  static final class CollectdSamples {
    private CollectdSamples() {}

    static void add(
        SampleBatch batch,
        String host,
        String plugin,
        String pluginInstance,
        String type,
        String typeInstance,
        String dsname,
        double value,
        long time,
        Kind kind)
        throws InvalidMessageException {
      String name =
          switch (plugin) {
            case "cpu" -> cpu(pluginInstance, type, typeInstance);
            case "interface" -> network(type, dsname);
            case "memory" -> memory(type, typeInstance);
            case "disk" -> Canonical.isWholeDisk(pluginInstance) ? disk(type, dsname) : null;
            case "processes" ->
                "ps_state".equals(type) ? Canonical.processState(typeInstance) : null;
            case "ipmi" -> Canonical.sensor(ipmiQuantity(type), typeInstance);
            case "mcelog" -> memoryErrors(type, typeInstance);
            default -> null;
          };
      if (name == null) {
        batch.add(
            host,
            ownName(plugin, type, dsname, kind),
            ownLabels(plugin, pluginInstance, typeInstance),
            value,
            time,
            kind);
        return;
      }
      Map<String, String> labels;
      switch (name) {
        case Canonical.CPU_TIME -> {
          String state = Canonical.cpuState(typeInstance);
          labels =
              pluginInstance.isEmpty()
                  ? Map.of("state", state)
                  : Map.of("state", state, "cpu", pluginInstance);
        }
        case Canonical.CPU_PERCENT -> labels = Map.of("state", Canonical.cpuState(typeInstance));
        case Canonical.MEMORY_SLAB ->
            labels =
                Map.of(
                    Canonical.SLAB_PART,
                    typeInstance.equals("slab_recl") ? "reclaimable" : "unreclaimable");
        case Canonical.SENSORS_TEMPERATURE,
                Canonical.SENSORS_VOLTAGE,
                Canonical.SENSORS_INPUT_POWER,
                Canonical.SENSORS_AIRFLOW ->
            labels = Map.of("sensor", typeInstance);
        case Canonical.MEMORY_CORRECTED, Canonical.MEMORY_UNCORRECTED ->
            labels = pluginInstance.isEmpty() ? Map.of() : Map.of("dimm", pluginInstance);
        default -> {
          if (plugin.equals("interface")) {
            // collectd 5 names the interface in plugin_instance, collectd 4 in type_instance.
            String device = pluginInstance.isEmpty() ? typeInstance : pluginInstance;
            if (Canonical.isLoopback(device)) {
              return;
            }
            labels = Map.of("device", device);
          } else if (plugin.equals("disk")) {
            labels = Map.of("device", pluginInstance);
          } else {
            labels = Map.of();
          }
        }
      }
      batch.add(host, name, labels, value, time, kind);
    }

    private static String cpu(String pluginInstance, String type, String typeInstance) {
      if (Canonical.cpuState(typeInstance) == null) {
        return null;
      }
      if (type.equals("cpu")) {
        return Canonical.CPU_TIME;
      }
      // Percentages of one CPU (ReportByCpu true) are not percentages of all cores.
      return type.equals("percent") && pluginInstance.isEmpty() ? Canonical.CPU_PERCENT : null;
    }

    private static String network(String type, String dsname) {
      boolean rx = dsname.equals("rx");
      if (!rx && !dsname.equals("tx")) {
        return null;
      }
      return switch (type) {
        case "if_octets" -> rx ? Canonical.OCTETS_IN : Canonical.OCTETS_OUT;
        case "if_packets" -> rx ? Canonical.PACKETS_IN : Canonical.PACKETS_OUT;
        case "if_errors" -> rx ? Canonical.ERRORS_IN : Canonical.ERRORS_OUT;
        case "if_dropped" -> rx ? Canonical.DROPPED_IN : Canonical.DROPPED_OUT;
        default -> null;
      };
    }

    private static String memory(String type, String typeInstance) {
      if (!type.equals("memory")) {
        return null;
      }
      return switch (typeInstance) {
        case "used" -> Canonical.MEMORY_USED;
        case "free" -> Canonical.MEMORY_FREE;
        case "cached" -> Canonical.MEMORY_CACHED;
        case "buffered" -> Canonical.MEMORY_BUFFERED;
        case "slab_recl", "slab_unrecl" -> Canonical.MEMORY_SLAB;
        default -> null;
      };
    }

    /**
     * disk_time is a DERIVE that grows by the interval times the average ms per operation, so its
     * rate is the average ms per operation: a COUNTER whose rate is disk.timeRead / timeWrite.
     */
    private static String disk(String type, String dsname) {
      return switch (type) {
        case "disk_octets" ->
            readWrite(dsname, Canonical.DISK_OCTETS_READ, Canonical.DISK_OCTETS_WRITE);
        case "disk_ops" -> readWrite(dsname, Canonical.DISK_OPS_READ, Canonical.DISK_OPS_WRITE);
        case "disk_merged" ->
            readWrite(dsname, Canonical.DISK_MERGED_READ, Canonical.DISK_MERGED_WRITE);
        case "disk_time" -> readWrite(dsname, Canonical.DISK_TIME_READ, Canonical.DISK_TIME_WRITE);
        case "disk_io_time" ->
            switch (dsname) {
              case "io_time" -> Canonical.DISK_IO_TIME;
              case "weighted_io_time" -> Canonical.DISK_WEIGHTED_IO_TIME;
              default -> null;
            };
        default -> null;
      };
    }

    private static String readWrite(String dsname, String read, String write) {
      return switch (dsname) {
        case "read" -> read;
        case "write" -> write;
        default -> null;
      };
    }

    private static String ipmiQuantity(String type) {
      return switch (type) {
        case "temperature" -> "temperature";
        case "voltage" -> "voltage";
        case "power" -> "power";
        default -> "";
      };
    }

    private static String memoryErrors(String type, String typeInstance) {
      if (!type.equals("errors")) {
        return null;
      }
      return switch (typeInstance) {
        case "corrected_memory_errors" -> Canonical.MEMORY_CORRECTED;
        case "uncorrected_memory_errors" -> Canonical.MEMORY_UNCORRECTED;
        default -> null;
      };
    }

    /**
     * The name collectd's write_prometheus gives the value: {@code
     * collectd_<plugin>_<type>[_<dsname>][_total]}, the data source name left out when it is {@code
     * value}, {@code _total} for the cumulative data source types.
     */
    static String ownName(String plugin, String type, String dsname, Kind kind) {
      StringBuilder name = new StringBuilder(48).append("collectd_").append(plugin).append('_');
      name.append(type);
      if (!dsname.equals("value")) {
        name.append('_').append(dsname);
      }
      if (kind == Kind.COUNTER) {
        name.append("_total");
      }
      return name.toString();
    }

    /**
     * write_prometheus' labels: the plugin instance under the plugin's name, the type instance as
     * {@code type}.
     */
    static Map<String, String> ownLabels(
        String plugin, String pluginInstance, String typeInstance) {
      if (pluginInstance.isEmpty()) {
        return typeInstance.isEmpty() ? Map.of() : Map.of("type", typeInstance);
      }
      if (typeInstance.isEmpty() || plugin.equals("type")) {
        return Map.of(plugin, pluginInstance);
      }
      return Map.of(plugin, pluginInstance, "type", typeInstance);
    }
  }
}

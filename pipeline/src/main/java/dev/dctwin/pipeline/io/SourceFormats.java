package dev.dctwin.pipeline.io;

import dev.dctwin.codec.agents.AgentFormat;
import dev.dctwin.codec.agents.AgentFormats;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * The format of each source's messages: a monitoring agent's format for the topics of {@code
 * --topicFormats} (and its defaults) and for files named {@code *.<format>.jsonl}, the dctwin wire
 * format (null) for every other source. See pipeline/IO.md, "Agent formats".
 */
public final class SourceFormats implements SerializableFunction<String, AgentFormat> {
  private static final long serialVersionUID = 1L;

  /** The name of the dctwin wire format in {@code --topicFormats}: no agent format. */
  public static final String WIRE_FORMAT = "dctwin";

  /** The topics of the agents' usual outputs, when this build has their decoders. */
  public static final Map<String, String> DEFAULT_TOPIC_FORMATS =
      ordered(
          "collectd", "collectd",
          "telegraf", "telegraf",
          "otlp_metrics", "otlp-proto",
          "prometheus", "prometheus-remote-write");

  /** A file whose name ends in one of these holds one payload of that format per line. */
  public static final Map<String, String> FILE_SUFFIX_FORMATS =
      ordered(
          ".collectd.jsonl", "collectd",
          ".telegraf.jsonl", "telegraf",
          ".otlp.jsonl", "otlp-json",
          ".prom.jsonl", "prometheus-json");

  /** The formats that can be named: this build's decoders, or a test's own. */
  public interface Registry extends Serializable {
    Set<String> names();

    AgentFormat byName(String name);
  }

  /** The decoders of this build ({@link AgentFormats}). */
  public static final Registry AGENT_FORMATS = new BuildFormats();

  private final Map<String, String> topicFormats;
  private final Set<String> namedTopics;
  private final Map<String, String> suffixFormats;
  private final Registry registry;
  private transient Map<String, AgentFormat> formats;

  private SourceFormats(
      Map<String, String> topicFormats,
      Set<String> namedTopics,
      Map<String, String> suffixFormats,
      Registry registry) {
    this.topicFormats = topicFormats;
    this.namedTopics = namedTopics;
    this.suffixFormats = suffixFormats;
    this.registry = registry;
  }

  /** The formats of {@code --topicFormats} over the defaults, with this build's decoders. */
  public static SourceFormats of(List<String> topicFormats) {
    return of(topicFormats, AGENT_FORMATS);
  }

  /**
   * The formats of {@code --topicFormats} ({@code TOPIC=FORMAT} entries, null for none) over the
   * defaults. A default whose format {@code registry} does not know is left out; an entry whose
   * format it does not know is an error.
   *
   * @throws IllegalArgumentException naming the entry and the known formats
   */
  public static SourceFormats of(List<String> topicFormats, Registry registry) {
    Set<String> known = registry.names();
    Map<String, String> byTopic = new LinkedHashMap<>();
    DEFAULT_TOPIC_FORMATS.forEach(
        (topic, format) -> {
          if (known.contains(format)) {
            byTopic.put(topic, format);
          }
        });
    Set<String> named = new LinkedHashSet<>();
    for (String entry : topicFormats == null ? List.<String>of() : topicFormats) {
      int equals = entry.indexOf('=');
      String topic = equals < 0 ? "" : entry.substring(0, equals).strip();
      String format = equals < 0 ? "" : entry.substring(equals + 1).strip();
      if (topic.isEmpty() || !(format.equals(WIRE_FORMAT) || known.contains(format))) {
        throw new IllegalArgumentException(
            "--topicFormats entry '"
                + entry
                + "' is not TOPIC=FORMAT with FORMAT one of "
                + String.join(", ", new java.util.TreeSet<>(known))
                + (known.isEmpty() ? "" : ", ")
                + WIRE_FORMAT);
      }
      byTopic.put(topic, format);
      named.add(topic);
    }
    Map<String, String> bySuffix = new LinkedHashMap<>();
    FILE_SUFFIX_FORMATS.forEach(
        (suffix, format) -> {
          if (known.contains(format)) {
            bySuffix.put(suffix, format);
          }
        });
    return new SourceFormats(
        Collections.unmodifiableMap(byTopic),
        Collections.unmodifiableSet(named),
        Collections.unmodifiableMap(bySuffix),
        registry);
  }

  /** The topics {@code --topicFormats} names, which the Kafka source reads too. */
  public Set<String> namedTopics() {
    return namedTopics;
  }

  /**
   * The agent format of a raw message's source ({@code kafka:<topic>}, {@code mqtt:<topic>}, {@code
   * file:<path>:<line>}), or null for the dctwin wire format.
   */
  public String formatNameOf(String source) {
    String format = null;
    if (source.startsWith("kafka:") || source.startsWith("mqtt:")) {
      format = formatOfTopic(source.substring(source.indexOf(':') + 1));
    } else if (source.startsWith("file:")) {
      int line = source.lastIndexOf(':');
      String path = line > "file:".length() ? source.substring(0, line) : source;
      for (Map.Entry<String, String> suffix : suffixFormats.entrySet()) {
        if (path.endsWith(suffix.getKey())) {
          format = suffix.getValue();
          break;
        }
      }
    }
    return WIRE_FORMAT.equals(format) ? null : format;
  }

  /** Whether messages of this Kafka topic are in an agent format (no payload {@code eventTime}). */
  public boolean isAgentTopic(String kafkaTopic) {
    return formatNameOf("kafka:" + kafkaTopic) != null;
  }

  @Override
  public AgentFormat apply(String source) {
    String name = formatNameOf(source);
    if (name == null) {
      return null;
    }
    if (formats == null) {
      formats = new ConcurrentHashMap<>();
    }
    return formats.computeIfAbsent(name, registry::byName);
  }

  private String formatOfTopic(String topic) {
    String format = topicFormats.get(topic);
    if (format != null) {
      return format;
    }
    for (Map.Entry<String, String> entry : topicFormats.entrySet()) {
      if (matchesMqttFilter(entry.getKey(), topic)) {
        return entry.getValue();
      }
    }
    return null;
  }

  /** MQTT topic filters: {@code +} is one level, a final {@code #} any number of levels. */
  static boolean matchesMqttFilter(String filter, String topic) {
    if (!filter.contains("+") && !filter.contains("#")) {
      return false;
    }
    String[] filterLevels = filter.split("/", -1);
    String[] topicLevels = topic.split("/", -1);
    for (int i = 0; i < filterLevels.length; i++) {
      if (filterLevels[i].equals("#") && i == filterLevels.length - 1) {
        return true;
      }
      if (i >= topicLevels.length
          || !(filterLevels[i].equals("+") || filterLevels[i].equals(topicLevels[i]))) {
        return false;
      }
    }
    return filterLevels.length == topicLevels.length;
  }

  private static Map<String, String> ordered(String... keysAndValues) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put(keysAndValues[i], keysAndValues[i + 1]);
    }
    return Collections.unmodifiableMap(map);
  }

  private static final class BuildFormats implements Registry {
    private static final long serialVersionUID = 1L;

    @Override
    public Set<String> names() {
      return AgentFormats.names();
    }

    @Override
    public AgentFormat byName(String name) {
      return AgentFormats.byName(name);
    }
  }
}

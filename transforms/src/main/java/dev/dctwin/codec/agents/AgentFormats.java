package dev.dctwin.codec.agents;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** The agent formats dctwin reads, by name. */
public final class AgentFormats {
  private static final Map<String, AgentFormat> FORMATS = formats();

  private AgentFormats() {}

  private static Map<String, AgentFormat> formats() {
    Map<String, AgentFormat> formats = new LinkedHashMap<>();
    for (AgentFormat format :
        new AgentFormat[] {
          new CollectdFormat(),
          new TelegrafFormat(),
          new OtlpProtoFormat(),
          new OtlpJsonFormat(),
          new PrometheusRemoteWriteFormat(),
          new PrometheusJsonFormat(),
        }) {
      formats.put(format.name(), format);
    }
    return Collections.unmodifiableMap(formats);
  }

  /**
   * The format of this name.
   *
   * @throws IllegalArgumentException naming the known formats, if there is none of this name
   */
  public static AgentFormat byName(String name) {
    AgentFormat format = FORMATS.get(name);
    if (format == null) {
      throw new IllegalArgumentException(
          "unknown agent format '" + name + "'; known formats: " + String.join(", ", names()));
    }
    return format;
  }

  /** The names of all formats, in a fixed order. */
  public static Set<String> names() {
    return FORMATS.keySet();
  }
}

package dev.dctwin.codec.agents;

import java.util.Set;
import java.util.TreeSet;

/** The agent formats this build decodes, by name. */
public final class AgentFormats {
  private AgentFormats() {}

  /**
   * The format called {@code name}.
   *
   * @throws IllegalArgumentException naming the known formats when there is none of that name
   */
  public static AgentFormat byName(String name) {
    // One case per format of the decoders (the agents contract); names() lists the same.
    switch (name) {
      default:
        throw new IllegalArgumentException(
            "unknown agent format '" + name + "'; known formats: " + String.join(", ", names()));
    }
  }

  /** The names of the formats {@link #byName} knows, sorted. */
  public static Set<String> names() {
    return new TreeSet<>();
  }
}

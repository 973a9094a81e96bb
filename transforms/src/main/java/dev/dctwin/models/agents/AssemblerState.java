package dev.dctwin.models.agents;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the report assembly keeps of one host between its reports. Encoded by {@code RecordCoder}
 * (versioned, pinned by a golden file: transforms/STATE-VERSIONS.md).
 *
 * @param serverId the server the host's reports go to, from the last commissioning that named the
 *     host; null when none did (the reports then go to the server whose id is the host name)
 * @param lastEmitted the end of the last interval whose report was assembled, or {@link #NONE}
 * @param series the last sample of every counter and delta series seen within the TTL, by series
 *     name ({@link ReportAssembler#seriesName}): what the next sample's increase is computed from
 * @param mappingSeen when the mapping to {@code serverId} was last confirmed: the commissioning's
 *     event time, or the end of the latest interval with samples of the host since; the mapping is
 *     forgotten a TTL after it. Null without a mapping, and in a state of version 1, which had no
 *     TTL (the next flush counts from its own time)
 */
public record AssemblerState(
    String serverId, long lastEmitted, Map<String, Series> series, Long mappingSeen) {
  public static final long NONE = Long.MIN_VALUE;

  public AssemblerState {
    series =
        series == null || series.isEmpty()
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(series));
  }

  /** A host the assembly knows nothing of. */
  public static AssemblerState empty() {
    return new AssemblerState(null, NONE, Map.of(), null);
  }

  /**
   * The last sample of a series.
   *
   * @param rate its rate per second against the sample before, NaN when unknown (the first sample,
   *     after a gap, a delta series): what tells a counter's wrap-around from a reset
   */
  public record Series(long time, double value, double rate) {}
}

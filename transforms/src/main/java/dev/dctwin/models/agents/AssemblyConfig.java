package dev.dctwin.models.agents;

import dev.dctwin.codec.WireCodec;
import java.io.Serializable;

/**
 * How the {@link ReportAssembler} turns an agent's samples into reports (see ASSEMBLY.md beside
 * this class).
 *
 * @param intervalMs the reporting interval: one report per host and interval, at its end
 * @param maxRateGapIntervals a counter whose two samples are more than this many intervals apart
 *     gives no rate for that gap (an average over a long outage says little, and resets may hide in
 *     it)
 * @param seriesTtlIntervals a series not seen for this many intervals is forgotten, so that the
 *     state of a host stays bounded when its agent renames, adds and drops series
 * @param maxLatenessIntervals a sample for an interval whose report was already sent goes into the
 *     next report, unless its interval ended more than this many intervals before the last report:
 *     then it is a dead letter
 * @param maxGauges named gauges per report; beyond them, the report keeps the first by name
 */
public record AssemblyConfig(
    long intervalMs,
    int maxRateGapIntervals,
    int seriesTtlIntervals,
    int maxLatenessIntervals,
    int maxGauges)
    implements Serializable {

  public AssemblyConfig {
    if (intervalMs <= 0) {
      throw new IllegalArgumentException(
          "the reporting interval must be positive, not " + intervalMs + " ms");
    }
    if (maxRateGapIntervals < 1 || seriesTtlIntervals < 1 || maxLatenessIntervals < 0) {
      throw new IllegalArgumentException(
          "the rate gap and the series TTL must be at least 1 interval, the lateness at least 0");
    }
    if (maxGauges < 1 || maxGauges > WireCodec.MAX_GAUGES) {
      throw new IllegalArgumentException(
          "gauges per report must be 1 to " + WireCodec.MAX_GAUGES + ", not " + maxGauges);
    }
  }

  /** 10 s intervals, rates over gaps of up to 10 intervals, a TTL of 30 and lateness of 3. */
  public static AssemblyConfig defaults() {
    return new AssemblyConfig(10_000, 10, 30, 3, WireCodec.MAX_GAUGES);
  }

  public AssemblyConfig withIntervalMs(long interval) {
    return new AssemblyConfig(
        interval, maxRateGapIntervals, seriesTtlIntervals, maxLatenessIntervals, maxGauges);
  }

  public AssemblyConfig withMaxGauges(int gauges) {
    return new AssemblyConfig(
        intervalMs, maxRateGapIntervals, seriesTtlIntervals, maxLatenessIntervals, gauges);
  }
}

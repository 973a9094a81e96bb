package dev.dctwin.models;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.models.MetricSummary.Feature;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * The sliding window of a server twin: one compact {@link MetricSummary} per report, in event-time
 * order, for the last {@link HealthThresholds.WindowSettings#lengthMs()} (15 min by default).
 *
 * <p>Per-report entries rather than per-minute buckets: a median over per-minute aggregates is not
 * the median of the samples, and the hysteresis counts reports, so the model needs the reports
 * themselves. An entry holds only what needs history (disk operations and latencies, corrected ECC
 * errors, inlet temperature, input power) as 4-byte floats; conditions that need only the current
 * report are not stored at all. This mutable buffer belongs to one twin; {@link
 * ServerHealthModel#evaluate} updates it in place.
 *
 * <p>Encoding, version 1: a version byte, the entry count (varint), the first entry's event time (8
 * bytes), then per entry the gap to the previous one in ms (varint, absent for the first), a flag
 * byte (outlier bits, sensors present, ECC errors present) and the floats: 12 bytes of disk
 * features, 8 of sensor features when present, 4 of ECC errors when non-zero. A report every 10 s
 * costs 23 bytes (2-byte gap), so 15 minutes (90 reports) encode in 2,078 bytes; 27 bytes an entry
 * with ECC errors.
 */
public final class ServerWindow {
  private static final FormatVersion FORMAT = FormatVersion.of("ServerWindow", 1);
  private static final int SENSORS_FLAG = 1 << 5;
  private static final int ECC_FLAG = 1 << 6;
  private static final int OUTLIER_MASK = (1 << Feature.values().length) - 1;
  private static final int DISK_FEATURE_BYTES = 3 * Float.BYTES;
  private static final int SENSOR_FEATURE_BYTES = 2 * Float.BYTES;

  private static final Feature[] FEATURES = Feature.values();

  private final ArrayDeque<MetricSummary> summaries = new ArrayDeque<>();

  /**
   * Per feature, the values that its baseline reads (of the entries that are not its outliers and
   * not NaN) in ascending order as {@link Arrays#sort(double[])} orders them, kept in step with
   * {@link #summaries} once built, so that a baseline needs no sort per report. Not part of the
   * state: null until a baseline is asked for, so a decoded window builds it on first use.
   */
  private double[][] sorted;

  private int[] sortedCounts;

  /** An empty window: the state of a twin that has not seen a report yet. */
  public ServerWindow() {}

  public int size() {
    return summaries.size();
  }

  public OptionalLong oldestEventTime() {
    return summaries.isEmpty()
        ? OptionalLong.empty()
        : OptionalLong.of(summaries.getFirst().eventTime());
  }

  public OptionalLong newestEventTime() {
    return summaries.isEmpty()
        ? OptionalLong.empty()
        : OptionalLong.of(summaries.getLast().eventTime());
  }

  /** Whether a summary at {@code eventTime} would keep the window in strict event-time order. */
  boolean accepts(long eventTime) {
    return summaries.isEmpty() || eventTime > summaries.getLast().eventTime();
  }

  /** Drops the entries that are {@code lengthMs} or more older than {@code now}. */
  void expire(long now, long lengthMs) {
    while (!summaries.isEmpty() && summaries.getFirst().eventTime() <= now - lengthMs) {
      unsort(summaries.removeFirst());
    }
  }

  /** Appends the newest summary, dropping the oldest entries beyond {@code maxEntries}. */
  void append(MetricSummary summary, int maxEntries) {
    if (!accepts(summary.eventTime())) {
      throw new IllegalArgumentException(
          "summary at " + summary.eventTime() + " is not newer than " + newestEventTime());
    }
    summaries.addLast(summary);
    if (sorted != null) {
      for (Feature feature : FEATURES) {
        if (counts(summary, feature)) {
          insert(feature.ordinal(), feature.valueOf(summary));
        }
      }
    }
    while (summaries.size() > maxEntries) {
      unsort(summaries.removeFirst());
    }
  }

  /**
   * The median and MAD of a feature over the entries that were not outliers, or empty when fewer
   * than {@code minSamples} such entries have a value.
   */
  Optional<RobustStats> baseline(Feature feature, int minSamples) {
    int f = sort(feature);
    return sortedCounts[f] < minSamples
        ? Optional.empty()
        : Optional.of(RobustStats.ofSorted(sorted[f], sortedCounts[f]));
  }

  /** The median of {@link #baseline}, without its MAD. */
  OptionalDouble median(Feature feature, int minSamples) {
    int f = sort(feature);
    return sortedCounts[f] < minSamples
        ? OptionalDouble.empty()
        : OptionalDouble.of(RobustStats.median(sorted[f], sortedCounts[f]));
  }

  /** Whether {@code feature}'s baseline reads {@code summary}. */
  private static boolean counts(MetricSummary summary, Feature feature) {
    return !summary.isOutlier(feature) && !Float.isNaN(feature.valueOf(summary));
  }

  /** Builds the sorted values of every feature if they are not built; the feature's index. */
  private int sort(Feature feature) {
    if (sorted == null) {
      sorted = new double[FEATURES.length][];
      sortedCounts = new int[FEATURES.length];
      for (Feature each : FEATURES) {
        double[] values = new double[Math.max(16, summaries.size())];
        int count = 0;
        for (MetricSummary summary : summaries) {
          if (counts(summary, each)) {
            values[count++] = each.valueOf(summary);
          }
        }
        Arrays.sort(values, 0, count);
        sorted[each.ordinal()] = values;
        sortedCounts[each.ordinal()] = count;
      }
    }
    return feature.ordinal();
  }

  private void insert(int f, double value) {
    int count = sortedCounts[f];
    if (count == sorted[f].length) {
      sorted[f] = Arrays.copyOf(sorted[f], 2 * count);
    }
    double[] values = sorted[f];
    int found = Arrays.binarySearch(values, 0, count, value);
    int at = found >= 0 ? found : -found - 1;
    System.arraycopy(values, at, values, at + 1, count - at);
    values[at] = value;
    sortedCounts[f] = count + 1;
  }

  /** Takes a summary that left the window out of the sorted values. */
  private void unsort(MetricSummary summary) {
    if (sorted == null) {
      return;
    }
    for (Feature feature : FEATURES) {
      if (counts(summary, feature)) {
        int f = feature.ordinal();
        int count = sortedCounts[f];
        double[] values = sorted[f];
        int at = Arrays.binarySearch(values, 0, count, feature.valueOf(summary));
        System.arraycopy(values, at + 1, values, at, count - at - 1);
        sortedCounts[f] = count - 1;
      }
    }
  }

  /** The sum of corrected ECC errors of the entries later than {@code cutoff}. */
  double correctedEccErrorsAfter(long cutoff) {
    double sum = 0;
    for (MetricSummary summary : summaries) {
      if (summary.eventTime() > cutoff) {
        sum += summary.correctedEccErrors();
      }
    }
    return sum;
  }

  List<MetricSummary> summaries() {
    return List.copyOf(summaries);
  }

  public byte[] toBytes() {
    StateWriter out = new StateWriter(FORMAT, sizeInBytes());
    out.writeVarLong(summaries.size());
    long previous = 0;
    boolean first = true;
    for (MetricSummary summary : summaries) {
      if (first) {
        out.writeLong(summary.eventTime());
        first = false;
      } else {
        out.writeVarLong(summary.eventTime() - previous);
      }
      previous = summary.eventTime();
      out.writeByte(flags(summary));
      out.writeFloat(summary.diskOps());
      out.writeFloat(summary.readLatencyMs());
      out.writeFloat(summary.writeLatencyMs());
      if (summary.hasSensors()) {
        out.writeFloat(summary.inletCelsius());
        out.writeFloat(summary.inputWatts());
      }
      if (summary.correctedEccErrors() != 0) {
        out.writeFloat(summary.correctedEccErrors());
      }
    }
    return out.toByteArray();
  }

  public static ServerWindow fromBytes(byte[] bytes) {
    StateReader in = new StateReader(bytes, FORMAT);
    int count = in.readVarInt();
    ServerWindow window = new ServerWindow();
    long eventTime = 0;
    for (int i = 0; i < count; i++) {
      eventTime = i == 0 ? in.readLong() : eventTime + in.readVarLong();
      int flags = in.readByte();
      float ops = in.readFloat();
      float readLatency = in.readFloat();
      float writeLatency = in.readFloat();
      boolean hasSensors = (flags & SENSORS_FLAG) != 0;
      float inlet = hasSensors ? in.readFloat() : Float.NaN;
      float power = hasSensors ? in.readFloat() : Float.NaN;
      float ecc = (flags & ECC_FLAG) != 0 ? in.readFloat() : 0f;
      window.summaries.addLast(
          new MetricSummary(
              eventTime, ops, readLatency, writeLatency, ecc, inlet, power, flags & OUTLIER_MASK));
    }
    in.expectEnd();
    return window;
  }

  /** The length of {@link #toBytes()}, without encoding. */
  public int sizeInBytes() {
    int size = 1 + varLongSize(summaries.size());
    long previous = 0;
    boolean first = true;
    for (MetricSummary summary : summaries) {
      size += first ? Long.BYTES : varLongSize(summary.eventTime() - previous);
      first = false;
      previous = summary.eventTime();
      size += 1 + DISK_FEATURE_BYTES;
      size += summary.hasSensors() ? SENSOR_FEATURE_BYTES : 0;
      size += summary.correctedEccErrors() != 0 ? Float.BYTES : 0;
    }
    return size;
  }

  private static int flags(MetricSummary summary) {
    return (summary.outliers() & OUTLIER_MASK)
        | (summary.hasSensors() ? SENSORS_FLAG : 0)
        | (summary.correctedEccErrors() != 0 ? ECC_FLAG : 0);
  }

  private static int varLongSize(long value) {
    int size = 1;
    for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
      size++;
    }
    return size;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ServerWindow that && summaries().equals(that.summaries());
  }

  @Override
  public int hashCode() {
    return summaries().hashCode();
  }

  @Override
  public String toString() {
    return "ServerWindow[entries=" + summaries.size() + ", bytes=" + sizeInBytes() + "]";
  }
}

package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import dev.dctwin.models.MetricSummary.Feature;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import org.junit.Test;

public class ServerWindowTest {
  private static final long T0 = 1_763_719_200_000L;

  private static MetricSummary summary(long time, float writeLatency, int outliers) {
    return new MetricSummary(time, 570f, 0.8f, writeLatency, 0f, 24.5f, 310f, outliers);
  }

  @Test
  public void emptyWindowRoundTrips() {
    ServerWindow window = new ServerWindow();
    byte[] bytes = window.toBytes();
    assertThat(bytes.length, is(2));
    assertThat(window.sizeInBytes(), is(2));
    assertThat(ServerWindow.fromBytes(bytes), is(equalTo(window)));
    assertThat(window.oldestEventTime(), is(OptionalLong.empty()));
  }

  @Test
  public void everyKindOfEntryRoundTripsExactly() {
    ServerWindow window = new ServerWindow();
    window.append(summary(T0, 1.6f, 0), 120);
    window.append(
        new MetricSummary(T0 + 10_000, 3f, 0.5f, 99.5f, 12f, Float.NaN, Float.NaN, 0b11111), 120);
    window.append(summary(T0 + 3_600_000, 1.7f, Feature.INPUT_POWER.bit()), 120);

    byte[] bytes = window.toBytes();
    ServerWindow decoded = ServerWindow.fromBytes(bytes);
    assertThat(decoded, is(equalTo(window)));
    assertThat(decoded.summaries(), is(equalTo(window.summaries())));
    assertThat(decoded.summaries().get(1).hasSensors(), is(false));
    assertThat(window.sizeInBytes(), is(bytes.length));
    assertThat(decoded.toBytes(), is(equalTo(bytes)));
  }

  @Test
  public void expiresEntriesAtLeastTheWindowLengthOld() {
    ServerWindow window = new ServerWindow();
    for (int i = 0; i < 100; i++) {
      window.append(summary(T0 + i * 10_000L, 1.6f, 0), 120);
    }
    long now = T0 + 100 * 10_000L;
    window.expire(now, 900_000);
    assertThat(window.size(), is(89));
    assertThat(window.oldestEventTime(), is(OptionalLong.of(now - 890_000)));
  }

  @Test
  public void appendKeepsAtMostMaxEntries() {
    ServerWindow window = new ServerWindow();
    for (int i = 0; i < 10; i++) {
      window.append(summary(T0 + i, 1.6f, 0), 4);
    }
    assertThat(window.size(), is(4));
    assertThat(window.oldestEventTime(), is(OptionalLong.of(T0 + 6)));
  }

  @Test
  public void rejectsAnEntryThatIsNotNewer() {
    ServerWindow window = new ServerWindow();
    window.append(summary(T0, 1.6f, 0), 120);
    assertThat(window.accepts(T0), is(false));
    assertThrows(IllegalArgumentException.class, () -> window.append(summary(T0, 1f, 0), 120));
    assertThat(window.size(), is(1));
  }

  @Test
  public void baselineIsTheMedianOfTheEntriesThatWereNotOutliers() {
    ServerWindow window = new ServerWindow();
    List<Float> latencies = Arrays.asList(1f, 2f, 3f, 4f, 100f, 200f, 300f);
    for (int i = 0; i < latencies.size(); i++) {
      int outliers = latencies.get(i) >= 100 ? Feature.WRITE_LATENCY.bit() : 0;
      window.append(summary(T0 + i, latencies.get(i), outliers), 120);
    }
    RobustStats stats = window.baseline(Feature.WRITE_LATENCY, 4).orElseThrow();
    assertThat(stats.median(), is(2.5));
    assertThat(stats.mad(), is(1.0));
    assertThat(stats.samples(), is(4));
    assertThat(window.baseline(Feature.WRITE_LATENCY, 5), is(Optional.empty()));
    assertThat(window.baseline(Feature.READ_LATENCY, 7).orElseThrow().median(), is((double) 0.8f));
  }

  /**
   * The window keeps each feature's values sorted as it changes, instead of sorting per baseline:
   * over random appends, drops and expiries (duplicates, signed zeros, infinities, NaN, outliers)
   * every baseline equals, to the bit, the median and MAD of the values sorted afresh.
   */
  @Test
  public void baselinesKeptInStepEqualThoseSortedAfresh() {
    SplittableRandom random = new SplittableRandom(5);
    float[] pool = {
      -0f, 0f, 1f, 1f, 2.5f, 3f, 7f, 1e-30f, 1e30f, Float.NaN, Float.POSITIVE_INFINITY, -4f
    };
    ServerWindow window = new ServerWindow();
    long time = T0;
    for (int step = 0; step < 20_000; step++) {
      time += 1 + random.nextInt(20_000);
      if (random.nextInt(4) == 0) {
        window.expire(time, 1 + random.nextInt(300_000));
      }
      float[] v = new float[6];
      for (int i = 0; i < v.length; i++) {
        v[i] =
            random.nextInt(3) == 0
                ? pool[random.nextInt(pool.length)]
                : (float) (100 * random.nextDouble());
      }
      window.append(
          new MetricSummary(time, v[0], v[1], v[2], 0f, v[3], v[4], random.nextInt(32)),
          1 + random.nextInt(40));
      if (random.nextInt(100) == 0) {
        window = ServerWindow.fromBytes(window.toBytes());
      }
      if (random.nextInt(3) == 0) {
        for (Feature feature : Feature.values()) {
          assertThat(window.baseline(feature, 1), equalTo(sortedAfresh(window, feature)));
          assertThat(
              window.median(feature, 1),
              equalTo(
                  sortedAfresh(window, feature)
                      .map(stats -> OptionalDouble.of(stats.median()))
                      .orElse(OptionalDouble.empty())));
        }
      }
    }
  }

  /** The baseline as it was computed before the window kept its values sorted. */
  private static Optional<RobustStats> sortedAfresh(ServerWindow window, Feature feature) {
    double[] values =
        window.summaries().stream()
            .filter(s -> !s.isOutlier(feature) && !Float.isNaN(feature.valueOf(s)))
            .mapToDouble(feature::valueOf)
            .toArray();
    if (values.length == 0) {
      return Optional.empty();
    }
    Arrays.sort(values);
    double median = middle(values);
    return Optional.of(
        new RobustStats(
            median, middle(RobustStats.sortedDeviations(values, median)), values.length));
  }

  private static double middle(double[] sorted) {
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  @Test
  public void sensorBaselineSkipsReportsWithoutSensors() {
    ServerWindow window = new ServerWindow();
    window.append(summary(T0, 1f, 0), 120);
    window.append(new MetricSummary(T0 + 1, 1f, 1f, 1f, 0f, Float.NaN, Float.NaN, 0), 120);
    assertThat(window.baseline(Feature.INLET_TEMPERATURE, 1).orElseThrow().samples(), is(1));
  }

  @Test
  public void sumsCorrectedEccErrorsAfterACutoff() {
    ServerWindow window = new ServerWindow();
    for (int i = 0; i < 5; i++) {
      window.append(new MetricSummary(T0 + i, 0f, 0f, 0f, i, 20f, 300f, 0), 120);
    }
    assertThat(window.correctedEccErrorsAfter(T0 + 2), is(7.0));
  }

  @Test
  public void rejectsAnUnknownVersionAndTruncatedOrTrailingBytes() {
    ServerWindow window = new ServerWindow();
    window.append(summary(T0, 1.6f, 0), 120);
    byte[] bytes = window.toBytes();

    byte[] wrongVersion = bytes.clone();
    wrongVersion[0] = 9;
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ServerWindow.fromBytes(wrongVersion));
    assertThat(error.getMessage(), containsString("version 9"));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerWindow.fromBytes(Arrays.copyOf(bytes, bytes.length - 1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> ServerWindow.fromBytes(Arrays.copyOf(bytes, bytes.length + 1)));
  }
}

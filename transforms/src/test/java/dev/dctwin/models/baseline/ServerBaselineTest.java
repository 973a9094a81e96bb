package dev.dctwin.models.baseline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import java.util.TreeMap;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class ServerBaselineTest {
  private static final long MINUTE = 60_000;
  private static final long T0 = 1_700_000_000_000L;
  private static final BaselineConfig CONFIG = BaselineConfig.DEFAULT;

  /** Reports once a minute: cpu around 40, mem around 70, disk around 10, Gaussian noise. */
  private static final class Feed {
    final Random random;
    long time = T0;

    Feed(long seed) {
      random = new Random(seed);
    }

    Map<String, Double> normal() {
      Map<String, Double> report = new TreeMap<>();
      report.put("cpu", 40 + random.nextGaussian());
      report.put("mem", 70 + 0.5 * random.nextGaussian());
      report.put("disk", 10 + 0.2 * random.nextGaussian());
      return report;
    }

    BaselineVerdict next(ServerBaseline model, Map<String, Double> report) {
      BaselineVerdict verdict = model.observe(time, report);
      time += MINUTE;
      return verdict;
    }

    /** Two days of normal reports: past readiness (1000 reports, one day). */
    void warmUp(ServerBaseline model) {
      for (int i = 0; i < 2 * 1440; i++) {
        next(model, normal());
      }
    }
  }

  private static Map<String, Double> exact() {
    return new TreeMap<>(Map.of("cpu", 40.0, "mem", 70.0, "disk", 10.0));
  }

  private static Map<String, Double> spike() {
    return new TreeMap<>(Map.of("cpu", 120.0, "mem", 90.0, "disk", 14.0));
  }

  @Test
  public void aNewServerSaysHowLongUntilReadyAndFlagsNothingBefore() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    assertThat(model.readiness(), equalTo(new Readiness(1000, 24 * 60 * MINUTE)));

    Feed feed = new Feed(1);
    for (int i = 0; i < 10; i++) {
      feed.next(model, feed.normal());
    }
    assertThat(model.readiness(), equalTo(new Readiness(990, (24 * 60 - 9) * MINUTE)));

    boolean anyFlag = false;
    for (int i = 10; i < 1440; i++) {
      BaselineVerdict verdict = feed.next(model, i % 50 == 0 ? spike() : feed.normal());
      anyFlag |= verdict.anomalous() || verdict.incidentOpen();
      assertTrue(Double.isNaN(verdict.openThreshold()));
    }
    assertFalse("nothing flagged before ready", anyFlag);
    assertThat(model.readiness(), equalTo(new Readiness(0, MINUTE)));
    feed.next(model, feed.normal());
    assertTrue(model.readiness().ready());
  }

  @Test
  public void expectsReadinessWhenTheSlowerOfHistoryAndReportCountIsMet() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    assertThat("no report, no pace", model.expectedReadyAt(), equalTo(OptionalLong.empty()));

    Feed feed = new Feed(11);
    feed.next(model, feed.normal());
    assertThat(
        "one report: the day of history it needs",
        model.expectedReadyAt(),
        equalTo(OptionalLong.of(T0 + 24 * 60 * MINUTE)));

    // Once a minute, 1000 reports take 999 minutes: the day of history is the later.
    feed.next(model, feed.normal());
    assertThat(model.expectedReadyAt(), equalTo(OptionalLong.of(T0 + 24 * 60 * MINUTE)));

    // Every three minutes, the 998 reports still needed take longer than the history.
    ServerBaseline slow = new ServerBaseline(CONFIG);
    slow.observe(T0, feed.normal());
    slow.observe(T0 + 3 * MINUTE, feed.normal());
    assertThat(
        slow.expectedReadyAt(), equalTo(OptionalLong.of(T0 + 3 * MINUTE + 998 * 3 * MINUTE)));

    while (!model.readiness().ready()) {
      feed.next(model, feed.normal());
    }
    assertThat(
        "ready: nothing more to expect", model.expectedReadyAt(), equalTo(OptionalLong.empty()));
    assertThat(feed.time - MINUTE, equalTo(T0 + 24 * 60 * MINUTE));
  }

  @Test
  public void learnsEachMetricsLevelAndFlagsALargeDeviation() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    Feed feed = new Feed(2);
    feed.warmUp(model);
    BaselineVerdict normal = feed.next(model, exact());
    assertFalse(normal.anomalous());
    assertFalse(normal.incidentOpen());

    BaselineVerdict verdict = feed.next(model, spike());

    assertTrue(verdict.anomalous());
    assertTrue(verdict.opened());
    assertThat(verdict.score(), greaterThan(verdict.openThreshold()));
    MetricExplanation first = verdict.explanation().get(0);
    assertThat(first.metric(), equalTo("cpu"));
    assertThat(first.observed(), equalTo(120.0));
    assertThat(first.expected(), closeTo(40, 0.3));
    assertThat(first.scale(), closeTo(1, 0.2));
  }

  @Test
  public void keepsLearningAsNormalDrifts() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    Feed feed = new Feed(3);
    feed.warmUp(model);
    // cpu creeps up by 10 over four days: a drift well within the noise from one report to the
    // next; the baseline follows it instead of flagging it.
    int flagged = 0;
    for (int i = 0; i < 4 * 1440; i++) {
      Map<String, Double> report = feed.normal();
      report.put("cpu", report.get("cpu") + 10.0 * i / (4 * 1440));
      flagged += feed.next(model, report).incidentOpen() ? 1 : 0;
    }
    assertThat(flagged, lessThanOrEqualTo(4 * 1440 / 50));
    Map<String, Double> report = exact();
    report.put("cpu", 50.0);
    assertFalse(feed.next(model, report).anomalous());
  }

  @Test
  public void opensOnAnAnomalousReportAndClosesAfterThreeNormalOnes() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    Feed feed = new Feed(4);
    feed.warmUp(model);

    assertTrue(feed.next(model, spike()).opened());
    assertTrue(feed.next(model, exact()).incidentOpen());
    // Another anomalous report restarts the count of normal ones.
    assertTrue(feed.next(model, spike()).incidentOpen());
    assertTrue(feed.next(model, exact()).incidentOpen());
    assertTrue(feed.next(model, exact()).incidentOpen());
    BaselineVerdict third = feed.next(model, exact());
    assertTrue(third.closed());
    assertFalse(third.incidentOpen());
    assertThat(third.explanation(), equalTo(List.of()));
  }

  @Test
  public void explainsTheMostDeviatingMetricsFirst() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    Feed feed = new Feed(5);
    feed.warmUp(model);
    Map<String, Double> report = exact();
    report.put("cpu", 60.0); // 20 scales
    report.put("mem", 90.0); // 40 scales
    report.put("disk", 10.1); // within the noise

    BaselineVerdict verdict = feed.next(model, report);

    assertTrue(verdict.incidentOpen());
    List<String> order = new ArrayList<>();
    for (MetricExplanation e : verdict.explanation()) {
      order.add(e.metric());
    }
    assertThat(order, equalTo(List.of("mem", "cpu", "disk")));
    assertThat(verdict.explanation().get(0).expected(), closeTo(70, 0.2));
    assertThat(verdict.explanation().get(2).surprisal(), lessThanOrEqualTo(2.0));
  }

  @Test
  public void aTinyChangeOfAConstantMetricIsNoAnomaly() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    Feed feed = new Feed(6);
    for (int i = 0; i < 2 * 1440; i++) {
      Map<String, Double> report = feed.normal();
      report.put("errors", 0.0);
      feed.next(model, report);
    }
    Map<String, Double> report = exact();
    report.put("errors", 0.001);
    assertFalse(feed.next(model, report).anomalous());
  }

  @Test
  public void sameInputSameOutputWhateverTheMapOrder() {
    ServerBaseline a = new ServerBaseline(CONFIG);
    ServerBaseline b = new ServerBaseline(CONFIG);
    Feed feedA = new Feed(7);
    Feed feedB = new Feed(7);
    for (int i = 0; i < 2000; i++) {
      Map<String, Double> reportA = i % 300 == 299 ? spike() : feedA.normal();
      Map<String, Double> reportB = new HashMap<>(i % 300 == 299 ? spike() : feedB.normal());
      if (i % 300 == 299) {
        feedB.time = feedA.time;
      }
      assertThat(feedB.next(b, reportB), equalTo(feedA.next(a, reportA)));
    }
    assertTrue(Arrays.equals(a.toBytes(), b.toBytes()));
  }

  @Test
  public void ignoresAReportThatIsNotNewer() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    model.observe(T0, exact());
    byte[] before = model.toBytes();
    assertFalse(model.observe(T0, spike()).accepted());
    assertFalse(model.observe(T0 - MINUTE, spike()).accepted());
    assertTrue(Arrays.equals(before, model.toBytes()));
  }

  @Test
  public void skipsAbsentAndNonFiniteMetrics() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    Feed feed = new Feed(8);
    feed.warmUp(model);
    Map<String, Double> report = new HashMap<>(Map.of("cpu", 40.0));
    report.put("mem", Double.NaN);
    report.put("disk", null);
    BaselineVerdict verdict = feed.next(model, report);
    assertTrue(verdict.accepted());
    assertFalse(verdict.anomalous());
    assertThat(model.metricCount(), equalTo(3));
  }

  @Test
  public void forgetsAMetricAbsentForAWeek() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    model.observe(T0, Map.of("cpu", 1.0, "gone", 2.0));
    model.observe(T0 + 7 * 1440 * MINUTE, Map.of("cpu", 1.0));
    assertThat(model.metricCount(), equalTo(2));
    model.observe(T0 + 7 * 1440 * MINUTE + 1, Map.of("cpu", 1.0));
    assertThat(model.metricCount(), equalTo(1));
  }

  @Test
  public void encodingRoundTripsAndContinuesIdentically() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    Feed feed = new Feed(9);
    feed.warmUp(model);
    feed.next(model, spike());
    byte[] bytes = model.toBytes();
    assertThat(bytes[0], equalTo((byte) ServerBaseline.ENCODING_VERSION));

    ServerBaseline decoded = ServerBaseline.fromBytes(bytes, CONFIG);

    assertTrue(Arrays.equals(bytes, decoded.toBytes()));
    assertTrue(decoded.incidentOpen());
    assertThat(decoded.reports(), equalTo(model.reports()));
    assertThat(decoded.readiness(), equalTo(model.readiness()));
    Feed again = new Feed(10);
    again.time = feed.time;
    for (int i = 0; i < 500; i++) {
      Map<String, Double> report = i == 100 ? spike() : again.normal();
      assertThat(decoded.observe(again.time, report), equalTo(model.observe(again.time, report)));
      again.time += MINUTE;
    }
    assertTrue(Arrays.equals(model.toBytes(), decoded.toBytes()));
  }

  @Test
  public void anEmptyModelRoundTrips() {
    byte[] bytes = new ServerBaseline(CONFIG).toBytes();
    assertTrue(Arrays.equals(bytes, ServerBaseline.fromBytes(bytes, CONFIG).toBytes()));
  }

  @Test
  public void rejectsAnUnknownVersionNamingTheStateAndTheVersion() {
    byte[] bytes = new ServerBaseline(CONFIG).toBytes();
    bytes[0] = 7;
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerBaseline.fromBytes(bytes, CONFIG));
    assertThat(e.getMessage(), containsString("ServerBaseline state"));
    assertThat(e.getMessage(), containsString("version 7"));
  }

  @Test
  public void rejectsTruncatedAndTrailingBytes() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    new Feed(11).warmUp(model);
    byte[] bytes = model.toBytes();
    IllegalArgumentException truncated =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServerBaseline.fromBytes(Arrays.copyOf(bytes, bytes.length - 3), CONFIG));
    assertThat(truncated.getMessage(), containsString("truncated"));
    IllegalArgumentException trailing =
        assertThrows(
            IllegalArgumentException.class,
            () -> ServerBaseline.fromBytes(Arrays.copyOf(bytes, bytes.length + 2), CONFIG));
    assertThat(trailing.getMessage(), containsString("trailing"));
  }

  @Test
  public void stateStaysWithinItsBoundFor40And200Metrics() {
    int forty = SmdEvaluation.syntheticStateBytes(40, 1440);
    int twoHundred = SmdEvaluation.syntheticStateBytes(200, 1440);
    assertThat(forty, lessThanOrEqualTo(32 * 1024));
    assertThat(twoHundred, lessThanOrEqualTo(256 * 1024));
    // Per metric at most: name, counters, two doubles and 32 float bins with their gaps.
    assertThat(forty, lessThanOrEqualTo(400 + 40 * (40 + 2 * 8 + 4 + 32 * 5)));
  }
}

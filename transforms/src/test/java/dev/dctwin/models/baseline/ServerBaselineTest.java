package dev.dctwin.models.baseline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.dctwin.golden.GoldenBytes;
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

  /** A config like {@link #CONFIG} but holding an incident open for at most {@code maxHoldMs}. */
  private static BaselineConfig withMaxHold(long maxHoldMs) {
    BaselineConfig c = CONFIG;
    return new BaselineConfig(
        c.locationHalfLifeMs(),
        c.huberClip(),
        c.absoluteScaleFloor(),
        c.relativeScaleFloor(),
        c.calibrationHalfLifeMs(),
        c.metricTailLog10(),
        c.scoreHalfLifeMs(),
        c.openQuantile(),
        c.closeQuantile(),
        c.minOpenScore(),
        c.openAfter(),
        c.closeAfter(),
        c.anomalousLearningWeight(),
        c.minReports(),
        c.minHistoryMs(),
        c.maxExplained(),
        c.referenceHalfLifeMs(),
        c.deviationSmoothingHalfLifeMs(),
        c.principalComponents(),
        maxHoldMs);
  }

  /**
   * Eight metrics: four follow a common daily load (with different gains), four are independent
   * noise. From {@code brokenFrom} on, for {@code brokenFor} reports, the first two move apart (one
   * up, one down) by a couple of their daily ranges: each report alone is not very rare for either
   * metric, together they are off every direction the server has moved in.
   */
  private static List<Integer> openMinutes(BaselineConfig config, int brokenFor) {
    ServerBaseline model = new ServerBaseline(config);
    Random random = new Random(21);
    int brokenFrom = 4 * 1440;
    List<Integer> open = new ArrayList<>();
    for (int t = 0; t < brokenFrom + brokenFor + 600; t++) {
      double load = Math.sin(2 * Math.PI * t / 1440) + 0.3 * random.nextGaussian();
      Map<String, Double> report = new TreeMap<>();
      for (int m = 0; m < 4; m++) {
        report.put("load" + m, 50 + (5 + m) * load + 0.5 * random.nextGaussian());
        report.put("noise" + m, 10 + random.nextGaussian());
      }
      boolean broken = t >= brokenFrom && t < brokenFrom + brokenFor;
      if (t == brokenFrom) {
        report.put("noise0", 40.0);
      }
      if (broken) {
        report.put("load0", report.get("load0") + 8);
        report.put("load1", report.get("load1") - 8);
      }
      BaselineVerdict verdict = model.observe(T0 + t * MINUTE, report);
      if (verdict.incidentOpen()) {
        open.add(t - brokenFrom);
      }
    }
    return open;
  }

  @Test
  public void aLongAnomalyOffTheLearnedDirectionsStaysOneIncident() {
    int brokenFor = 6 * 60;
    int[] held = runFrom(0, openMinutes(CONFIG, brokenFor));
    int[] notHeld = runFrom(0, openMinutes(withMaxHold(0), brokenFor));
    int[] heldAnHour = runFrom(0, openMinutes(withMaxHold(60 * MINUTE), brokenFor));

    assertThat("without the hold the incident closes within minutes", notHeld[1], lessThan(30));
    assertThat("held open for hours", held[1], greaterThan(120));
    assertThat("and closed once the anomaly is over", held[1], lessThan(brokenFor + 60));
    assertThat("held at most maxHoldMs", heldAnHour[1], lessThanOrEqualTo(60 + 3));
    assertThat(heldAnHour[1], greaterThan(30));
  }

  /** The run of consecutive open minutes that starts at {@code start}. */
  private static int[] runFrom(int start, List<Integer> openMinutes) {
    int[] run = null;
    for (int m : openMinutes) {
      if (run == null && m == start) {
        run = new int[] {m, m};
      } else if (run != null && m == run[1] + 1) {
        run[1] = m;
      }
    }
    assertTrue("an incident opens at minute " + start, run != null);
    return run;
  }

  /** Two days of normal reports, then a spike: an open incident (the golden files' sample). */
  private static ServerBaseline goldenSample() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    Feed feed = new Feed(12);
    feed.warmUp(model);
    feed.next(model, spike());
    return model;
  }

  @Test
  public void theEncodingIsPinned() {
    GoldenBytes.assertPinned(
        "ServerBaseline", ServerBaseline.ENCODING_VERSION, goldenSample().toBytes());
    assertThat(
        ServerBaseline.fromBytes(
            GoldenBytes.read("ServerBaseline", ServerBaseline.ENCODING_VERSION), CONFIG),
        equalTo(goldenSample()));
  }

  /**
   * Version 2 (before the compact encoding, the same fields) still decodes, to a model equal bit
   * for bit to the one it was written from: equality compares every field's bits (version 3's
   * bytes).
   */
  @Test
  public void version2DecodesBitForBit() {
    ServerBaseline decoded =
        ServerBaseline.fromBytes(
            GoldenBytes.read("ServerBaseline", ServerBaseline.ENCODING_VERSION_2), CONFIG);
    assertThat(decoded, equalTo(goldenSample()));
    assertTrue(decoded.incidentOpen());
  }

  /**
   * What version 3 leaves out (values that are +0.0, a reference mean at the level, loadings all
   * zero, shared name prefixes) comes back with the same bits: -0.0 stays -0.0, and the model goes
   * on as the one that was never encoded.
   */
  @Test
  public void theCompactEncodingKeepsEveryBit() {
    ServerBaseline model = new ServerBaseline(CONFIG);
    Feed feed = new Feed(14);
    for (int i = 0; i < 1200; i++) {
      Map<String, Double> report = feed.normal();
      report.put("net.droppedIn", 0.0);
      report.put("net.droppedOut", -0.0);
      report.put("net.errorsIn", i < 600 ? 0.0 : 3.0);
      report.put("n", 5.0);
      feed.next(model, report);
    }
    byte[] bytes = model.toBytes();
    ServerBaseline decoded = ServerBaseline.fromBytes(bytes, CONFIG);
    assertTrue(Arrays.equals(bytes, decoded.toBytes()));
    for (int i = 0; i < 300; i++) {
      Map<String, Double> report = i == 100 ? spike() : feed.normal();
      report.put("net.droppedOut", i == 200 ? 7.0 : -0.0);
      assertThat(decoded.observe(feed.time, report), equalTo(model.observe(feed.time, report)));
      feed.time += MINUTE;
    }
    assertTrue(Arrays.equals(model.toBytes(), decoded.toBytes()));
  }

  /**
   * Version 1 (before the multivariate view, written by the previous model from the same sample)
   * still decodes: everything it had is kept, the reference starts at the learned level and the
   * principal directions warm up; it is written back as the current version.
   */
  @Test
  public void version1DecodesAndMigrates() {
    ServerBaseline migrated =
        ServerBaseline.fromBytes(GoldenBytes.read("ServerBaseline", 1), CONFIG);
    ServerBaseline current = goldenSample();
    assertThat(migrated.reports(), equalTo(current.reports()));
    assertTrue(migrated.incidentOpen());
    assertThat(migrated.metricCount(), equalTo(3));
    assertThat(migrated.readiness(), equalTo(current.readiness()));
    byte[] bytes = migrated.toBytes();
    assertThat(bytes[0], equalTo((byte) ServerBaseline.ENCODING_VERSION));
    assertTrue(Arrays.equals(bytes, ServerBaseline.fromBytes(bytes, CONFIG).toBytes()));

    // It goes on like the model that never stopped: the same verdicts on normal reports, bar a
    // few (the migrated multivariate view is still warming up).
    Feed feed = new Feed(13);
    feed.time = T0 + 2 * 1440 * MINUTE + MINUTE;
    int disagreements = 0;
    for (int i = 0; i < 600; i++) {
      Map<String, Double> report = feed.normal();
      boolean a = migrated.observe(feed.time, report).incidentOpen();
      boolean b = current.observe(feed.time, report).incidentOpen();
      disagreements += a == b ? 0 : 1;
      feed.time += MINUTE;
    }
    assertThat(disagreements, lessThanOrEqualTo(6));
    assertFalse(migrated.incidentOpen());
  }

  @Test
  public void rejectsAStateWithAnotherNumberOfPrincipalComponents() {
    byte[] bytes = goldenSample().toBytes();
    BaselineConfig c = CONFIG;
    BaselineConfig two =
        new BaselineConfig(
            c.locationHalfLifeMs(),
            c.huberClip(),
            c.absoluteScaleFloor(),
            c.relativeScaleFloor(),
            c.calibrationHalfLifeMs(),
            c.metricTailLog10(),
            c.scoreHalfLifeMs(),
            c.openQuantile(),
            c.closeQuantile(),
            c.minOpenScore(),
            c.openAfter(),
            c.closeAfter(),
            c.anomalousLearningWeight(),
            c.minReports(),
            c.minHistoryMs(),
            c.maxExplained(),
            c.referenceHalfLifeMs(),
            c.deviationSmoothingHalfLifeMs(),
            2,
            c.maxHoldMs());
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ServerBaseline.fromBytes(bytes, two));
    assertThat(e.getMessage(), containsString("principal components"));
  }
}

package dev.dctwin.join;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;

import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.JoinCases.JoinCase;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import dev.dctwin.join.OrderedTimeSeriesJoin.Side;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.Reify;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.WatermarkEstimators;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** {@link OrderedTimeSeriesJoin} on the DirectRunner against {@link JoinOracle}. */
@RunWith(JUnit4.class)
public class OrderedTimeSeriesJoinTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** What the pipelines of {@link #arrivalOrderEmitsAPairWhenItsSecondRecordArrives} emitted. */
  private static final Set<String> SEEN = ConcurrentHashMap.newKeySet();

  /**
   * Random cases, each in several interleavings of LEFT and RIGHT with random watermark advances,
   * through both modes: every interleaving gives exactly the oracle's pairs, each once.
   */
  @Test
  public void randomInterleavingsGiveTheOraclesPairsInBothModes() {
    List<JoinCase> cases = JoinCases.randomCases(1, 100, 2);
    withoutImmutabilityChecks(pipeline);
    PCollection<KV<String, String>> records = pipeline.apply("Records", JoinCases.stream(cases, 1));

    for (Mode mode : Mode.values()) {
      for (Long delta : JoinCases.DELTAS) {
        JoinResult<String, String, String> joined =
            records.apply(mode + "Delta" + delta, JoinCases.joinCasesWithDelta(mode, delta));
        PAssert.that(mode + " pairs, delta " + delta, joined.pairs())
            .satisfies(JoinCases.matchesOracle(only(cases, delta)));
        PAssert.that(mode + " rejected, delta " + delta, joined.rejected()).empty();
      }
    }

    pipeline.run().waitUntilFinish();
  }

  /**
   * A bounded input in no order at all: event-time mode is the default, and the result is the
   * oracle's on the time-sorted series.
   */
  @Test
  public void boundedInputInAnyOrderIsJoinedCompletelyInEventTime() {
    List<JoinCase> cases = JoinCases.randomCases(1001, 40, 0);
    List<TimestampedValue<KV<String, String>>> records = JoinCases.records(cases);
    Collections.shuffle(records, new Random(5));
    withoutImmutabilityChecks(pipeline);
    PCollection<KV<String, String>> input =
        pipeline.apply(
            Create.timestamped(records)
                .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    assertThat(keyJoin().modeFor(JoinInputs.of(input, input)), equalTo(Mode.EVENT_TIME));

    for (Long delta : JoinCases.DELTAS) {
      JoinResult<String, String, String> joined =
          input.apply("Delta" + delta, JoinCases.joinCasesWithDelta(null, delta));
      PAssert.that("pairs, delta " + delta, joined.pairs())
          .satisfies(JoinCases.matchesOracle(only(cases, delta)));
      PAssert.that("rejected, delta " + delta, joined.rejected()).empty();
    }

    pipeline.run().waitUntilFinish();
  }

  /**
   * In event time, on bounded and unbounded input alike, a pair is timestamped 1 ms after the later
   * of its records, where the watermark released it.
   */
  @Test
  public void eventTimePairsAreTimestampedJustAfterTheirLaterRecord() {
    List<TimestampedValue<KV<String, String>>> records =
        List.of(
            JoinCases.record("k", "r0000", 5),
            JoinCases.record("k", "l0000", 7),
            JoinCases.record("k", "l0001", 10),
            JoinCases.record("k", "r0001", 12));
    KvCoder<String, String> coder = KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of());
    PCollection<KV<String, String>> bounded =
        pipeline.apply("Bounded", Create.timestamped(records).withCoder(coder));
    PCollection<KV<String, String>> unbounded =
        pipeline.apply(
            "Unbounded",
            TestStream.create(coder)
                .addElements(records.get(3), records.get(0), records.get(2), records.get(1))
                .advanceWatermarkToInfinity());

    for (PCollection<KV<String, String>> input : List.of(bounded, unbounded)) {
      PCollection<String> timestamped =
          input
              .apply(input.getName() + "Join", JoinCases.join(Mode.EVENT_TIME, null))
              .pairs()
              .apply(input.getName() + "Timestamps", Reify.timestamps())
              .apply(
                  input.getName() + "Format",
                  MapElements.into(TypeDescriptors.strings())
                      .via(pair -> pair.getValue() + "@" + pair.getTimestamp().getMillis()));
      PAssert.that(input.getName(), timestamped)
          .containsInAnyOrder(
              "k|l0000|r0000@8", "k|l0000|r0001@13", "k|l0001|r0000@11", "k|l0001|r0001@13");
    }

    pipeline.run().waitUntilFinish();
  }

  /**
   * Guarantee 4 without any help from the watermark: the source holds the watermark at its minimum
   * for ever, and the pairs that are certain on arrival still come out while the pipeline runs; a
   * pair that needs the watermark does not.
   */
  @Test
  public void arrivalOrderEmitsAPairWhenItsSecondRecordArrives() throws Exception {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setBlockOnRun(false);
    Pipeline stalled = Pipeline.create(options);
    PCollection<KV<String, String>> records =
        stalled
            .apply(Impulse.create())
            .apply(
                "StalledSource",
                ParDo.of(
                    new StalledSource(
                        // next: r20 is next_R(l10); r5 is prev_R(l10), certain once r20 came.
                        JoinCases.record("next", "r0000", 5),
                        JoinCases.record("next", "l0000", 10),
                        JoinCases.record("next", "r0001", 20),
                        JoinCases.record("tie", "l0000", 7),
                        JoinCases.record("tie", "r0000", 7),
                        // prev: r5 is prev_R(l10), certain only once the watermark passes 10
                        // (l7 is next_L(r5), certain at once).
                        JoinCases.record("prev", "r0000", 5),
                        JoinCases.record("prev", "l0000", 7),
                        JoinCases.record("prev", "l0001", 10))))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    JoinResult<String, String, String> joined =
        records.apply(JoinCases.join(Mode.ARRIVAL_ORDER, null));
    joined.pairs().apply(ParDo.of(new RecordFn()));
    assertThat(keyJoin().modeFor(JoinInputs.of(records, records)), equalTo(Mode.ARRIVAL_ORDER));

    PipelineResult result = stalled.run();
    try {
      List<String> certain =
          List.of("next|l0000|r0001", "next|l0000|r0000", "tie|l0000|r0000", "prev|l0000|r0000");
      long deadline = System.nanoTime() + Duration.standardSeconds(60).getMillis() * 1_000_000;
      while (!SEEN.containsAll(certain) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(SEEN, containsInAnyOrder(certain.toArray()));
      Thread.sleep(500);
      assertThat(SEEN, not(hasItem("prev|l0001|r0000")));
    } finally {
      result.cancel();
    }
  }

  /**
   * In arrival order, a record earlier than its series' last is OUT_OF_ORDER and one behind the
   * released time LATE; in event time both are LATE. Each goes to the side output and is counted.
   */
  @Test
  public void outOfOrderAndLateRecordsAreRejectedAndCounted() {
    PCollection<KV<String, String>> records =
        pipeline.apply(
            TestStream.create(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
                .addElements(JoinCases.record("k", "r0000", 5), JoinCases.record("k", "l0000", 10))
                // Releases (l10, r5): nothing at or before 10 can be taken any more.
                .advanceWatermarkTo(new Instant(50))
                .addElements(JoinCases.record("k", "r0001", 8), JoinCases.record("k", "l0001", 7))
                .advanceWatermarkToInfinity());

    JoinResult<String, String, String> arrival =
        records.apply("ArrivalOrder", JoinCases.join(Mode.ARRIVAL_ORDER, null));
    JoinResult<String, String, String> eventTime =
        records.apply("EventTime", JoinCases.join(Mode.EVENT_TIME, null));
    for (JoinResult<String, String, String> joined : List.of(arrival, eventTime)) {
      PAssert.that(joined.pairs()).containsInAnyOrder("k|l0000|r0000");
    }
    PAssert.that(arrival.rejected())
        .containsInAnyOrder(
            new RejectedRecord<>("k", Side.RIGHT, 8, "r0001", DeadLetterReason.LATE),
            new RejectedRecord<>("k", Side.LEFT, 7, "l0001", DeadLetterReason.OUT_OF_ORDER));
    PAssert.that(eventTime.rejected())
        .containsInAnyOrder(
            new RejectedRecord<>("k", Side.RIGHT, 8, "r0001", DeadLetterReason.LATE),
            new RejectedRecord<>("k", Side.LEFT, 7, "l0001", DeadLetterReason.LATE));

    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    assertThat(counter(result, "ArrivalOrder", DeadLetterReason.LATE.counterName()), equalTo(1L));
    assertThat(
        counter(result, "ArrivalOrder", DeadLetterReason.OUT_OF_ORDER.counterName()), equalTo(1L));
    assertThat(counter(result, "EventTime", DeadLetterReason.LATE.counterName()), equalTo(2L));
    assertThat(
        counter(result, "EventTime", DeadLetterReason.OUT_OF_ORDER.counterName()), equalTo(0L));
    for (String step : List.of("ArrivalOrder", "EventTime")) {
      assertThat(counter(result, step, OrderedTimeSeriesJoin.PAIRS_COUNTER), equalTo(1L));
      assertThat(counter(result, step, OrderedTimeSeriesJoin.LEFT_RECORDS_COUNTER), equalTo(2L));
      assertThat(counter(result, step, OrderedTimeSeriesJoin.RIGHT_RECORDS_COUNTER), equalTo(2L));
    }
  }

  /**
   * With a maxLatency, a pair waiting for the watermark comes out after that much processing time,
   * and a record that then arrives behind it is late, in both modes; without, the same input joins
   * that record instead.
   */
  @Test
  public void maxLatencyReleasesWaitingPairsAndMakesLaterRecordsLate() {
    PCollection<KV<String, String>> records =
        pipeline.apply(
            TestStream.create(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
                // (l7, r5) is certain at once, (l10, r5) only once the watermark passes 10.
                .addElements(
                    JoinCases.record("k", "r0000", 5),
                    JoinCases.record("k", "l0000", 7),
                    JoinCases.record("k", "l0001", 10))
                .advanceProcessingTime(Duration.standardSeconds(2))
                .addElements(JoinCases.record("k", "r0001", 8))
                .advanceWatermarkToInfinity());

    for (Mode mode : Mode.values()) {
      JoinResult<String, String, String> forced =
          records.apply(mode + "Forced", joinWithMaxLatency(mode, Duration.standardSeconds(1)));
      PAssert.that(mode + " forced pairs", forced.pairs())
          .containsInAnyOrder("k|l0000|r0000", "k|l0001|r0000");
      PAssert.that(mode + " forced rejected", forced.rejected())
          .containsInAnyOrder(
              new RejectedRecord<>("k", Side.RIGHT, 8, "r0001", DeadLetterReason.LATE));

      JoinResult<String, String, String> exact =
          records.apply(mode + "Exact", JoinCases.join(mode, null));
      PAssert.that(mode + " exact pairs", exact.pairs())
          .containsInAnyOrder("k|l0000|r0000", "k|l0000|r0001", "k|l0001|r0001");
      PAssert.that(mode + " exact rejected", exact.rejected()).empty();
    }

    pipeline.run().waitUntilFinish();
  }

  private static PTransform<PCollection<KV<String, String>>, JoinResult<String, String, String>>
      joinWithMaxLatency(Mode mode, Duration maxLatency) {
    return new PTransform<>() {
      @Override
      public JoinResult<String, String, String> expand(PCollection<KV<String, String>> records) {
        return JoinInputs.of(
                records.apply("Left", Filter.by(record -> record.getValue().startsWith("l"))),
                records.apply("Right", Filter.by(record -> record.getValue().startsWith("r"))))
            .apply(
                "Join",
                OrderedTimeSeriesJoin.into(TypeDescriptors.strings())
                    .via(
                        (String key, Entry<String> left, Entry<String> right) ->
                            key + "|" + left.value() + "|" + right.value())
                    .withMode(mode)
                    .withMaxLatency(maxLatency));
      }
    };
  }

  /**
   * The DirectRunner's check that no DoFn mutates its input walks the whole pipeline graph for
   * every bundle, which makes large random pipelines crawl; the small tests keep it on.
   */
  static void withoutImmutabilityChecks(Pipeline pipeline) {
    pipeline.getOptions().as(DirectOptions.class).setEnforceImmutability(false);
  }

  static long counter(PipelineResult result, String step, String name) {
    long total = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(OrderedTimeSeriesJoin.class, name))
                    .addStep(step)
                    .build())
            .getCounters()) {
      total += counter.getAttempted();
    }
    return total;
  }

  private static OrderedTimeSeriesJoin<String, String, String> keyJoin() {
    return OrderedTimeSeriesJoin.into(TypeDescriptors.strings())
        .via((String key, Entry<String> left, Entry<String> right) -> key);
  }

  static List<JoinCase> only(List<JoinCase> cases, Long delta) {
    List<JoinCase> selected = new ArrayList<>();
    for (JoinCase joinCase : cases) {
      if (Objects.equals(joinCase.delta(), delta)) {
        selected.add(joinCase);
      }
    }
    return selected;
  }

  private static final class RecordFn extends DoFn<String, Void> {
    @ProcessElement
    public void processElement(@Element String pair) {
      SEEN.add(pair);
    }
  }

  /**
   * An unbounded source that emits its records in order and then idles for ever, its watermark at
   * the minimum throughout.
   */
  @DoFn.UnboundedPerElement
  private static final class StalledSource extends DoFn<byte[], KV<String, String>> {
    private final List<KV<String, String>> records = new ArrayList<>();
    private final List<Long> times = new ArrayList<>();

    @SafeVarargs
    StalledSource(TimestampedValue<KV<String, String>>... records) {
      for (TimestampedValue<KV<String, String>> record : records) {
        this.records.add(record.getValue());
        this.times.add(record.getTimestamp().getMillis());
      }
    }

    @GetInitialRestriction
    public OffsetRange initialRestriction() {
      return new OffsetRange(0, Long.MAX_VALUE);
    }

    @GetInitialWatermarkEstimatorState
    public Instant initialWatermark() {
      return BoundedWindow.TIMESTAMP_MIN_VALUE;
    }

    @NewWatermarkEstimator
    public WatermarkEstimators.Manual newWatermarkEstimator(
        @WatermarkEstimatorState Instant watermark) {
      return new WatermarkEstimators.Manual(watermark);
    }

    @ProcessElement
    public ProcessContinuation processElement(
        RestrictionTracker<OffsetRange, Long> tracker, OutputReceiver<KV<String, String>> out) {
      for (long i = tracker.currentRestriction().getFrom(); i < records.size(); i++) {
        if (!tracker.tryClaim(i)) {
          return ProcessContinuation.stop();
        }
        out.outputWithTimestamp(records.get((int) i), new Instant(times.get((int) i)));
      }
      return ProcessContinuation.resume().withResumeDelay(Duration.millis(100));
    }
  }
}

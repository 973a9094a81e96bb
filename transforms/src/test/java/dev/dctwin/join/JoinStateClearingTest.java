package dev.dctwin.join;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import java.util.List;
import java.util.Map;
import org.apache.beam.runners.direct.DirectOptions;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Section 6 of the contract, state and its clearing: a key's state is cleared once the watermark
 * has passed its newest record by more than the tolerance or the state TTL, long before the end of
 * time, and kept until then without either. Measured by the join's {@code live_keys} counter, which
 * its DoFns raise when a key's state is created and lower when they clear it, while a source holds
 * the watermark at a finite time for ever.
 */
@RunWith(JUnit4.class)
public class JoinStateClearingTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** Small: the DirectRunner pays for every key's timers whenever the watermark moves. */
  private static final int KEYS = 500;

  /**
   * {@link #KEYS} distinct keys, one LEFT and one RIGHT record each, then the watermark held past
   * them: with a tolerance or a TTL, in either mode, the live keys go back to zero while the job
   * still runs; without either, every key keeps its state. {@code JoinStateMillionKeysTest} does
   * the same with a million keys, without a runner.
   */
  @Test
  public void stateOfDistinctKeysReturnsToZeroOnceTheWatermarkPassesThem() throws Exception {
    Pipeline job = Pipeline.create(nonBlockingOptions());
    Map<String, OrderedTimeSeriesJoin<String, String, String>> joins = JoinFlood.joins();
    JoinFlood.build(job, KEYS, joins);

    PipelineResult result = job.run();
    try {
      List<JoinFlood.Seen> seen =
          JoinFlood.await(result, KEYS, joins.keySet(), Duration.standardMinutes(3));
      for (JoinFlood.Seen step : seen) {
        long live = JoinFlood.isExact(step.step()) ? KEYS : 0;
        assertThat(
            seen.toString(), step, equalTo(new JoinFlood.Seen(step.step(), 2L * KEYS, KEYS, live)));
      }
    } finally {
      result.cancel();
    }
  }

  /**
   * With a TTL, a record that arrives after its key was forgotten starts the key afresh: it does
   * not pair with the forgotten records. One that arrives before, however far away in time, still
   * does. Without the TTL, both pair.
   */
  @Test
  public void aKeyForgottenByItsTtlStartsAfresh() {
    PCollection<KV<String, String>> records =
        pipeline.apply(
            TestStream.create(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()))
                .addElements(
                    JoinCases.record("k", "l0000", 0),
                    JoinCases.record("k", "r0000", 10),
                    JoinCases.record("near", "l0000", 0),
                    JoinCases.record("near", "r0000", 10),
                    // 290 ms after l0000, but before the watermark passes 10 + 100.
                    JoinCases.record("near", "r0001", 300))
                // Past 10 + 100 for k: forgotten. near's newest record is at 300: kept.
                .advanceWatermarkTo(new Instant(200))
                .addElements(JoinCases.record("k", "l0001", 600))
                .addElements(JoinCases.record("k", "r0001", 650))
                .advanceWatermarkToInfinity());

    for (Mode mode : Mode.values()) {
      JoinResult<String, String, String> withTtl =
          records.apply(
              mode + "Ttl",
              JoinFlood.sides(JoinFlood.keyJoin(mode).withStateTtl(Duration.millis(100))));
      PAssert.that(mode + " with TTL", withTtl.pairs())
          .containsInAnyOrder(
              "k|l0000|r0000", "k|l0001|r0001", "near|l0000|r0000", "near|l0000|r0001");
      PAssert.that(mode + " rejected with TTL", withTtl.rejected()).empty();

      JoinResult<String, String, String> exact =
          records.apply(mode + "Exact", JoinFlood.sides(JoinFlood.keyJoin(mode)));
      PAssert.that(mode + " exact", exact.pairs())
          .containsInAnyOrder(
              "k|l0000|r0000",
              "k|l0001|r0000",
              "k|l0001|r0001",
              "near|l0000|r0000",
              "near|l0000|r0001");
    }

    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    for (Mode mode : Mode.values()) {
      assertThat(
          JoinFlood.counter(result, mode + "Ttl", OrderedTimeSeriesJoin.LIVE_KEYS_COUNTER),
          equalTo(0L));
      assertThat(
          JoinFlood.counter(result, mode + "Exact", OrderedTimeSeriesJoin.LIVE_KEYS_COUNTER),
          equalTo(0L));
    }
  }

  @Test
  public void theStateTtlMustBePositive() {
    try {
      JoinFlood.keyJoin(Mode.ARRIVAL_ORDER).withStateTtl(Duration.ZERO);
      throw new AssertionError("a zero TTL was taken");
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage(), equalTo("the state TTL must be positive: PT0S"));
    }
  }

  static PipelineOptions nonBlockingOptions() {
    DirectOptions options = PipelineOptionsFactory.as(DirectOptions.class);
    options.setRunner(DirectRunner.class);
    options.setBlockOnRun(false);
    options.setEnforceImmutability(false);
    options.setEnforceEncodability(false);
    return options;
  }
}

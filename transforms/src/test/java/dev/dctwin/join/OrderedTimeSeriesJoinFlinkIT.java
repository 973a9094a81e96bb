package dev.dctwin.join;

import dev.dctwin.join.JoinCases.JoinCase;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link OrderedTimeSeriesJoin} on an embedded Flink (streaming, parallelism 1) against {@link
 * JoinOracle}, for a subset of the DirectRunner's random cases: the state, the timers and the timer
 * family must behave the same on Flink.
 */
@RunWith(JUnit4.class)
public class OrderedTimeSeriesJoinFlinkIT {
  @Rule public final transient TestPipeline pipeline = TestPipeline.fromOptions(flinkOptions());

  static FlinkPipelineOptions flinkOptions() {
    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setFlinkMaster("[local]");
    options.setStreaming(true);
    options.setParallelism(1);
    return options;
  }

  /**
   * Random interleavings with random watermark advances through a {@code TestStream}, both modes;
   * plus the same cases as a bounded input in random order through the default (event-time) mode.
   */
  @Test
  public void randomCasesGiveTheOraclesPairsOnFlink() {
    List<JoinCase> cases = JoinCases.randomCases(1, 12, 1);
    PCollection<KV<String, String>> stream = pipeline.apply("Stream", JoinCases.stream(cases, 3));
    for (Mode mode : Mode.values()) {
      for (Long delta : JoinCases.DELTAS) {
        JoinResult<String, String, String> joined =
            stream.apply(mode + "Delta" + delta, JoinCases.joinCasesWithDelta(mode, delta));
        PAssert.that(mode + " pairs, delta " + delta, joined.pairs())
            .satisfies(JoinCases.matchesOracle(OrderedTimeSeriesJoinTest.only(cases, delta)));
        PAssert.that(mode + " rejected, delta " + delta, joined.rejected()).empty();
      }
    }

    List<JoinCase> boundedCases = JoinCases.randomCases(2001, 12, 0);
    List<TimestampedValue<KV<String, String>>> records = JoinCases.records(boundedCases);
    Collections.shuffle(records, new Random(9));
    PCollection<KV<String, String>> bounded =
        pipeline.apply(
            "Bounded",
            Create.timestamped(records)
                .withCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of())));
    for (Long delta : JoinCases.DELTAS) {
      JoinResult<String, String, String> joined =
          bounded.apply("BoundedDelta" + delta, JoinCases.joinCasesWithDelta(null, delta));
      PAssert.that("bounded pairs, delta " + delta, joined.pairs())
          .satisfies(JoinCases.matchesOracle(OrderedTimeSeriesJoinTest.only(boundedCases, delta)));
    }

    pipeline.run().waitUntilFinish();
  }
}

package dev.dctwin.join;

import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.range.OffsetRange;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.Impulse;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.splittabledofn.ManualWatermarkEstimator;
import org.apache.beam.sdk.transforms.splittabledofn.RestrictionTracker;
import org.apache.beam.sdk.transforms.splittabledofn.WatermarkEstimators;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * A flood of distinct keys through several joins at once, each key with one LEFT and one RIGHT
 * record 5 ms apart (one pair), from an unbounded source whose watermark then stays at a finite
 * time for ever: the joins' {@code live_keys} counters show, while the job runs, which of them
 * clear their keys once the watermark has passed them (with a tolerance or a state TTL) and which
 * keep them (exact, until the end of time that never comes).
 */
final class JoinFlood {
  static final long GAP = 5;
  static final long HOLD_AT = 10_000;
  static final int BATCH = 1_000;

  /** The joins of a flood by step name: with a tolerance, with a TTL, and exact; both modes. */
  static Map<String, OrderedTimeSeriesJoin<String, String, String>> joins() {
    Map<String, OrderedTimeSeriesJoin<String, String, String>> joins = new LinkedHashMap<>();
    joins.put("ArrivalDelta", keyJoin(Mode.ARRIVAL_ORDER).withDelta(Duration.millis(10)));
    joins.put("EventTimeDelta", keyJoin(Mode.EVENT_TIME).withDelta(Duration.millis(10)));
    joins.put("ArrivalTtl", keyJoin(Mode.ARRIVAL_ORDER).withStateTtl(Duration.millis(100)));
    joins.put("EventTimeTtl", keyJoin(Mode.EVENT_TIME).withStateTtl(Duration.millis(100)));
    joins.put("ArrivalExact", keyJoin(Mode.ARRIVAL_ORDER));
    joins.put("EventTimeExact", keyJoin(Mode.EVENT_TIME));
    return joins;
  }

  static boolean isExact(String step) {
    return step.endsWith("Exact");
  }

  private JoinFlood() {}

  /** Joins each pair as {@code key|left|right}. */
  static OrderedTimeSeriesJoin<String, String, String> keyJoin(Mode mode) {
    return OrderedTimeSeriesJoin.into(TypeDescriptors.strings())
        .via(
            (String key, Entry<String> left, Entry<String> right) ->
                key + "|" + left.value() + "|" + right.value())
        .withMode(mode);
  }

  /** Splits records into LEFT ({@code l...}) and RIGHT ({@code r...}) and joins them. */
  static PTransform<PCollection<KV<String, String>>, JoinResult<String, String, String>> sides(
      OrderedTimeSeriesJoin<String, String, String> join) {
    return new PTransform<>() {
      @Override
      public JoinResult<String, String, String> expand(PCollection<KV<String, String>> records) {
        return JoinInputs.of(
                records.apply("Left", Filter.by(record -> record.getValue().startsWith("l"))),
                records.apply("Right", Filter.by(record -> record.getValue().startsWith("r"))))
            .apply("Join", join);
      }
    };
  }

  /** The flood of {@code keys} keys, into every join of {@code joins}. */
  static void build(
      Pipeline job, int keys, Map<String, OrderedTimeSeriesJoin<String, String, String>> joins) {
    PCollection<KV<String, String>> records =
        job.apply("Impulse", Impulse.create())
            .apply("Flood", ParDo.of(new FloodSource(keys)))
            .apply("Records", ParDo.of(new RecordsFn(keys)))
            .setCoder(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    joins.forEach((name, join) -> records.apply(name, sides(join)));
  }

  /**
   * Polls the running job until every join has taken all records and made all pairs and the
   * non-exact ones have no live key left, or the time is up; returns what it saw last.
   */
  static List<Seen> await(PipelineResult result, int keys, Iterable<String> steps, Duration limit)
      throws InterruptedException {
    long deadline = System.nanoTime() + limit.getMillis() * 1_000_000;
    while (true) {
      List<Seen> seen = new ArrayList<>();
      boolean settled = true;
      for (String step : steps) {
        Seen one = Seen.of(result, step);
        seen.add(one);
        settled &= one.records() == 2L * keys && one.pairs() == keys;
        settled &= isExact(step) || one.liveKeys() == 0;
      }
      if (settled || System.nanoTime() > deadline) {
        return seen;
      }
      Thread.sleep(500);
    }
  }

  /** A join's counters while the job runs. */
  record Seen(String step, long records, long pairs, long liveKeys) {
    static Seen of(PipelineResult result, String step) {
      return new Seen(
          step,
          counter(result, step, OrderedTimeSeriesJoin.LEFT_RECORDS_COUNTER)
              + counter(result, step, OrderedTimeSeriesJoin.RIGHT_RECORDS_COUNTER),
          counter(result, step, OrderedTimeSeriesJoin.PAIRS_COUNTER),
          counter(result, step, OrderedTimeSeriesJoin.LIVE_KEYS_COUNTER));
    }
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

  /**
   * Batches {@code 0, 1, ...} of {@link #BATCH} keys, timestamped 0; then the watermark goes to
   * {@link #HOLD_AT} and stays there. Batches, not records: a runner may checkpoint a splittable
   * DoFn after every hundred outputs (the DirectRunner does), which would take minutes for a
   * million records.
   */
  @DoFn.UnboundedPerElement
  static final class FloodSource extends DoFn<byte[], Long> {
    private final int keys;

    FloodSource(int keys) {
      this.keys = keys;
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
        RestrictionTracker<OffsetRange, Long> tracker,
        ManualWatermarkEstimator<Instant> watermark,
        OutputReceiver<Long> out) {
      long batches = (keys + BATCH - 1) / BATCH;
      for (long b = tracker.currentRestriction().getFrom(); b < batches; b++) {
        if (!tracker.tryClaim(b)) {
          return ProcessContinuation.stop();
        }
        out.outputWithTimestamp(b, new Instant(0));
      }
      watermark.setWatermark(new Instant(HOLD_AT));
      return ProcessContinuation.resume().withResumeDelay(Duration.millis(100));
    }
  }

  /**
   * The records of a batch's keys {@code key0000000}, ...: a LEFT record at a time spread over a
   * second, a RIGHT one {@link #GAP} ms later.
   */
  static final class RecordsFn extends DoFn<Long, KV<String, String>> {
    private final int keys;

    RecordsFn(int keys) {
      this.keys = keys;
    }

    @ProcessElement
    public void processElement(@Element Long batch, OutputReceiver<KV<String, String>> out) {
      long end = Math.min((batch + 1) * BATCH, keys);
      for (long key = batch * BATCH; key < end; key++) {
        String name = String.format("key%07d", key);
        out.outputWithTimestamp(KV.of(name, "l0000"), new Instant(key % 1_000));
        out.outputWithTimestamp(KV.of(name, "r0000"), new Instant(key % 1_000 + GAP));
      }
    }
  }
}

package dev.dctwin.join;

import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import dev.dctwin.testing.KeyedDoFnHarness;
import dev.dctwin.testing.StateLine;
import dev.dctwin.testing.StateLine.Snapshot;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;

/**
 * The ordered join's part of the state benchmark: the flood of {@link JoinStateMillionKeysTest}
 * (each key a LEFT and a RIGHT record 5 ms apart, in time order, the watermark following in batches
 * of 10,000 keys), measured in bytes: the peak of the state during the flood and what is left once
 * the watermark has passed every key.
 */
public final class JoinStateBench {
  private static final long GAP = 5;
  private static final int BATCH = 10_000;

  /** The keys within the tolerance or TTL of the watermark, as JoinStateMillionKeysTest bounds. */
  private static final int IN_FLIGHT = 200;

  /** How a join clears its keys. */
  public enum Clearing {
    DELTA("tolerance 10 ms"),
    TTL("state TTL 100 ms"),
    /** Exact, without either: keeps every key until the end of time; the control. */
    NONE("exact, no tolerance or TTL");

    final String label;

    Clearing(String label) {
      this.label = label;
    }
  }

  private JoinStateBench() {}

  /**
   * {@code keys} distinct keys through the join's DoFn of {@code mode}, stopping early (an INVALID
   * line) when {@code deadlineNanos} of {@link System#nanoTime()} passes.
   */
  public static StateLine flood(Mode mode, Clearing clearing, int keys, long deadlineNanos) {
    TupleTag<Long> pairs = new TupleTag<>("pairs");
    TupleTag<RejectedRecord<String, Long>> rejected = new TupleTag<>("rejected");
    Long delta = clearing == Clearing.DELTA ? 10L : null;
    Duration ttl = clearing == Clearing.TTL ? Duration.millis(100) : null;
    OrderedTimeSeriesJoin.JoinFn<String, Long, Long> product =
        (String key, Entry<Long> left, Entry<Long> right) -> left.value() * right.value();
    JoinDoFn<String, Long, Long> fn =
        mode == Mode.ARRIVAL_ORDER
            ? new ArrivalOrderJoinFn<>(
                product, delta, null, ttl, VarLongCoder.of(), pairs, rejected)
            : new EventTimeJoinFn<>(product, delta, null, ttl, VarLongCoder.of(), pairs, rejected);
    KeyedDoFnHarness<String, RawUnionValue, Long> harness =
        new KeyedDoFnHarness<>(
            fn,
            KvCoder.of(
                StringUtf8Coder.of(), UnionCoder.of(List.of(VarLongCoder.of(), VarLongCoder.of()))),
            pairs,
            List.of(rejected));

    Snapshot peak = new Snapshot(0, 0, 0);
    long sent = 0;
    for (int from = 0; from < keys && System.nanoTime() < deadlineNanos; from += BATCH) {
      int to = Math.min(from + BATCH, keys);
      for (long k = from; k < to; k++) {
        String key = "key" + k;
        harness.process(key, new RawUnionValue(JoinDoFn.LEFT_TAG, k), k);
        harness.process(key, new RawUnionValue(JoinDoFn.RIGHT_TAG, k), k + GAP);
      }
      sent = to;
      // Before the watermark moves: the batch's keys are all there, the moment of most state.
      peak = peak.max(Snapshot.of(harness));
      harness.advanceWatermark(to - 1 + GAP + 1);
    }
    // Past every key's records by far less than the end of time.
    harness.advanceWatermark(keys + 1_000_000L);
    Snapshot left = Snapshot.of(harness);

    long pairCount = harness.outputs(pairs);
    long rejectedCount = harness.outputs(rejected);
    boolean clears = clearing != Clearing.NONE;
    return new StateLine(
        "join " + mode + ", " + clearing.label,
        "OrderedTimeSeriesJoin",
        keys,
        sent == keys,
        peak.keys(),
        peak.bytes(),
        clears ? BATCH + IN_FLIGHT : -1,
        left.keys(),
        left.bytes(),
        left.timers(),
        "0 once the watermark passed",
        pairCount + " pairs, " + rejectedCount + " rejected",
        pairCount == sent && rejectedCount == 0);
  }
}

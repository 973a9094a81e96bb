package dev.dctwin.join;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.OrderedTimeSeriesJoin.JoinFn;
import dev.dctwin.testing.KeyedDoFnHarness;
import java.util.List;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.junit.Test;

/**
 * A million distinct keys through the join's DoFns, each key with a LEFT and a RIGHT record 5 ms
 * apart, in time order, the watermark following a millisecond behind (section 6 of the contract):
 * the state cells of every key are cleared once the watermark has passed its records by more than
 * the tolerance, so the number of keys with state stays at the handful the watermark has not passed
 * yet, and it and the pending timers go to zero once the watermark is past all of them, long before
 * the end of time. Without a tolerance every key keeps its state.
 *
 * <p>The DoFns run in {@link KeyedDoFnHarness} (Beam's {@code SimpleDoFnRunner} with in-memory
 * state cells, which it inspects): the DirectRunner handles about a hundred keys a second, see
 * {@link JoinStateClearingTest} for the same on it at a smaller scale.
 */
public class JoinStateMillionKeysTest {
  private static final int KEYS = 1_000_000;
  private static final long GAP = 5;
  private static final long DELTA = 10;
  private static final int BATCH = 10_000;

  private final TupleTag<Long> pairs = new TupleTag<>("pairs");
  private final TupleTag<RejectedRecord<String, Long>> rejected = new TupleTag<>("rejected");

  @Test
  public void aMillionKeysInArrivalOrderLeaveNoState() {
    flood(
        new ArrivalOrderJoinFn<>(product(), DELTA, null, null, VarLongCoder.of(), pairs, rejected),
        KEYS,
        true);
  }

  @Test
  public void aMillionKeysInEventTimeLeaveNoState() {
    flood(
        new EventTimeJoinFn<>(product(), DELTA, null, null, VarLongCoder.of(), pairs, rejected),
        KEYS,
        true);
  }

  @Test
  public void aStateTtlClearsKeysWithoutATolerance() {
    Duration ttl = Duration.millis(100);
    flood(
        new ArrivalOrderJoinFn<>(product(), null, null, ttl, VarLongCoder.of(), pairs, rejected),
        20_000,
        true);
    flood(
        new EventTimeJoinFn<>(product(), null, null, ttl, VarLongCoder.of(), pairs, rejected),
        20_000,
        true);
  }

  /** The control: the harness sees state that is there. */
  @Test
  public void withoutAToleranceOrTtlEveryKeyKeepsItsState() {
    flood(
        new ArrivalOrderJoinFn<>(product(), null, null, null, VarLongCoder.of(), pairs, rejected),
        20_000,
        false);
    flood(
        new EventTimeJoinFn<>(product(), null, null, null, VarLongCoder.of(), pairs, rejected),
        20_000,
        false);
  }

  private static JoinFn<String, Long, Long> product() {
    return (String key, Entry<Long> left, Entry<Long> right) -> left.value() * right.value();
  }

  /**
   * Key {@code k} has a LEFT record at {@code k} ms and a RIGHT one {@link #GAP} ms later, fed in
   * batches in time order, the watermark after each batch just past its last record.
   */
  private void flood(JoinDoFn<String, Long, Long> fn, int keys, boolean clears) {
    KeyedDoFnHarness<String, RawUnionValue, Long> harness =
        new KeyedDoFnHarness<>(
            fn,
            KvCoder.of(
                StringUtf8Coder.of(), UnionCoder.of(List.of(VarLongCoder.of(), VarLongCoder.of()))),
            pairs,
            List.of(rejected));
    for (int from = 0; from < keys; from += BATCH) {
      for (long k = from; k < Math.min(from + BATCH, keys); k++) {
        String key = "key" + k;
        harness.process(key, new RawUnionValue(JoinDoFn.LEFT_TAG, k), k);
        harness.process(key, new RawUnionValue(JoinDoFn.RIGHT_TAG, k), k + GAP);
      }
      harness.advanceWatermark(Math.min(from + BATCH, keys) - 1 + GAP + 1);
      if (clears) {
        // Only the keys within the tolerance (or TTL) of the watermark may hold state.
        assertThat("keys with state", harness.keysWithState(), lessThanOrEqualTo(200));
      }
    }

    // Past every key's records, by far less than the end of time.
    harness.advanceWatermark(keys + 1_000_000L);
    assertThat("pairs", harness.outputs(pairs), equalTo((long) keys));
    assertThat("rejected", harness.outputs(rejected), equalTo(0L));
    if (clears) {
      assertThat("keys with state at the end", harness.keysWithState(), equalTo(0));
      assertThat("pending timers at the end", harness.pendingTimers(), equalTo(0));
    } else {
      assertThat("keys with state at the end", harness.keysWithState(), equalTo(keys));
    }
  }
}

package dev.dctwin.join;

import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.join.JoinBuffer.PairSink;
import dev.dctwin.join.JoinBuffer.State;
import dev.dctwin.join.JoinBuffer.Status;
import dev.dctwin.join.OrderedTimeSeriesJoin.JoinFn;
import dev.dctwin.join.OrderedTimeSeriesJoin.Side;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * What the DoFns of {@link OrderedTimeSeriesJoin} share: offering records to a {@link JoinBuffer}
 * restored from state, turning its pairs into outputs and its refusals into {@link
 * RejectedRecord}s, and the counters.
 *
 * <p>Input elements are the records of both sides, keyed, their side in the union tag ({@link
 * #LEFT_TAG} or {@link #RIGHT_TAG}), their time in the element timestamp.
 */
abstract class JoinDoFn<K, V, O> extends DoFn<KV<K, RawUnionValue>, O> {
  static final int LEFT_TAG = 0;
  static final int RIGHT_TAG = 1;

  /** The last instant of the global window, the only window the join works in. */
  static final long END_OF_TIME = GlobalWindow.INSTANCE.maxTimestamp().getMillis();

  final Long delta;

  /** Off if null; see {@link OrderedTimeSeriesJoin#withMaxLatency}. */
  final Duration maxLatency;

  /**
   * How far past a key's newest record the watermark must be before nothing buffered can take part
   * in a pair any more: the tolerance, or the state TTL if shorter; null for neither, and then only
   * the end of time does.
   */
  private final Long forgetAfter;

  private final JoinFn<K, V, O> fn;
  private final TupleTag<O> pairsTag;
  private final TupleTag<RejectedRecord<K, V>> rejectedTag;

  private final Counter leftRecords =
      Metrics.counter(OrderedTimeSeriesJoin.class, OrderedTimeSeriesJoin.LEFT_RECORDS_COUNTER);
  private final Counter rightRecords =
      Metrics.counter(OrderedTimeSeriesJoin.class, OrderedTimeSeriesJoin.RIGHT_RECORDS_COUNTER);
  private final Counter pairs =
      Metrics.counter(OrderedTimeSeriesJoin.class, OrderedTimeSeriesJoin.PAIRS_COUNTER);
  private final Counter late =
      Metrics.counter(OrderedTimeSeriesJoin.class, DeadLetterReason.LATE.counterName());
  private final Counter outOfOrder =
      Metrics.counter(OrderedTimeSeriesJoin.class, DeadLetterReason.OUT_OF_ORDER.counterName());
  private final Counter liveKeys =
      Metrics.counter(OrderedTimeSeriesJoin.class, OrderedTimeSeriesJoin.LIVE_KEYS_COUNTER);

  /**
   * @param stateTtl off if null; see {@link OrderedTimeSeriesJoin#withStateTtl}
   */
  JoinDoFn(
      JoinFn<K, V, O> fn,
      Long delta,
      Duration maxLatency,
      Duration stateTtl,
      TupleTag<O> pairsTag,
      TupleTag<RejectedRecord<K, V>> rejectedTag) {
    this.fn = fn;
    this.delta = delta;
    this.maxLatency = maxLatency;
    this.pairsTag = pairsTag;
    this.rejectedTag = rejectedTag;
    if (stateTtl == null) {
      this.forgetAfter = delta;
    } else {
      this.forgetAfter =
          delta == null ? stateTtl.getMillis() : Math.min(delta, stateTtl.getMillis());
    }
  }

  /**
   * The earliest watermark at which the key can be forgotten: no record the join can still take
   * ({@code t} at or after the watermark) can pair with anything in {@code state}, and every pair
   * among its records has been emitted. That is one past the tolerance (or TTL) after the newest
   * record of either side, since such a pair would be farther apart; without either, the end of
   * time. Never after the end of time; the minimum for a state without records.
   */
  long forgetAt(State<V> state) {
    long newest = Math.max(state.leftLastT(), state.rightLastT());
    if (newest == JoinBuffer.NO_TIME) {
      return Long.MIN_VALUE;
    }
    if (forgetAfter == null || forgetAfter >= END_OF_TIME - newest) {
      return END_OF_TIME;
    }
    return newest + forgetAfter + 1;
  }

  /** A key's state went from nothing to something. */
  void keyCreated() {
    liveKeys.inc();
  }

  /** A key's state cells have all been cleared. */
  void keyForgotten() {
    liveKeys.dec();
  }

  JoinBuffer<V> restore(State<V> state) {
    return state == null ? new JoinBuffer<>(delta) : JoinBuffer.restore(delta, state);
  }

  void countArrival(RawUnionValue record) {
    (side(record) == Side.LEFT ? leftRecords : rightRecords).inc();
  }

  PairSink<V> sink(K key, MultiOutputReceiver out) {
    OutputReceiver<O> pairsOut = out.get(pairsTag);
    return (left, right) -> {
      pairsOut.output(fn.apply(key, left, right));
      pairs.inc();
    };
  }

  /**
   * Like {@link #sink}, each pair timestamped just after the later of its two records: when the
   * watermark passing that record releases the pair in event-time mode.
   */
  PairSink<V> timedSink(K key, MultiOutputReceiver out) {
    OutputReceiver<O> pairsOut = out.get(pairsTag);
    return (left, right) -> {
      pairsOut.outputWithTimestamp(
          fn.apply(key, left, right), new Instant(pairTime(left.t(), right.t())));
      pairs.inc();
    };
  }

  static long pairTime(long leftT, long rightT) {
    return Math.min(Math.max(leftT, rightT) + 1, END_OF_TIME);
  }

  /** Offers a record to the buffer; returns whether it was taken, else it has been rejected. */
  boolean offer(
      JoinBuffer<V> buffer,
      K key,
      RawUnionValue record,
      long t,
      PairSink<V> sink,
      MultiOutputReceiver out) {
    V value = value(record);
    Side side = side(record);
    Status status =
        side == Side.LEFT ? buffer.addLeft(t, value, sink) : buffer.addRight(t, value, sink);
    if (status == Status.ACCEPTED) {
      return true;
    }
    reject(
        key,
        record,
        t,
        status == Status.LATE ? DeadLetterReason.LATE : DeadLetterReason.OUT_OF_ORDER,
        out);
    return false;
  }

  void reject(
      K key, RawUnionValue record, long t, DeadLetterReason reason, MultiOutputReceiver out) {
    (reason == DeadLetterReason.LATE ? late : outOfOrder).inc();
    out.get(rejectedTag).output(new RejectedRecord<>(key, side(record), t, value(record), reason));
  }

  /**
   * Records as event-time mode takes them: by time, LEFT before RIGHT (which the buffer does not
   * care about), and records of one side at one time by their encoded value, so that not even their
   * arrival order matters.
   */
  static <V> List<KV<Long, RawUnionValue>> inTimeOrder(
      List<KV<Long, RawUnionValue>> records, Coder<V> valueCoder) {
    List<KV<Long, RawUnionValue>> sorted = new ArrayList<>(records);
    sorted.sort(
        Comparator.comparing((KV<Long, RawUnionValue> record) -> record.getKey())
            .thenComparingInt(record -> record.getValue().getUnionTag()));
    for (int from = 0; from < sorted.size(); ) {
      int to = from + 1;
      while (to < sorted.size() && sameTimeAndSide(sorted.get(from), sorted.get(to))) {
        to++;
      }
      if (to - from > 1) {
        sortByEncodedValue(sorted.subList(from, to), valueCoder);
      }
      from = to;
    }
    return sorted;
  }

  private static boolean sameTimeAndSide(KV<Long, RawUnionValue> a, KV<Long, RawUnionValue> b) {
    return a.getKey().equals(b.getKey())
        && a.getValue().getUnionTag() == b.getValue().getUnionTag();
  }

  private static <V> void sortByEncodedValue(
      List<KV<Long, RawUnionValue>> records, Coder<V> valueCoder) {
    Map<KV<Long, RawUnionValue>, byte[]> encoded = new IdentityHashMap<>();
    for (KV<Long, RawUnionValue> record : records) {
      try {
        encoded.put(record, CoderUtils.encodeToByteArray(valueCoder, value(record.getValue())));
      } catch (CoderException e) {
        throw new IllegalStateException("cannot encode a value to order it", e);
      }
    }
    records.sort((a, b) -> Arrays.compareUnsigned(encoded.get(a), encoded.get(b)));
  }

  static Side side(RawUnionValue record) {
    return record.getUnionTag() == LEFT_TAG ? Side.LEFT : Side.RIGHT;
  }

  @SuppressWarnings("unchecked")
  static <V> V value(RawUnionValue record) {
    return (V) record.getValue();
  }
}

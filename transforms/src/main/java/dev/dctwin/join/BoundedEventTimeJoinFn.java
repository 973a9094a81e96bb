package dev.dctwin.join;

import dev.dctwin.join.JoinBuffer.PairSink;
import dev.dctwin.join.OrderedTimeSeriesJoin.JoinFn;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * {@link OrderedTimeSeriesJoin.Mode#EVENT_TIME} on bounded input: a key's records are collected
 * until the input is exhausted, then joined in time order, with a single timer per key.
 *
 * <p>A bounded source's watermark jumps from the beginning to the end of time when the source is
 * done, so timers per pending time (as {@link EventTimeJoinFn} sets them) would all fire at once,
 * at the end, anyway; and some runners (the DirectRunner) pay for every pending timer whenever they
 * look for due ones. The pairs are the same. Nothing can be late before the end, and a {@code
 * maxLatency} has nothing to shorten.
 */
final class BoundedEventTimeJoinFn<K, V, O> extends JoinDoFn<K, V, O> {
  private final Coder<V> valueCoder;

  /** The key's records, until the input is exhausted. */
  @StateId("pending")
  private final StateSpec<BagState<KV<Long, RawUnionValue>>> pendingSpec;

  /** The earliest time collected: the end timer holds the watermark just past it. */
  @StateId("earliest")
  private final StateSpec<ValueState<Long>> earliestSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("end")
  private final TimerSpec endSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  BoundedEventTimeJoinFn(
      JoinFn<K, V, O> fn,
      Long delta,
      Coder<V> valueCoder,
      TupleTag<O> pairsTag,
      TupleTag<RejectedRecord<K, V>> rejectedTag) {
    super(fn, delta, null, null, pairsTag, rejectedTag);
    this.valueCoder = valueCoder;
    this.pendingSpec =
        StateSpecs.bag(
            KvCoder.of(VarLongCoder.of(), UnionCoder.of(List.of(valueCoder, valueCoder))));
  }

  @ProcessElement
  public void processElement(
      @Element KV<K, RawUnionValue> element,
      @Timestamp Instant timestamp,
      @StateId("pending") BagState<KV<Long, RawUnionValue>> pending,
      @StateId("earliest") ValueState<Long> earliest,
      @TimerId("end") Timer end) {
    countArrival(element.getValue());
    long t = timestamp.getMillis();
    Long earliestSoFar = earliest.read();
    if (earliestSoFar == null) {
      keyCreated();
    }
    if (earliestSoFar == null || t < earliestSoFar) {
      earliest.write(t);
      end.withOutputTimestamp(new Instant(pairTime(t, t))).set(new Instant(END_OF_TIME));
    }
    pending.add(KV.of(t, element.getValue()));
  }

  @OnTimer("end")
  public void onEnd(
      @Key K key,
      @StateId("pending") BagState<KV<Long, RawUnionValue>> pending,
      @StateId("earliest") ValueState<Long> earliest,
      MultiOutputReceiver out) {
    List<KV<Long, RawUnionValue>> records = new ArrayList<>();
    pending.read().forEach(records::add);
    JoinBuffer<V> buffer = new JoinBuffer<>(delta);
    PairSink<V> sink = timedSink(key, out);
    for (KV<Long, RawUnionValue> record : inTimeOrder(records, valueCoder)) {
      offer(buffer, key, record.getValue(), record.getKey(), sink, out);
    }
    buffer.finish(sink);
    pending.clear();
    earliest.clear();
    keyForgotten();
  }
}

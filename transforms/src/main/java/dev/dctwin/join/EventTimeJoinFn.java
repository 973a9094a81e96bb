package dev.dctwin.join;

import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.join.JoinBuffer.PairSink;
import dev.dctwin.join.JoinBuffer.State;
import dev.dctwin.join.OrderedTimeSeriesJoin.JoinFn;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerMap;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * {@link OrderedTimeSeriesJoin.Mode#EVENT_TIME}: records wait in state, grouped by time, until the
 * watermark passes their time; then each time's records go into the key's {@link JoinBuffer}, in
 * time order, and the buffer's watermark follows.
 *
 * <p>One timer per pending time, in a timer family, so that when the watermark jumps (at the end of
 * a bounded input, or after a stall) the runner fires all due times in one go, in order, and each
 * firing reads only its own time's records. A single timer re-armed at the next pending time would
 * take one round trip through the runner per distinct time.
 *
 * <p>Within one side and one time, records are taken in the order of their encoded values, not of
 * their arrival, so that the result does not depend on arrival order even there. For unbounded
 * input; {@link BoundedEventTimeJoinFn} does the same job on bounded input with one timer per key.
 *
 * <p>With a {@code maxLatency}, a processing-time timer releases everything pending once the oldest
 * pending record has waited that long, as if the watermark had passed it.
 *
 * <p>After each release a {@code forget} timer is set at {@link #forgetAt} the buffer; when it
 * fires with nothing pending, every state cell of the key is cleared. Without a tolerance or a
 * state TTL that is the end of time.
 */
final class EventTimeJoinFn<K, V, O> extends JoinDoFn<K, V, O> {
  private final Coder<V> valueCoder;

  /** The released records that can still take part in a pair, and how far the key released. */
  @StateId("buffer")
  private final StateSpec<ValueState<State<V>>> bufferSpec;

  /** Records the watermark has not passed yet, by time. */
  @StateId("pending")
  private final StateSpec<MapState<Long, List<RawUnionValue>>> pendingSpec;

  @TimerFamily("release")
  private final TimerSpec releaseSpec = TimerSpecs.timerMap(TimeDomain.EVENT_TIME);

  @TimerId("forget")
  private final TimerSpec forgetSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  /** Whether the {@code maxLatency} timer is set: setting it again would postpone it. */
  @StateId("forceSet")
  private final StateSpec<ValueState<Boolean>> forceSetSpec = StateSpecs.value(BooleanCoder.of());

  @TimerId("force")
  private final TimerSpec forceSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  EventTimeJoinFn(
      JoinFn<K, V, O> fn,
      Long delta,
      Duration maxLatency,
      Duration stateTtl,
      Coder<V> valueCoder,
      TupleTag<O> pairsTag,
      TupleTag<RejectedRecord<K, V>> rejectedTag) {
    super(fn, delta, maxLatency, stateTtl, pairsTag, rejectedTag);
    this.valueCoder = valueCoder;
    this.bufferSpec = StateSpecs.value(JoinStateCoder.of(valueCoder));
    this.pendingSpec =
        StateSpecs.map(
            VarLongCoder.of(), ListCoder.of(UnionCoder.of(List.of(valueCoder, valueCoder))));
  }

  @ProcessElement
  public void processElement(
      @Element KV<K, RawUnionValue> element,
      @Timestamp Instant timestamp,
      @StateId("buffer") ValueState<State<V>> bufferState,
      @StateId("pending") MapState<Long, List<RawUnionValue>> pending,
      @TimerFamily("release") TimerMap releases,
      @StateId("forceSet") ValueState<Boolean> forceSet,
      @TimerId("force") Timer force,
      MultiOutputReceiver out) {
    RawUnionValue record = element.getValue();
    countArrival(record);
    long t = timestamp.getMillis();
    State<V> state = bufferState.read();
    if (state != null && t < state.watermark()) {
      reject(element.getKey(), record, t, DeadLetterReason.LATE, out);
      return;
    }
    if (state == null && pending.isEmpty().read()) {
      keyCreated();
    }
    List<RawUnionValue> atTime = pending.get(t).read();
    List<RawUnionValue> updated = atTime == null ? new ArrayList<>(1) : new ArrayList<>(atTime);
    updated.add(record);
    pending.put(t, updated);
    releases.set(Long.toString(t), new Instant(Math.min(t + 1, END_OF_TIME)));
    if (maxLatency != null && !Boolean.TRUE.equals(forceSet.read())) {
      force.offset(maxLatency).setRelative();
      forceSet.write(true);
    }
  }

  @OnTimerFamily("release")
  public void onRelease(
      @TimerId String timerId,
      @Key K key,
      @StateId("buffer") ValueState<State<V>> bufferState,
      @StateId("pending") MapState<Long, List<RawUnionValue>> pending,
      @TimerId("forget") Timer forget,
      MultiOutputReceiver out) {
    long t = Long.parseLong(timerId);
    State<V> stored = bufferState.read();
    if (stored == null && pending.get(t).read() == null) {
      // Released by maxLatency already, and the key forgotten since: nothing to bring back.
      return;
    }
    JoinBuffer<V> buffer = restore(stored);
    PairSink<V> sink = sink(key, out);
    release(t, buffer, key, pending, sink, out);
    buffer.advanceWatermark(t + 1, sink);
    save(buffer, Math.min(t + 1, END_OF_TIME), bufferState, forget);
  }

  /**
   * The {@code maxLatency} is up: everything pending is released in time order, as if the watermark
   * had passed it. Records that arrive later with an earlier time are then late; the event-time
   * timers of the released times find nothing left to do.
   */
  @OnTimer("force")
  public void onForce(
      @Key K key,
      @StateId("buffer") ValueState<State<V>> bufferState,
      @StateId("pending") MapState<Long, List<RawUnionValue>> pending,
      @StateId("forceSet") ValueState<Boolean> forceSet,
      @TimerId("forget") Timer forget,
      MultiOutputReceiver out) {
    forceSet.clear();
    List<Long> times = new ArrayList<>();
    pending.keys().read().forEach(times::add);
    if (times.isEmpty()) {
      return;
    }
    Collections.sort(times);
    JoinBuffer<V> buffer = restore(bufferState.read());
    PairSink<V> sink = sink(key, out);
    for (long t : times) {
      release(t, buffer, key, pending, sink, out);
    }
    buffer.advanceWatermark(times.get(times.size() - 1) + 1, sink);
    save(buffer, BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis(), bufferState, forget);
  }

  /**
   * The key's newest records are farther than the tolerance (or TTL) behind the watermark, or it is
   * the end of time: every pair among the released records has been emitted (each release advanced
   * the buffer past its time), and none with a record still to come can be within reach. Unless
   * records are still pending, whose releases set this timer again, the key's state is cleared.
   */
  @OnTimer("forget")
  public void onForget(
      @StateId("buffer") ValueState<State<V>> bufferState,
      @StateId("pending") MapState<Long, List<RawUnionValue>> pending,
      @StateId("forceSet") ValueState<Boolean> forceSet) {
    State<V> state = bufferState.read();
    if (state == null || !pending.isEmpty().read()) {
      return;
    }
    bufferState.clear();
    forceSet.clear();
    keyForgotten();
  }

  /**
   * Stores the buffer and sets the forget timer at {@link #forgetAt} it, or at {@code notBefore} if
   * later (a timer may not be set behind the one firing).
   */
  private void save(
      JoinBuffer<V> buffer, long notBefore, ValueState<State<V>> bufferState, Timer forget) {
    State<V> state = buffer.snapshot();
    bufferState.write(state);
    forget.set(new Instant(Math.max(forgetAt(state), notBefore)));
  }

  private void release(
      long t,
      JoinBuffer<V> buffer,
      K key,
      MapState<Long, List<RawUnionValue>> pending,
      PairSink<V> sink,
      MultiOutputReceiver out) {
    List<RawUnionValue> due = pending.get(t).read();
    if (due != null) {
      List<KV<Long, RawUnionValue>> timed = new ArrayList<>(due.size());
      due.forEach(record -> timed.add(KV.of(t, record)));
      for (KV<Long, RawUnionValue> record : inTimeOrder(timed, valueCoder)) {
        offer(buffer, key, record.getValue(), t, sink, out);
      }
      pending.remove(t);
    }
  }
}

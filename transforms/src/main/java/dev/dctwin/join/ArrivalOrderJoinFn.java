package dev.dctwin.join;

import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.JoinBuffer.PairSink;
import dev.dctwin.join.JoinBuffer.State;
import dev.dctwin.join.OrderedTimeSeriesJoin.JoinFn;
import java.util.List;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * {@link OrderedTimeSeriesJoin.Mode#ARRIVAL_ORDER}: each record goes straight into the key's {@link
 * JoinBuffer}, which emits every pair the moment it is certain.
 *
 * <p>Pairs that wait for the watermark ({@code prev} pairs whose other side has not moved past
 * them) are released by one event-time timer per key, set no later than the earliest time whose
 * passing lets the buffer emit or drop something. Beam shows a DoFn the watermark only through its
 * timers, so the timer's firing time is what the buffer is told: everything pending is out once the
 * watermark reaches the end of the global window.
 *
 * <p>The timer only ever moves earlier between firings. In a series in order every record moves the
 * earliest useful wake-up later, and moving a timer (a delete and a set in the runner's timer
 * service) cost more than the rest of the join; a timer that fires early makes the buffer compute
 * the next wake-up, which the runner fires in the same watermark advance if it has passed already.
 * The time the timer is set for is stored with the buffer, in one state cell.
 *
 * <p>The same timer forgets the key: it is never set later than {@link #forgetAt}, and when it
 * fires there every pending pair is emitted and every state cell of the key cleared. Without a
 * tolerance or a state TTL that is the end of time.
 *
 * <p>With a {@code maxLatency}, a processing-time timer forces the buffer's watermark past the
 * records still waiting once they have waited that long.
 */
final class ArrivalOrderJoinFn<K, V, O> extends JoinDoFn<K, V, O> {
  private static final long NO_WAKE_UP = Long.MAX_VALUE;

  /**
   * The buffer, and the time the wake-up timer is set for ({@link #NO_WAKE_UP} if none): the key's
   * records that can still take part in a pair.
   */
  @StateId("bufferAndWakeUp")
  private final StateSpec<ValueState<KV<Long, State<V>>>> bufferSpec;

  @TimerId("wakeUp")
  private final TimerSpec wakeUpSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  /** Whether the {@code maxLatency} timer is set: setting it again would postpone it. */
  @StateId("forceSet")
  private final StateSpec<ValueState<Boolean>> forceSetSpec = StateSpecs.value(BooleanCoder.of());

  @TimerId("force")
  private final TimerSpec forceSpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

  ArrivalOrderJoinFn(
      JoinFn<K, V, O> fn,
      Long delta,
      Duration maxLatency,
      Duration stateTtl,
      Coder<V> valueCoder,
      TupleTag<O> pairsTag,
      TupleTag<RejectedRecord<K, V>> rejectedTag) {
    super(fn, delta, maxLatency, stateTtl, pairsTag, rejectedTag);
    this.bufferSpec =
        StateSpecs.value(KvCoder.of(VarLongCoder.of(), JoinStateCoder.of(valueCoder)));
  }

  @ProcessElement
  public void processElement(
      @Element KV<K, RawUnionValue> element,
      @Timestamp Instant timestamp,
      @StateId("bufferAndWakeUp") ValueState<KV<Long, State<V>>> bufferState,
      @TimerId("wakeUp") Timer wakeUp,
      @StateId("forceSet") ValueState<Boolean> forceSet,
      @TimerId("force") Timer force,
      MultiOutputReceiver out) {
    K key = element.getKey();
    countArrival(element.getValue());
    KV<Long, State<V>> stored = bufferState.read();
    JoinBuffer<V> buffer = restore(stored == null ? null : stored.getValue());
    if (offer(buffer, key, element.getValue(), timestamp.getMillis(), sink(key, out), out)) {
      if (stored == null) {
        keyCreated();
      }
      State<V> state =
          save(buffer, stored == null ? NO_WAKE_UP : stored.getKey(), bufferState, wakeUp);
      if (maxLatency != null
          && forcedWatermark(state) != NO_WAKE_UP
          && !Boolean.TRUE.equals(forceSet.read())) {
        force.offset(maxLatency).setRelative();
        forceSet.write(true);
      }
    }
  }

  @OnTimer("wakeUp")
  public void onWakeUp(
      OnTimerContext context,
      @Key K key,
      @StateId("bufferAndWakeUp") ValueState<KV<Long, State<V>>> bufferState,
      @TimerId("wakeUp") Timer wakeUp,
      @StateId("forceSet") ValueState<Boolean> forceSet,
      MultiOutputReceiver out) {
    KV<Long, State<V>> stored = bufferState.read();
    if (stored == null) {
      return;
    }
    JoinBuffer<V> buffer = restore(stored.getValue());
    PairSink<V> sink = sink(key, out);
    long watermark = context.fireTimestamp().getMillis();
    if (watermark >= forgetAt(stored.getValue())) {
      // Every time in the buffer has passed: finishing emits what advancing would. A pending
      // maxLatency timer finds the key empty and does nothing.
      buffer.finish(sink);
      bufferState.clear();
      forceSet.clear();
      keyForgotten();
      return;
    }
    buffer.advanceWatermark(watermark, sink);
    // The timer that fired is no longer set.
    save(buffer, NO_WAKE_UP, bufferState, wakeUp);
  }

  /**
   * The {@code maxLatency} is up for the records waiting when the timer was set: the buffer takes
   * their times as passed. Records that arrive later with an earlier time are then late.
   */
  @OnTimer("force")
  public void onForce(
      @Key K key,
      @StateId("bufferAndWakeUp") ValueState<KV<Long, State<V>>> bufferState,
      @TimerId("wakeUp") Timer wakeUp,
      @StateId("forceSet") ValueState<Boolean> forceSet,
      MultiOutputReceiver out) {
    forceSet.clear();
    KV<Long, State<V>> stored = bufferState.read();
    long forced = stored == null ? NO_WAKE_UP : forcedWatermark(stored.getValue());
    if (forced == NO_WAKE_UP) {
      return;
    }
    JoinBuffer<V> buffer = restore(stored.getValue());
    buffer.advanceWatermark(forced, sink(key, out));
    save(buffer, stored.getKey(), bufferState, wakeUp);
  }

  /**
   * Stores the buffer and moves the wake-up timer earlier if the buffer needs it before {@code
   * setAt}, the time it is set for now.
   */
  private State<V> save(
      JoinBuffer<V> buffer, long setAt, ValueState<KV<Long, State<V>>> bufferState, Timer wakeUp) {
    State<V> state = buffer.snapshot();
    long wakeUpAt = Math.min(nextWakeUp(state, delta), forgetAt(state));
    if (wakeUpAt < setAt) {
      wakeUp.set(new Instant(wakeUpAt));
      setAt = wakeUpAt;
    }
    bufferState.write(KV.of(setAt, state));
    return state;
  }

  /**
   * Just past the newest record that waits for the watermark, {@link #NO_WAKE_UP} if none does. A
   * side's newest record is always buffered, and waits whenever any of the side's records does.
   */
  static long forcedWatermark(State<?> state) {
    boolean leftWaits =
        isWaiting(state.left(), state.right(), state.rightLastT(), state.watermark());
    boolean rightWaits =
        isWaiting(state.right(), state.left(), state.leftLastT(), state.watermark());
    if (!leftWaits && !rightWaits) {
      return NO_WAKE_UP;
    }
    return Math.max(
            leftWaits ? state.leftLastT() : Long.MIN_VALUE,
            rightWaits ? state.rightLastT() : Long.MIN_VALUE)
        + 1;
  }

  private static boolean isWaiting(
      List<? extends Entry<?>> entries,
      List<? extends Entry<?>> other,
      long otherLastT,
      long watermark) {
    return !entries.isEmpty()
        && !other.isEmpty()
        && entries.get(entries.size() - 1).t() >= Math.max(otherLastT, watermark);
  }

  /**
   * The earliest time whose passing lets the buffer emit a pair or drop a record, capped at the end
   * of the global window; {@link #NO_WAKE_UP} if the watermark alone can change nothing. Always
   * after the buffer's watermark, so a firing always makes progress.
   */
  static long nextWakeUp(State<?> state, Long delta) {
    long wakeUp =
        Math.min(
            sideWakeUp(
                state.left(),
                !state.right().isEmpty(),
                Math.max(state.rightLastT(), state.watermark()),
                delta),
            sideWakeUp(
                state.right(),
                !state.left().isEmpty(),
                Math.max(state.leftLastT(), state.watermark()),
                delta));
    return wakeUp == NO_WAKE_UP ? NO_WAKE_UP : Math.min(wakeUp, END_OF_TIME);
  }

  /**
   * One side's records wait for the watermark when their {@code prev} on the other side is not yet
   * certain: their time is not below the other side's floor (its last time or the watermark). With
   * a tolerance, the oldest record can also be dropped once the other side's floor is more than
   * {@code delta} past it (the newest record always stays).
   */
  private static long sideWakeUp(
      List<? extends Entry<?>> entries, boolean otherHasRecords, long otherFloor, Long delta) {
    long wakeUp = NO_WAKE_UP;
    if (otherHasRecords) {
      for (Entry<?> entry : entries) {
        if (entry.t() >= otherFloor) {
          wakeUp = entry.t() + 1;
          break;
        }
      }
    }
    if (delta != null && entries.size() > 1) {
      long oldest = entries.get(0).t();
      if (delta < END_OF_TIME - oldest) {
        wakeUp = Math.min(wakeUp, oldest + delta + 1);
      }
    }
    return wakeUp;
  }
}

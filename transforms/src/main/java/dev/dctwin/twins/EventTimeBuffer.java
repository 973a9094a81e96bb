package dev.dctwin.twins;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.ListCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;

/**
 * Holds a twin's inputs until the watermark passes them, then hands them over in event-time order.
 *
 * <p>Why: a twin's verdicts depend on the order of its inputs, and neither a bounded source, nor
 * two sources feeding one twin, nor a replay after a failure keeps that order. Processing in
 * event-time order once the watermark has passed makes every twin deterministic: the same input
 * gives the same alerts and the same alert ids, whatever the arrival order, at the price of the
 * watermark's delay. Ties are broken by a twin-specific order of the values' content.
 *
 * <p>Built on {@link MapState} keyed by timestamp plus a small index of pending timestamps, so a
 * drain reads only what is due (not {@code OrderedListState}, which loses elements with equal
 * timestamps on the FlinkRunner).
 */
final class EventTimeBuffer<T> {
  private final MapState<Long, List<T>> pending;
  private final ValueState<List<Long>> pendingTimes;

  EventTimeBuffer(MapState<Long, List<T>> pending, ValueState<List<Long>> pendingTimes) {
    this.pending = pending;
    this.pendingTimes = pendingTimes;
  }

  static <T> StateSpec<MapState<Long, List<T>>> pendingSpec(Coder<T> coder) {
    return StateSpecs.map(VarLongCoder.of(), ListCoder.of(coder));
  }

  static StateSpec<ValueState<List<Long>>> pendingTimesSpec() {
    return StateSpecs.value(ListCoder.of(VarLongCoder.of()));
  }

  void add(long timestamp, T value) {
    List<T> atTime = pending.get(timestamp).read();
    List<T> updated = atTime == null ? new ArrayList<>() : new ArrayList<>(atTime);
    updated.add(value);
    pending.put(timestamp, updated);
    if (atTime == null) {
      TreeSet<Long> times = times();
      times.add(timestamp);
      pendingTimes.write(new ArrayList<>(times));
    }
  }

  /**
   * Removes and returns, in (timestamp, {@code tieOrder}) order, every value at or before {@code
   * upTo}.
   */
  List<T> drainUpTo(long upTo, Comparator<T> tieOrder) {
    TreeSet<Long> times = times();
    List<T> due = new ArrayList<>();
    while (!times.isEmpty() && times.first() <= upTo) {
      long timestamp = times.pollFirst();
      List<T> atTime = new ArrayList<>(pending.get(timestamp).read());
      atTime.sort(tieOrder);
      due.addAll(atTime);
      pending.remove(timestamp);
    }
    if (times.isEmpty()) {
      pendingTimes.clear();
    } else {
      pendingTimes.write(new ArrayList<>(times));
    }
    return due;
  }

  OptionalLong earliest() {
    List<Long> times = pendingTimes.read();
    return times == null || times.isEmpty() ? OptionalLong.empty() : OptionalLong.of(times.get(0));
  }

  void clear() {
    pending.clear();
    pendingTimes.clear();
  }

  private TreeSet<Long> times() {
    List<Long> times = pendingTimes.read();
    return times == null ? new TreeSet<>() : new TreeSet<>(times);
  }
}

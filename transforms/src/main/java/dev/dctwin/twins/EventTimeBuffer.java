package dev.dctwin.twins;

import dev.dctwin.domain.MessageOrigin;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.joda.time.Instant;

/**
 * Holds a twin's inputs until the watermark passes them, then hands them over in event-time order,
 * and keeps the twin's single event-time timer at the earliest moment anything is due (a pending
 * input, a silence deadline, a held alert).
 *
 * <p>Why: a twin's verdicts depend on the order of its inputs, and neither a bounded source, nor
 * two sources feeding one twin, nor a replay after a failure keeps that order. Processing in
 * event-time order once the watermark has passed makes every twin deterministic: the same input
 * gives the same alerts and the same alert ids, whatever the arrival order, at the price of the
 * watermark's delay. Ties are broken by a twin-specific order of the values' content, then by the
 * origins of their records.
 *
 * <p>The inputs and the timer's time live in one {@link Inbox} state cell (not {@code
 * OrderedListState}, which loses elements with equal timestamps on the FlinkRunner). One instance
 * serves one activation: it reads the cell once, and {@link #add} or {@link #reschedule} writes it
 * back.
 */
final class EventTimeBuffer<T> {
  private static final long END_OF_TIME = GlobalWindow.INSTANCE.maxTimestamp().getMillis();

  private final ValueState<Inbox<T>> cell;
  private final Timer timer;
  private final long alignmentMs;
  private final Inbox<T> inbox;

  /**
   * @param alignmentMs the timer fires on multiples of this: work due within one step is done in
   *     one activation, at the price of up to this much extra latency
   */
  EventTimeBuffer(ValueState<Inbox<T>> cell, Timer timer, long alignmentMs) {
    this.cell = cell;
    this.timer = timer;
    this.alignmentMs = alignmentMs;
    Inbox<T> stored = cell.read();
    this.inbox = stored == null ? new Inbox<>() : stored;
  }

  static <T> StateSpec<ValueState<Inbox<T>>> spec(Coder<T> coder) {
    return StateSpecs.value(Inbox.coder(coder));
  }

  /** Holds {@code value} until the watermark passes {@code timestamp}. */
  void add(long timestamp, T value) {
    add(timestamp, value, null);
  }

  /** As {@link #add(long, Object)}, with the origin of its record (null if unknown). */
  void add(long timestamp, T value, MessageOrigin origin) {
    inbox.add(timestamp, value, origin);
    long aligned = aligned(timestamp);
    if (inbox.wakeUpAt() == Inbox.NO_WAKE_UP || aligned < inbox.wakeUpAt()) {
      setTimer(aligned);
    }
    cell.write(inbox);
  }

  /**
   * Removes and returns, in (timestamp, {@code tieOrder}) order, every value at or before {@code
   * upTo}. {@link #reschedule} must follow.
   */
  List<T> drainUpTo(long upTo, Comparator<? super T> tieOrder) {
    return inbox.drainUpTo(upTo, tieOrder);
  }

  /** As {@link #drainUpTo}, with each value's origin. */
  List<Inbox.Entry<T>> drainEntriesUpTo(long upTo, Comparator<? super T> tieOrder) {
    return inbox.drainEntriesUpTo(upTo, tieOrder);
  }

  /**
   * After the timer fired: sets it to the earliest of the pending inputs and the twin's own {@code
   * deadlines}, if there is one, and stores the buffer.
   *
   * <p>When nothing is due, the timer that just fired is forgotten, not cleared: it is no longer
   * set, and clearing it in its own callback makes Beam's DirectRunner (2.62) remove the watermark
   * hold of another key's timer at the same time, so that key's output arrives late downstream.
   */
  void reschedule(OptionalLong... deadlines) {
    long earliest = inbox.earliest().orElse(Long.MAX_VALUE);
    for (OptionalLong deadline : deadlines) {
      if (deadline.isPresent()) {
        earliest = Math.min(earliest, deadline.getAsLong());
      }
    }
    if (earliest != Long.MAX_VALUE) {
      setTimer(aligned(earliest));
    } else {
      inbox.wakeUpAt(Inbox.NO_WAKE_UP);
    }
    if (inbox.isIdle()) {
      cell.clear();
    } else {
      cell.write(inbox);
    }
  }

  private void setTimer(long aligned) {
    // A deadline past the end of time (an input dated there, plus a twin's delay) waits for it.
    long at = Math.min(aligned, END_OF_TIME);
    timer.set(new Instant(at));
    inbox.wakeUpAt(at);
  }

  private long aligned(long at) {
    return at > END_OF_TIME
        ? END_OF_TIME
        : Math.floorDiv(at + alignmentMs - 1, alignmentMs) * alignmentMs;
  }
}

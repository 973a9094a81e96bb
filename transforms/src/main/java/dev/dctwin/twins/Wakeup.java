package dev.dctwin.twins;

import java.util.OptionalLong;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.ValueState;
import org.joda.time.Instant;

/**
 * A twin's single event-time timer, set to the earliest moment anything is due (a pending input, a
 * silence deadline, a held alert). One timer per key keeps the order of work explicit.
 */
final class Wakeup {
  private final Timer timer;
  private final ValueState<Long> scheduled;
  private final long alignmentMs;

  /**
   * @param alignmentMs the timer fires on multiples of this: work due within one step is done in
   *     one activation, at the price of up to this much extra latency
   */
  Wakeup(Timer timer, ValueState<Long> scheduled, long alignmentMs) {
    this.timer = timer;
    this.scheduled = scheduled;
    this.alignmentMs = alignmentMs;
  }

  static StateSpec<ValueState<Long>> scheduledSpec() {
    return StateSpecs.value(org.apache.beam.sdk.coders.VarLongCoder.of());
  }

  /** Makes sure the timer fires no later than {@code at}. */
  void atOrBefore(long at) {
    Long current = scheduled.read();
    if (current == null || aligned(at) < current) {
      set(at);
    }
  }

  /** Sets the timer to the earliest of the candidates, or clears it when there is none. */
  void reschedule(OptionalLong... candidates) {
    long earliest = Long.MAX_VALUE;
    for (OptionalLong candidate : candidates) {
      if (candidate.isPresent()) {
        earliest = Math.min(earliest, candidate.getAsLong());
      }
    }
    if (earliest == Long.MAX_VALUE) {
      clear();
    } else {
      set(earliest);
    }
  }

  void clear() {
    if (scheduled.read() != null) {
      timer.clear();
      scheduled.clear();
    }
  }

  private void set(long at) {
    long aligned = aligned(at);
    timer.set(new Instant(aligned));
    scheduled.write(aligned);
  }

  private long aligned(long at) {
    return Math.floorDiv(at + alignmentMs - 1, alignmentMs) * alignmentMs;
  }
}

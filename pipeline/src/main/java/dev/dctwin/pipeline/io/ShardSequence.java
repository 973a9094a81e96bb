package dev.dctwin.pipeline.io;

import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The ordering rule of one shard of {@link KafkaTransactionalSink}: records carry consecutive
 * sequence numbers, and a record is written only when every record before it has been written.
 * Holds the next sequence number to write and the records that arrived ahead of their turn (a
 * runner may reorder elements of one key). Plain Java, so that the rule is tested without a runner;
 * the sink keeps {@link #next()} and {@link #held()} in Beam state between elements.
 */
final class ShardSequence<R> {
  /** What {@link #offer} did with a record. */
  enum Outcome {
    /** Its sequence number was written before: skipped. */
    DUPLICATE,
    /** It is ahead of its turn: kept until the records before it arrived. */
    HELD,
    /** It was written, and after it every held record that became next. */
    WRITTEN
  }

  private long next;
  private final TreeMap<Long, R> held;
  private boolean heldChanged;

  ShardSequence(long next, Map<Long, R> held) {
    this.next = next;
    this.held = new TreeMap<>(held);
  }

  /** The next sequence number not yet written. */
  long next() {
    return next;
  }

  /** Records ahead of their turn, by sequence number. */
  Map<Long, R> held() {
    return held;
  }

  /** Whether {@link #held()} changed since construction. */
  boolean heldChanged() {
    return heldChanged;
  }

  /**
   * Records that everything before {@code floor} has been written elsewhere (a commit that the
   * stored state does not know of yet): moves {@link #next()} up to it, forgets held records below
   * it and writes the held records that became next.
   */
  void raiseTo(long floor, Consumer<R> write) {
    if (floor <= next) {
      return;
    }
    next = floor;
    if (!held.isEmpty()) {
      Map<Long, R> below = held.headMap(floor);
      if (!below.isEmpty()) {
        below.clear();
        heldChanged = true;
      }
      drain(write);
    }
  }

  /** Writes, holds or skips the record with sequence number {@code seq}. */
  Outcome offer(long seq, R record, Consumer<R> write) {
    if (seq < next) {
      return Outcome.DUPLICATE;
    }
    if (seq > next) {
      if (held.containsKey(seq)) {
        return Outcome.DUPLICATE;
      }
      held.put(seq, record);
      heldChanged = true;
      return Outcome.HELD;
    }
    write.accept(record);
    next++;
    drain(write);
    return Outcome.WRITTEN;
  }

  private void drain(Consumer<R> write) {
    while (!held.isEmpty() && held.firstKey() == next) {
      write.accept(held.pollFirstEntry().getValue());
      heldChanged = true;
      next++;
    }
  }
}

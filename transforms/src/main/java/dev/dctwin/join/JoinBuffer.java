package dev.dctwin.join;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The ordered time-series join of {@code transforms/ORDERED-JOIN.md} for one key, in arrival-order
 * mode: LEFT and RIGHT records arrive interleaved in any way, each side in non-decreasing {@code
 * t}.
 *
 * <p>Every record is joined with {@code prev} and {@code next} of the other side; each pair is
 * handed to the {@link PairSink} exactly once, at the moment it becomes certain:
 *
 * <ul>
 *   <li>{@code (x, next(x))} when the later of the two arrives: the first record of the other side
 *       with {@code t >= x.t} can never be displaced by a later arrival.
 *   <li>{@code (x, prev(x))} once the other side is closed at {@code x.t}: it delivered a record
 *       with {@code t > x.t}, or the watermark passed {@code x.t}. Before that, another record at
 *       {@code x.t} could still arrive and become the last one, hence the new {@code prev}.
 * </ul>
 *
 * <p>A pair reachable by several rules is emitted by the first of them to become certain; the later
 * ones recognise it from the arrival times kept per record and stay silent.
 *
 * <p>Watermark semantics follow Beam: after {@code advanceWatermark(w)} no record with {@code t <
 * w} is accepted, and every {@code t < w} counts as passed.
 *
 * <p>Only records that can still take part in a future pair are kept; the rest are dropped at once.
 * Timestamps {@link Long#MIN_VALUE} and {@link Long#MAX_VALUE} are reserved. Not thread-safe.
 *
 * @param <V> the record value
 */
public final class JoinBuffer<V> {

  /** The time of a record that does not exist, as used in {@link State}. */
  public static final long NO_TIME = Long.MIN_VALUE;

  /** What became of an offered record. */
  public enum Status {
    /** Buffered; every pair it made certain has been emitted. */
    ACCEPTED,
    /** Earlier than the last accepted record of its side; rejected, not buffered. */
    OUT_OF_ORDER,
    /** Behind the watermark; rejected, not buffered. */
    LATE
  }

  /** Receives the pairs of the join, LEFT first. */
  @FunctionalInterface
  public interface PairSink<V> {
    void pair(Entry<V> left, Entry<V> right);
  }

  /**
   * An accepted record.
   *
   * @param seq the 0-based position of the record among the accepted records of its side
   */
  public record Entry<V>(long t, V value, long seq) {}

  /**
   * Plain-data checkpoint of a {@link JoinBuffer}, taken between two calls.
   *
   * <p>Per side: the buffered entries in arrival order, the {@code t} of the record accepted just
   * before the first buffered one ({@link #NO_TIME} if none), the {@code t} of the last accepted
   * record ({@link #NO_TIME} if none), and the {@code seq} the next accepted record will get. Then
   * the watermark ({@link #NO_TIME} if none was set; {@link Long#MAX_VALUE} once finished).
   */
  public record State<V>(
      List<Entry<V>> left,
      long leftPredecessorT,
      long leftLastT,
      long leftNextSeq,
      List<Entry<V>> right,
      long rightPredecessorT,
      long rightLastT,
      long rightNextSeq,
      long watermark) {
    public State {
      left = List.copyOf(left);
      right = List.copyOf(right);
    }
  }

  private final boolean hasDelta;
  private final long delta;
  private final Side<V> left = new Side<>(true);
  private final Side<V> right = new Side<>(false);
  private long watermark = NO_TIME;

  /**
   * @param delta the largest {@code |l.t - r.t|} of an emitted pair; {@code null} for no tolerance,
   *     {@code 0} for equal timestamps only
   */
  public JoinBuffer(Long delta) {
    if (delta != null && delta < 0) {
      throw new IllegalArgumentException("delta must not be negative: " + delta);
    }
    this.hasDelta = delta != null;
    this.delta = hasDelta ? delta : 0;
  }

  /**
   * Rebuilds a buffer from {@link #snapshot()}; {@code delta} must be the one it was built with.
   */
  public static <V> JoinBuffer<V> restore(Long delta, State<V> state) {
    JoinBuffer<V> buffer = new JoinBuffer<>(delta);
    buffer.watermark = state.watermark();
    buffer.left.load(
        state.left(),
        state.leftPredecessorT(),
        state.leftLastT(),
        state.leftNextSeq(),
        state.watermark());
    buffer.right.load(
        state.right(),
        state.rightPredecessorT(),
        state.rightLastT(),
        state.rightNextSeq(),
        state.watermark());
    return buffer;
  }

  /** The state to checkpoint; {@link #restore} continues from it as if nothing had happened. */
  public State<V> snapshot() {
    return new State<>(
        left.entries(),
        left.frontPredecessorTime(),
        left.lastT,
        left.nextSeq,
        right.entries(),
        right.frontPredecessorTime(),
        right.lastT,
        right.nextSeq,
        watermark);
  }

  /**
   * Offers the next LEFT record and emits the pairs it makes certain. A rejected record changes
   * nothing and consumes no {@code seq}.
   */
  public Status addLeft(long t, V value, PairSink<V> out) {
    return add(left, right, t, value, out);
  }

  /** Offers the next RIGHT record, like {@link #addLeft}. */
  public Status addRight(long t, V value, PairSink<V> out) {
    return add(right, left, t, value, out);
  }

  /**
   * Promises that no record with {@code t < watermark} will be offered any more (such records are
   * then {@link Status#LATE}) and emits the pairs this makes certain. A watermark that does not
   * advance is ignored.
   */
  public void advanceWatermark(long watermark, PairSink<V> out) {
    if (watermark <= this.watermark) {
      return;
    }
    this.watermark = watermark;
    // One side after the other: a pair certain by both closings must be emitted by the first only.
    close(left, right, watermark, out);
    close(right, left, watermark, out);
    prune(left, right);
    prune(right, left);
  }

  /**
   * End of input: emits every pair still pending and empties the buffer. Every record offered
   * afterwards is {@link Status#LATE}.
   */
  public void finish(PairSink<V> out) {
    advanceWatermark(Long.MAX_VALUE, out);
    left.clear();
    right.clear();
  }

  public int bufferedLeft() {
    return left.size;
  }

  public int bufferedRight() {
    return right.size;
  }

  private Status add(Side<V> own, Side<V> other, long t, V value, PairSink<V> out) {
    if (t == Long.MIN_VALUE || t == Long.MAX_VALUE) {
      throw new IllegalArgumentException("reserved timestamp: " + t);
    }
    if (t < own.lastT) {
      return Status.OUT_OF_ORDER;
    }
    if (t < watermark) {
      return Status.LATE;
    }
    long predecessorT = own.lastT;
    Entry<V> entry = new Entry<>(t, value, own.nextSeq++);
    int atOrAfter = other.lowerBound(0, t);
    if (t > own.floor) {
      emitPrevs(own, other, other.lowerBound(0, own.floor), atOrAfter, out);
      own.floor = t;
    }
    own.append(t, predecessorT, entry);
    own.lastT = t;

    // The new record is next(y) of every y of the other side with predecessorT < y.t <= t.
    int after = other.upperBound(atOrAfter, t);
    int waitingFrom = predecessorT < t ? other.upperBound(0, predecessorT) : after;
    for (int i = waitingFrom; i < after; i++) {
      emit(other, other.entry(i), entry, out);
    }

    boolean nextEmittedAbove = predecessorT < t && atOrAfter < after;
    if (atOrAfter < other.size && !nextEmittedAbove) {
      emit(own, entry, other.entry(atOrAfter), out);
    }

    if (other.floor > t && after > 0) {
      emitPrev(own, own.size - 1, other, after - 1, out);
    }

    prune(own, other);
    prune(other, own);
    return Status.ACCEPTED;
  }

  /**
   * {@code closing} will deliver no record with {@code t < limit} any more: emits the prev pairs
   * this makes certain.
   */
  private void close(Side<V> closing, Side<V> other, long limit, PairSink<V> out) {
    if (limit <= closing.floor) {
      return;
    }
    emitPrevs(closing, other, other.lowerBound(0, closing.floor), other.lowerBound(0, limit), out);
    closing.floor = limit;
  }

  /**
   * {@code closing} was just closed below the times of the records {@code [from, end)} of {@code
   * other}: their prev on {@code closing} is now certain. It is the latest record of {@code
   * closing}, since nothing delivered so far lies beyond its old floor.
   */
  private void emitPrevs(Side<V> closing, Side<V> other, int from, int end, PairSink<V> out) {
    if (closing.size == 0) {
      return;
    }
    int latest = closing.size - 1;
    for (int i = from; i < end; i++) {
      emitPrev(other, i, closing, latest, out);
    }
  }

  /**
   * Emits {@code (p, q)}, where {@code q = prev(p)} just became certain, unless already emitted.
   */
  private void emitPrev(Side<V> pSide, int p, Side<V> qSide, int q, PairSink<V> out) {
    long pt = pSide.time(p);
    long qt = qSide.time(q);
    // p = next(q): a next pair, emitted when its later record arrived.
    if (pSide.predecessorTime(p) < qt) {
      return;
    }
    if (qt == pt) {
      // q = next(p): q, last at pt by now, is also the first there.
      if (qSide.predecessorTime(q) < qt) {
        return;
      }
      // p = prev(q) too: emitted as such when p's side closed pt, if that has happened.
      boolean pEndsItsTime = p == pSide.size - 1 || pSide.time(p + 1) > pt;
      if (pSide.floor > pt && pEndsItsTime) {
        return;
      }
    }
    emit(pSide, pSide.entry(p), qSide.entry(q), out);
  }

  private void emit(Side<V> firstSide, Entry<V> first, Entry<V> second, PairSink<V> out) {
    if (hasDelta && !withinDelta(first.t(), second.t())) {
      return;
    }
    if (firstSide.isLeft) {
      out.pair(first, second);
    } else {
      out.pair(second, first);
    }
  }

  private boolean withinDelta(long a, long b) {
    // Unsigned: the distance of two longs always fits in 64 unsigned bits.
    return Long.compareUnsigned(a >= b ? a - b : b - a, delta) <= 0;
  }

  /**
   * Drops the records of {@code side} that no future pair can use. They form a prefix, and the
   * latest record always stays: it is prev of the other side's records still waiting for it.
   */
  private void prune(Side<V> side, Side<V> other) {
    int superseded = 0;
    while (superseded < side.size - 1 && isSuperseded(side, superseded, other)) {
      superseded++;
    }
    side.dropFirst(superseded);
  }

  private boolean isSuperseded(Side<V> side, int i, Side<V> other) {
    long t = side.time(i);
    if (t >= other.floor) {
      // Its own prev is pending, or the other side may still deliver a record at t.
      return false;
    }
    if (hasDelta && Long.compareUnsigned(other.floor - t, delta) > 0) {
      return true;
    }
    // Its next has arrived, and a later record of its side is prev of all the other side may
    // still deliver.
    return t <= other.lastT && side.time(i + 1) <= other.floor;
  }

  /** The records of one side, in arrival order, in a ring of primitive columns. */
  private static final class Side<V> {
    private static final int INITIAL_CAPACITY = 8;

    final boolean isLeft;
    private long[] times = new long[INITIAL_CAPACITY];
    private long[] predecessorTimes = new long[INITIAL_CAPACITY];
    private Object[] entries = new Object[INITIAL_CAPACITY];
    private int head;
    int size;
    long lastT = NO_TIME;

    /** Every record this side may still deliver has {@code t >= floor}. */
    long floor = NO_TIME;

    long nextSeq;

    Side(boolean isLeft) {
      this.isLeft = isLeft;
    }

    long time(int i) {
      return times[(head + i) & (times.length - 1)];
    }

    long predecessorTime(int i) {
      return predecessorTimes[(head + i) & (times.length - 1)];
    }

    @SuppressWarnings("unchecked")
    Entry<V> entry(int i) {
      return (Entry<V>) entries[(head + i) & (times.length - 1)];
    }

    /** The first index from {@code low} on whose time is {@code >= t}, or {@code size}. */
    int lowerBound(int low, long t) {
      int high = size;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (time(mid) < t) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }

    /** The first index from {@code low} on whose time is {@code > t}, or {@code size}. */
    int upperBound(int low, long t) {
      int high = size;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (time(mid) <= t) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }

    void append(long t, long predecessorT, Entry<V> entry) {
      if (size == times.length) {
        grow();
      }
      int slot = (head + size) & (times.length - 1);
      times[slot] = t;
      predecessorTimes[slot] = predecessorT;
      entries[slot] = entry;
      size++;
    }

    private void grow() {
      int capacity = times.length * 2;
      long[] newTimes = new long[capacity];
      long[] newPredecessorTimes = new long[capacity];
      Object[] newEntries = new Object[capacity];
      for (int i = 0; i < size; i++) {
        int slot = (head + i) & (times.length - 1);
        newTimes[i] = times[slot];
        newPredecessorTimes[i] = predecessorTimes[slot];
        newEntries[i] = entries[slot];
      }
      times = newTimes;
      predecessorTimes = newPredecessorTimes;
      entries = newEntries;
      head = 0;
    }

    void dropFirst(int count) {
      for (int i = 0; i < count; i++) {
        entries[(head + i) & (times.length - 1)] = null;
      }
      head = (head + count) & (times.length - 1);
      size -= count;
    }

    void clear() {
      Arrays.fill(entries, null);
      head = 0;
      size = 0;
    }

    List<Entry<V>> entries() {
      List<Entry<V>> copy = new ArrayList<>(size);
      for (int i = 0; i < size; i++) {
        copy.add(entry(i));
      }
      return copy;
    }

    long frontPredecessorTime() {
      return size == 0 ? NO_TIME : predecessorTime(0);
    }

    void load(
        List<Entry<V>> buffered, long predecessorT, long lastT, long nextSeq, long watermark) {
      long previous = predecessorT;
      for (Entry<V> entry : buffered) {
        if (entry.t() < previous) {
          throw new IllegalArgumentException("entries out of order: " + buffered);
        }
        append(entry.t(), previous, entry);
        previous = entry.t();
      }
      if (previous > lastT) {
        throw new IllegalArgumentException("last t " + lastT + " before buffered " + previous);
      }
      this.lastT = lastT;
      this.floor = Math.max(lastT, watermark);
      this.nextSeq = nextSeq;
    }
  }
}

package dev.dctwin.join;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.JoinBuffer.State;
import dev.dctwin.join.JoinBuffer.Status;
import dev.dctwin.join.JoinOracle.Pair;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;
import java.util.stream.LongStream;
import org.junit.Test;
import org.junit.experimental.runners.Enclosed;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameter;
import org.junit.runners.Parameterized.Parameters;

/**
 * {@link JoinBuffer} against {@link JoinOracle}, on random series and on the contract's examples.
 */
@RunWith(Enclosed.class)
public class JoinBufferPropertyTest {

  /**
   * One random case per seed: two series with ties inside and across them, gaps and bursts, a
   * tolerance or none. Each is played in several interleavings, some with watermarks, checkpoint
   * restores and rejected records thrown in; every one must emit the oracle's set, each pair once,
   * and each at the moment the contract says it becomes certain.
   */
  @RunWith(Parameterized.class)
  public static class RandomCases {
    private static final int CASES = 1200;
    private static final int RANDOM_INTERLEAVINGS = 4;

    @Parameters(name = "seed {0}")
    public static List<Object[]> seeds() {
      List<Object[]> seeds = new ArrayList<>();
      for (long seed = 1; seed <= CASES; seed++) {
        seeds.add(new Object[] {seed});
      }
      return seeds;
    }

    @Parameter public long seed;

    @Test
    public void everyInterleavingEmitsTheJoinSetOnceAndWhenCertain() {
      Random random = new Random(seed);
      long[] left = randomSeries(random);
      long[] right = random.nextInt(4) == 0 ? sameGrid(random, left) : randomSeries(random);
      Long delta = randomDelta(random);
      Set<Pair> expected = JoinOracle.join(left, right, delta);

      List<List<Side>> orders = new ArrayList<>();
      orders.add(concat(repeat(Side.LEFT, left.length), repeat(Side.RIGHT, right.length)));
      orders.add(concat(repeat(Side.RIGHT, right.length), repeat(Side.LEFT, left.length)));
      orders.add(mergedByTime(random, left, right));
      for (int i = 0; i < RANDOM_INTERLEAVINGS; i++) {
        orders.add(randomInterleaving(random, left.length, right.length));
      }

      Set<Pair> firstOrderPairs = null;
      for (int i = 0; i < orders.size(); i++) {
        boolean disturbed = i >= 3;
        Recorder recorder = new Recorder(left, right, delta);
        for (Side side : orders.get(i)) {
          if (disturbed) {
            disturb(random, recorder);
          }
          recorder.add(side);
        }
        if (disturbed) {
          disturb(random, recorder);
        }
        recorder.finish();
        String description =
            "left "
                + Arrays.toString(left)
                + " right "
                + Arrays.toString(right)
                + " delta "
                + delta
                + " order "
                + orders.get(i);
        recorder.assertEmitted(expected, description);
        Set<Pair> pairs = new HashSet<>(recorder.pairs());
        if (firstOrderPairs == null) {
          firstOrderPairs = pairs;
        }
        assertThat("same as the first order: " + description, pairs, equalTo(firstOrderPairs));
      }
    }

    private static void disturb(Random random, Recorder recorder) {
      switch (random.nextInt(8)) {
        case 0, 1 -> recorder.advanceWatermarkRandomly(random);
        case 2 -> recorder.snapshotAndRestore();
        case 3 -> recorder.offerOutOfOrder(random);
        case 4 -> recorder.offerLate(random);
        default -> {}
      }
    }
  }

  /** The contract's examples and the guarantees that the random cases do not pin down. */
  public static class Examples {

    @Test
    public void strictlyAlternatingHundredRecordsGiveNinetyNinePairs() {
      Recorder recorder = new Recorder(evenTimes(50), oddTimes(50), null);
      for (int i = 0; i < 50; i++) {
        recorder.add(Side.LEFT);
        recorder.add(Side.RIGHT);
      }
      recorder.finish();

      List<Pair> pairs = recorder.pairs();
      assertThat(pairs, hasSize(99));
      for (Pair pair : pairs) {
        long distance = Math.abs(recorder.left[pair.left()] - recorder.right[pair.right()]);
        assertThat(pair + " joins neighbours", distance, is(1L));
      }
    }

    @Test
    public void contractExampleGivesTwentyPairs() {
      // Times scaled by 10: LEFT at 0..9, RIGHT at -0.5, 0.5, 5.5, 9.5.
      long[] left = LongStream.range(0, 10).map(t -> t * 10).toArray();
      long[] right = {-5, 5, 55, 95};
      Recorder recorder = new Recorder(left, right, null);
      for (Side side : randomInterleaving(new Random(7), left.length, right.length)) {
        recorder.add(side);
      }
      recorder.finish();

      assertThat(recorder.pairs(), hasSize(20));
      assertThat(recorder.pairs(), hasItem(new Pair(6, 2)));
      recorder.assertEmitted(JoinOracle.join(left, right, null), "contract example");
    }

    @Test
    public void recordsWithTheSameTimeArePairedOnce() {
      for (List<Side> order :
          List.of(List.of(Side.LEFT, Side.RIGHT), List.of(Side.RIGHT, Side.LEFT))) {
        Recorder recorder = new Recorder(new long[] {5}, new long[] {5}, null);
        order.forEach(recorder::add);
        assertThat("before finish", recorder.pairs(), contains(new Pair(0, 0)));
        recorder.finish();
        assertThat("after finish", recorder.pairs(), contains(new Pair(0, 0)));
      }
    }

    @Test
    public void toleranceZeroKeepsOnlyEqualTimesUnlikeNoTolerance() {
      long[] left = {0, 10};
      long[] right = {10};
      assertThat(joinInTimeOrder(left, right, null), containsInAnyOrder(pair(0, 0), pair(1, 0)));
      assertThat(joinInTimeOrder(left, right, 0L), contains(pair(1, 0)));
    }

    @Test
    public void nextPairIsEmittedWhenItsSecondRecordArrives() {
      List<Pair> pairs = new ArrayList<>();
      JoinBuffer<String> buffer = new JoinBuffer<>(null);
      buffer.addLeft(10, "l0", collect(pairs));
      assertThat(pairs, is(empty()));

      buffer.addRight(20, "r0", collect(pairs));

      assertThat(pairs, contains(pair(0, 0)));
    }

    @Test
    public void prevPairWaitsUntilTheWatermarkPassesItsTime() {
      // prev_R(l at 10) is r at 5, but another RIGHT record at 10 could still arrive.
      List<Pair> pairs = new ArrayList<>();
      JoinBuffer<String> buffer = new JoinBuffer<>(null);
      buffer.addRight(5, "r0", collect(pairs));
      buffer.addLeft(7, "l0", collect(pairs));
      buffer.addLeft(10, "l1", collect(pairs));
      assertThat(pairs, contains(pair(0, 0)));

      buffer.advanceWatermark(10, collect(pairs));
      assertThat("watermark at 10 has not passed 10", pairs, hasSize(1));

      buffer.advanceWatermark(11, collect(pairs));
      assertThat(pairs, contains(pair(0, 0), pair(1, 0)));
    }

    @Test
    public void outOfOrderRecordIsRejectedAndNotBuffered() {
      List<Pair> pairs = new ArrayList<>();
      JoinBuffer<String> buffer = new JoinBuffer<>(null);
      assertThat(buffer.addLeft(10, "l0", collect(pairs)), is(Status.ACCEPTED));
      assertThat(buffer.addRight(3, "r0", collect(pairs)), is(Status.ACCEPTED));

      assertThat(buffer.addLeft(5, "early", collect(pairs)), is(Status.OUT_OF_ORDER));

      assertThat(buffer.bufferedLeft(), is(1));
      buffer.finish(collect(pairs));
      assertThat(pairs, contains(pair(0, 0)));
    }

    @Test
    public void recordBehindTheWatermarkIsLate() {
      List<Pair> pairs = new ArrayList<>();
      JoinBuffer<String> buffer = new JoinBuffer<>(null);
      buffer.advanceWatermark(20, collect(pairs));

      assertThat(buffer.addRight(19, "r", collect(pairs)), is(Status.LATE));
      assertThat(buffer.addRight(20, "r", collect(pairs)), is(Status.ACCEPTED));
      assertThat(buffer.bufferedRight(), is(1));
    }

    @Test
    public void memoryStaysBoundedOnLongStreams() {
      int records = 100_000;
      assertThat(maxBuffered(records, i -> i % 2 == 0, i -> i), lessThanOrEqualTo(2));
      assertThat(maxBuffered(records, i -> (i / 5) % 2 == 0, i -> i), lessThanOrEqualTo(6));
      // Both series on one time grid, each side ahead by turns.
      assertThat(
          maxBuffered(records, i -> (i / 5) % 2 == 0, i -> i / 10 * 5 + i % 5),
          lessThanOrEqualTo(6));
    }

    @Test
    public void toleranceAndWatermarkReleaseRecordsWhoseOtherSideIsSilent() {
      JoinBuffer<String> buffer = new JoinBuffer<>(5L);
      List<Pair> pairs = new ArrayList<>();
      buffer.addRight(0, "r0", collect(pairs));
      for (long t = 1; t <= 10_000; t++) {
        buffer.addLeft(t, "l", collect(pairs));
        buffer.advanceWatermark(t, collect(pairs));
        assertThat(buffer.bufferedLeft(), lessThanOrEqualTo(6));
      }
    }

    @Test
    public void restoreFromSnapshotAtAnyPointGivesTheSameResult() {
      Random random = new Random(42);
      long[] left = {0, 0, 3, 3, 3, 7, 8, 8, 12, 20, 20, 21};
      long[] right = {-1, 0, 0, 3, 5, 8, 8, 8, 15, 20, 30};
      List<Side> order = randomInterleaving(random, left.length, right.length);
      Recorder plain = new Recorder(left, right, null);
      order.forEach(plain::add);
      plain.finish();

      for (int restoreAt = 0; restoreAt <= order.size(); restoreAt++) {
        Recorder restored = new Recorder(left, right, null);
        for (int i = 0; i < order.size(); i++) {
          if (i == restoreAt) {
            restored.snapshotAndRestore();
          }
          restored.add(order.get(i));
        }
        if (restoreAt == order.size()) {
          restored.snapshotAndRestore();
        }
        restored.finish();
        assertThat("restored at " + restoreAt, restored.emitted, equalTo(plain.emitted));
      }
    }

    private static List<Pair> joinInTimeOrder(long[] left, long[] right, Long delta) {
      Recorder recorder = new Recorder(left, right, delta);
      mergedByTime(new Random(1), left, right).forEach(recorder::add);
      recorder.finish();
      return recorder.pairs();
    }

    private static int maxBuffered(int records, IntPredicate isLeft, IntUnaryOperator time) {
      JoinBuffer<Integer> buffer = new JoinBuffer<>(null);
      JoinBuffer.PairSink<Integer> ignore = (l, r) -> {};
      int max = 0;
      for (int i = 0; i < records; i++) {
        if (isLeft.test(i)) {
          buffer.addLeft(time.applyAsInt(i), i, ignore);
        } else {
          buffer.addRight(time.applyAsInt(i), i, ignore);
        }
        max = Math.max(max, Math.max(buffer.bufferedLeft(), buffer.bufferedRight()));
      }
      return max;
    }

    private static long[] evenTimes(int count) {
      return LongStream.range(0, count).map(i -> 2 * i).toArray();
    }

    private static long[] oddTimes(int count) {
      return LongStream.range(0, count).map(i -> 2 * i + 1).toArray();
    }

    private static Pair pair(int left, int right) {
      return new Pair(left, right);
    }

    private static JoinBuffer.PairSink<String> collect(List<Pair> pairs) {
      return (l, r) -> pairs.add(new Pair((int) l.seq(), (int) r.seq()));
    }
  }

  enum Side {
    LEFT,
    RIGHT
  }

  /** A pair and the index of the event (add, watermark or finish) during which it was emitted. */
  record Emission(Pair pair, int event) {}

  /**
   * Plays two series into a {@link JoinBuffer}, checks every emitted entry, and records when each
   * pair was emitted and when each side's times closed, to compare against the contract.
   */
  static final class Recorder {
    final long[] left;
    final long[] right;
    final Long delta;
    final List<Emission> emitted = new ArrayList<>();
    private JoinBuffer<String> buffer;
    private final int[] leftArrival;
    private final int[] rightArrival;

    /** Per event: every LEFT (RIGHT) record still to come has t >= this. */
    private final List<Long> leftFloors = new ArrayList<>();

    private final List<Long> rightFloors = new ArrayList<>();
    private int nextLeft;
    private int nextRight;
    private long watermark = JoinBuffer.NO_TIME;

    Recorder(long[] left, long[] right, Long delta) {
      this.left = left;
      this.right = right;
      this.delta = delta;
      this.buffer = new JoinBuffer<>(delta);
      this.leftArrival = new int[left.length];
      this.rightArrival = new int[right.length];
    }

    void add(Side side) {
      int event = leftFloors.size();
      Status status;
      if (side == Side.LEFT) {
        leftArrival[nextLeft] = event;
        status = buffer.addLeft(left[nextLeft], "l" + nextLeft, sink(event));
        nextLeft++;
      } else {
        rightArrival[nextRight] = event;
        status = buffer.addRight(right[nextRight], "r" + nextRight, sink(event));
        nextRight++;
      }
      assertThat(side + " record accepted", status, is(Status.ACCEPTED));
      endEvent(floor(left, nextLeft), floor(right, nextRight));
    }

    /** Advances the watermark to a random time that no record still to come is behind. */
    void advanceWatermarkRandomly(Random random) {
      long limit = Long.MAX_VALUE - 1;
      if (nextLeft < left.length) {
        limit = Math.min(limit, left[nextLeft]);
      }
      if (nextRight < right.length) {
        limit = Math.min(limit, right[nextRight]);
      }
      long low = watermark == JoinBuffer.NO_TIME ? -40 : watermark;
      long high = Math.min(limit, low + 40);
      if (high <= low) {
        return;
      }
      watermark = low + 1 + random.nextInt((int) (high - low));
      buffer.advanceWatermark(watermark, sink(leftFloors.size()));
      endEvent(floor(left, nextLeft), floor(right, nextRight));
    }

    void finish() {
      buffer.finish(sink(leftFloors.size()));
      endEvent(Long.MAX_VALUE, Long.MAX_VALUE);
      assertThat(buffer.bufferedLeft() + buffer.bufferedRight(), is(0));
    }

    void snapshotAndRestore() {
      State<String> state = buffer.snapshot();
      buffer =
          JoinBuffer.restore(
              delta,
              new State<>(
                  new ArrayList<>(state.left()),
                  state.leftPredecessorT(),
                  state.leftLastT(),
                  state.leftNextSeq(),
                  new ArrayList<>(state.right()),
                  state.rightPredecessorT(),
                  state.rightLastT(),
                  state.rightNextSeq(),
                  state.watermark()));
      assertThat(buffer.snapshot(), equalTo(state));
    }

    void offerOutOfOrder(Random random) {
      if (nextLeft > 0) {
        long early = left[nextLeft - 1] - 1 - random.nextInt(3);
        assertThat(buffer.addLeft(early, "bad", rejected()), is(Status.OUT_OF_ORDER));
      }
    }

    void offerLate(Random random) {
      if (watermark == JoinBuffer.NO_TIME) {
        return;
      }
      long lastRight = nextRight > 0 ? right[nextRight - 1] : watermark - 10;
      if (watermark > lastRight) {
        long late = watermark - 1 - random.nextInt((int) (watermark - lastRight));
        assertThat(buffer.addRight(late, "bad", rejected()), is(Status.LATE));
      }
    }

    List<Pair> pairs() {
      return emitted.stream().map(Emission::pair).toList();
    }

    void assertEmitted(Set<Pair> expected, String description) {
      List<Pair> pairs = pairs();
      assertThat("duplicates in " + description, new HashSet<>(pairs), hasSize(pairs.size()));
      assertThat(description, new HashSet<>(pairs), equalTo(expected));
      Map<Pair, Integer> emittedAt = new HashMap<>();
      emitted.forEach(emission -> emittedAt.put(emission.pair(), emission.event()));
      for (Pair pair : expected) {
        assertThat(
            "event emitting " + pair + " in " + description,
            emittedAt.get(pair),
            is(certainAt(pair)));
      }
    }

    /** The first event after which the contract (guarantee 4) calls the pair certain. */
    private int certainAt(Pair pair) {
      long lt = left[pair.left()];
      long rt = right[pair.right()];
      int bothArrived = Math.max(leftArrival[pair.left()], rightArrival[pair.right()]);
      int certain = Integer.MAX_VALUE;
      if (JoinOracle.next(right, lt) == pair.right() || JoinOracle.next(left, rt) == pair.left()) {
        certain = bothArrived;
      }
      if (JoinOracle.prev(right, lt) == pair.right()) {
        certain = Math.min(certain, Math.max(bothArrived, firstEventPassing(rightFloors, lt)));
      }
      if (JoinOracle.prev(left, rt) == pair.left()) {
        certain = Math.min(certain, Math.max(bothArrived, firstEventPassing(leftFloors, rt)));
      }
      return certain;
    }

    private static int firstEventPassing(List<Long> floors, long t) {
      for (int event = 0; event < floors.size(); event++) {
        if (floors.get(event) > t) {
          return event;
        }
      }
      throw new AssertionError("never passed " + t);
    }

    private long floor(long[] series, int delivered) {
      return delivered == 0 ? watermark : Math.max(watermark, series[delivered - 1]);
    }

    private void endEvent(long leftFloor, long rightFloor) {
      leftFloors.add(leftFloor);
      rightFloors.add(rightFloor);
    }

    private JoinBuffer.PairSink<String> rejected() {
      return (l, r) -> {
        throw new AssertionError("a rejected record emitted " + l + ", " + r);
      };
    }

    private JoinBuffer.PairSink<String> sink(int event) {
      return (l, r) -> {
        checkEntry(l, left, "l");
        checkEntry(r, right, "r");
        emitted.add(new Emission(new Pair((int) l.seq(), (int) r.seq()), event));
      };
    }

    private static void checkEntry(Entry<String> entry, long[] series, String prefix) {
      assertThat(entry.value(), equalTo(prefix + entry.seq()));
      assertThat(entry.t(), is(series[(int) entry.seq()]));
    }
  }

  static long[] randomSeries(Random random) {
    int lengthKind = random.nextInt(20);
    int length =
        lengthKind == 0
            ? random.nextInt(2)
            : lengthKind == 1 ? random.nextInt(150) : random.nextInt(24);
    long[] times = new long[length];
    switch (random.nextInt(3)) {
      case 0 -> {
        // Few distinct times: ties inside the series and across the two.
        for (int i = 0; i < length; i++) {
          times[i] = random.nextInt(8);
        }
        Arrays.sort(times);
      }
      case 1 -> {
        // Bursts of equal times separated by gaps.
        long t = random.nextInt(20) - 10;
        for (int i = 0; i < length; i++) {
          if (random.nextInt(4) == 0) {
            t += 1 + random.nextInt(25);
          }
          times[i] = t;
        }
      }
      default -> {
        long t = random.nextInt(10) - 5;
        for (int i = 0; i < length; i++) {
          int step = random.nextInt(10);
          t += step < 3 ? 0 : step < 8 ? 1 + random.nextInt(3) : 5 + random.nextInt(30);
          times[i] = t;
        }
      }
    }
    return times;
  }

  /** A series sampled on the same times as {@code other}, with some of them missing or doubled. */
  static long[] sameGrid(Random random, long[] other) {
    List<Long> times = new ArrayList<>();
    for (long t : other) {
      int choice = random.nextInt(6);
      if (choice > 0) {
        times.add(t);
      }
      if (choice == 5) {
        times.add(t);
      }
    }
    return times.stream().mapToLong(Long::longValue).toArray();
  }

  static Long randomDelta(Random random) {
    int choice = random.nextInt(6);
    return choice < 3 ? null : choice == 3 ? 0L : (long) random.nextInt(12);
  }

  static List<Side> mergedByTime(Random random, long[] left, long[] right) {
    List<Side> order = new ArrayList<>();
    int l = 0;
    int r = 0;
    while (l < left.length || r < right.length) {
      boolean takeLeft;
      if (l == left.length) {
        takeLeft = false;
      } else if (r == right.length) {
        takeLeft = true;
      } else if (left[l] != right[r]) {
        takeLeft = left[l] < right[r];
      } else {
        takeLeft = random.nextBoolean();
      }
      if (takeLeft) {
        order.add(Side.LEFT);
        l++;
      } else {
        order.add(Side.RIGHT);
        r++;
      }
    }
    return order;
  }

  static List<Side> randomInterleaving(Random random, int leftCount, int rightCount) {
    // Sticky interleavings give long bursts of one side, loose ones a fine-grained mix.
    double stickiness = random.nextDouble();
    List<Side> order = new ArrayList<>();
    int l = 0;
    int r = 0;
    Side previous = Side.LEFT;
    while (l < leftCount || r < rightCount) {
      Side side;
      if (l == leftCount) {
        side = Side.RIGHT;
      } else if (r == rightCount) {
        side = Side.LEFT;
      } else if (random.nextDouble() < stickiness) {
        side = previous;
      } else {
        side = random.nextInt(leftCount + rightCount) < leftCount ? Side.LEFT : Side.RIGHT;
      }
      if (side == Side.LEFT) {
        l++;
      } else {
        r++;
      }
      order.add(side);
      previous = side;
    }
    return order;
  }

  static List<Side> repeat(Side side, int count) {
    return new ArrayList<>(Collections.nCopies(count, side));
  }

  static List<Side> concat(List<Side> first, List<Side> second) {
    List<Side> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }
}

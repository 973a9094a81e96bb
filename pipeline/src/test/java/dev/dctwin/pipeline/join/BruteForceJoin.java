package dev.dctwin.pipeline.join;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The join set of {@code transforms/ORDERED-JOIN.md} for one key, straight from its definitions, on
 * series sorted by time (records with equal times keep their given order): every {@code (l, r)}
 * with {@code r = prev_R(l)}, {@code r = next_R(l)}, {@code l = prev_L(r)} or {@code l =
 * next_L(r)}, within {@code delta} if given.
 */
final class BruteForceJoin {
  private BruteForceJoin() {}

  /** A record of a series: its time and anything else. */
  record Point<T>(long t, T value) {}

  /** A pair of the join, by position in the time-sorted series. */
  record Pair(int left, int right) {}

  static <T> List<Point<T>> sortedByTime(List<Point<T>> series) {
    List<Point<T>> sorted = new ArrayList<>(series);
    sorted.sort(Comparator.comparingLong(Point::t));
    return sorted;
  }

  /** {@code left} and {@code right} must be sorted by time. */
  static Set<Pair> join(List<? extends Point<?>> left, List<? extends Point<?>> right, Long delta) {
    Set<Pair> pairs = new LinkedHashSet<>();
    for (int l = 0; l < left.size(); l++) {
      add(pairs, l, prev(right, left.get(l).t()), left, right, delta);
      add(pairs, l, next(right, left.get(l).t()), left, right, delta);
    }
    for (int r = 0; r < right.size(); r++) {
      add(pairs, prev(left, right.get(r).t()), r, left, right, delta);
      add(pairs, next(left, right.get(r).t()), r, left, right, delta);
    }
    return pairs;
  }

  /** The last record with {@code t <= y}, or -1. */
  private static int prev(List<? extends Point<?>> series, long y) {
    int found = -1;
    for (int i = 0; i < series.size(); i++) {
      if (series.get(i).t() <= y) {
        found = i;
      }
    }
    return found;
  }

  /** The first record with {@code t >= y}, or -1. */
  private static int next(List<? extends Point<?>> series, long y) {
    for (int i = 0; i < series.size(); i++) {
      if (series.get(i).t() >= y) {
        return i;
      }
    }
    return -1;
  }

  private static void add(
      Set<Pair> pairs,
      int l,
      int r,
      List<? extends Point<?>> left,
      List<? extends Point<?>> right,
      Long delta) {
    if (l >= 0
        && r >= 0
        && (delta == null || Math.abs(left.get(l).t() - right.get(r).t()) <= delta)) {
      pairs.add(new Pair(l, r));
    }
  }
}

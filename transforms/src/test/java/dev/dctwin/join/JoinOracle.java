package dev.dctwin.join;

import java.util.HashSet;
import java.util.Set;

/**
 * The join set of {@code transforms/ORDERED-JOIN.md}, computed by brute force straight from its
 * definitions. A record is its side plus its index in that side's arrival order.
 */
final class JoinOracle {

  /** A pair of the join: the arrival index of its LEFT and of its RIGHT record. */
  record Pair(int left, int right) {}

  private JoinOracle() {}

  /**
   * @param left the LEFT times in arrival order
   * @param right the RIGHT times in arrival order
   * @param delta the tolerance, or {@code null} for none
   */
  static Set<Pair> join(long[] left, long[] right, Long delta) {
    Set<Pair> candidates = new HashSet<>();
    for (int l = 0; l < left.length; l++) {
      addIfPresent(candidates, l, prev(right, left[l]));
      addIfPresent(candidates, l, next(right, left[l]));
    }
    for (int r = 0; r < right.length; r++) {
      addIfPresent(candidates, prev(left, right[r]), r);
      addIfPresent(candidates, next(left, right[r]), r);
    }
    Set<Pair> pairs = new HashSet<>();
    for (Pair pair : candidates) {
      if (delta == null || Math.abs(left[pair.left()] - right[pair.right()]) <= delta) {
        pairs.add(pair);
      }
    }
    return pairs;
  }

  /** The record with the greatest {@code t <= y}; among equal t the last arrived; -1 if none. */
  static int prev(long[] series, long y) {
    int best = -1;
    for (int i = 0; i < series.length; i++) {
      if (series[i] <= y && (best < 0 || series[i] >= series[best])) {
        best = i;
      }
    }
    return best;
  }

  /** The record with the smallest {@code t >= y}; among equal t the first arrived; -1 if none. */
  static int next(long[] series, long y) {
    int best = -1;
    for (int i = 0; i < series.length; i++) {
      if (series[i] >= y && (best < 0 || series[i] < series[best])) {
        best = i;
      }
    }
    return best;
  }

  private static void addIfPresent(Set<Pair> pairs, int left, int right) {
    if (left >= 0 && right >= 0) {
      pairs.add(new Pair(left, right));
    }
  }
}

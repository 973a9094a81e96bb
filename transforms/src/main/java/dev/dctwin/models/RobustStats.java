package dev.dctwin.models;

import java.util.Arrays;

/**
 * Median and median absolute deviation of a sample: the baseline and spread that a few outliers
 * cannot move, unlike mean and standard deviation.
 */
record RobustStats(double median, double mad, int samples) {

  /** The factor that makes the MAD estimate the standard deviation of normal data. */
  private static final double MAD_TO_SIGMA = 1.4826;

  static RobustStats of(double[] values) {
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    double median = median(sorted);
    return new RobustStats(median, median(sortedDeviations(sorted, median)), sorted.length);
  }

  /**
   * The absolute deviations of {@code sorted} from {@code median}, in ascending order. Each side of
   * the median is already in order, so merging them outwards from the median replaces a second sort
   * (every report computes several of these over a window of up to 90 samples).
   */
  static double[] sortedDeviations(double[] sorted, double median) {
    double[] deviations = new double[sorted.length];
    if (!Double.isFinite(median)) {
      for (int i = 0; i < sorted.length; i++) {
        deviations[i] = Math.abs(sorted[i] - median);
      }
      Arrays.sort(deviations);
      return deviations;
    }
    int right = 0;
    while (right < sorted.length && sorted[right] < median) {
      right++;
    }
    int left = right - 1;
    for (int k = 0; k < deviations.length; k++) {
      double below = left >= 0 ? median - sorted[left] : Double.POSITIVE_INFINITY;
      double above = right < sorted.length ? sorted[right] - median : Double.POSITIVE_INFINITY;
      if (left >= 0 && (right >= sorted.length || below <= above)) {
        deviations[k] = below;
        left--;
      } else {
        deviations[k] = above;
        right++;
      }
    }
    return deviations;
  }

  /** The MAD scaled to estimate a standard deviation. */
  double sigma() {
    return MAD_TO_SIGMA * mad;
  }

  private static double median(double[] sorted) {
    int middle = sorted.length / 2;
    return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }
}

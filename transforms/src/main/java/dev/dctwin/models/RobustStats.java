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
    double[] deviations = new double[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      deviations[i] = Math.abs(sorted[i] - median);
    }
    Arrays.sort(deviations);
    return new RobustStats(median, median(deviations), sorted.length);
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

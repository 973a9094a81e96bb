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
    return ofSorted(sorted, sorted.length);
  }

  /**
   * The stats of the first {@code count} values of {@code sorted}, which are in ascending order.
   */
  static RobustStats ofSorted(double[] sorted, int count) {
    double median = median(sorted, count);
    return new RobustStats(median, medianDeviation(sorted, count, median), count);
  }

  /** The median of the first {@code count} values of {@code sorted}. */
  static double median(double[] sorted, int count) {
    int middle = count / 2;
    return count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  }

  /**
   * The median of the absolute deviations of the first {@code count} values of {@code sorted} from
   * {@code median}: the merge of {@link #sortedDeviations} up to its middle, which is all a median
   * reads of it.
   */
  private static double medianDeviation(double[] sorted, int count, double median) {
    if (!Double.isFinite(median)) {
      return median(sortedDeviations(Arrays.copyOf(sorted, count), median));
    }
    int right = 0;
    while (right < count && sorted[right] < median) {
      right++;
    }
    int left = right - 1;
    int middle = count / 2;
    double previous = Double.NaN;
    double deviation = Double.NaN;
    for (int k = 0; k <= middle; k++) {
      previous = deviation;
      double below = left >= 0 ? median - sorted[left] : Double.POSITIVE_INFINITY;
      double above = right < count ? sorted[right] - median : Double.POSITIVE_INFINITY;
      if (left >= 0 && (right >= count || below <= above)) {
        deviation = below;
        left--;
      } else {
        deviation = above;
        right++;
      }
    }
    return count % 2 == 1 ? deviation : (previous + deviation) / 2;
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
    return median(sorted, sorted.length);
  }
}

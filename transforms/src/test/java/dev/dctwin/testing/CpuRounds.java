package dev.dctwin.testing;

import java.util.Arrays;
import java.util.Locale;

/** The summary the CPU-time benchmarks print of their rounds (CPU µs per operation each). */
public final class CpuRounds {
  private CpuRounds() {}

  /** Median and range of {@code rounds}. */
  public static String summary(double[] rounds) {
    double[] sorted = rounds.clone();
    Arrays.sort(sorted);
    int middle = sorted.length / 2;
    double median =
        sorted.length % 2 == 0 ? (sorted[middle - 1] + sorted[middle]) / 2 : sorted[middle];
    return String.format(
        Locale.ROOT, "median %.2f µs (%.2f to %.2f)", median, sorted[0], sorted[sorted.length - 1]);
  }
}

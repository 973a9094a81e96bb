package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.Arrays;
import java.util.Random;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class RobustStatsTest {
  @Test
  public void medianAndMadOfASmallSample() {
    RobustStats stats = RobustStats.of(new double[] {1, 1, 2, 2, 4, 6, 9});

    assertThat(stats.median(), equalTo(2.0));
    assertThat(stats.mad(), equalTo(1.0));
    assertThat(stats.samples(), equalTo(7));
  }

  @Test
  public void mergedDeviationsEqualSortedOnes() {
    Random random = new Random(42);
    for (int trial = 0; trial < 2_000; trial++) {
      double[] values = new double[1 + random.nextInt(90)];
      for (int i = 0; i < values.length; i++) {
        // Few distinct values in some trials: ties at and around the median.
        values[i] =
            trial % 3 == 0 ? random.nextInt(4) : random.nextGaussian() * 50 + random.nextInt(3);
      }
      double[] sorted = values.clone();
      Arrays.sort(sorted);
      int middle = sorted.length / 2;
      double median =
          sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
      double[] expected = new double[sorted.length];
      for (int i = 0; i < sorted.length; i++) {
        expected[i] = Math.abs(sorted[i] - median);
      }
      Arrays.sort(expected);

      assertThat(
          Arrays.toString(values), RobustStats.sortedDeviations(sorted, median), equalTo(expected));
    }
  }

  @Test
  public void infiniteValuesFallBackToSorting() {
    double[] sorted = {1, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY};

    double[] deviations = RobustStats.sortedDeviations(sorted, Double.POSITIVE_INFINITY);

    assertThat(
        deviations, equalTo(new double[] {Double.POSITIVE_INFINITY, Double.NaN, Double.NaN}));
  }
}

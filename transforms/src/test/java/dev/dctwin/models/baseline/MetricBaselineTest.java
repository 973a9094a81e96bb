package dev.dctwin.models.baseline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;

import java.util.Random;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class MetricBaselineTest {
  private static final BaselineConfig CONFIG = BaselineConfig.DEFAULT;
  private static final double MINUTE_RATE =
      1 - Math.pow(2, -60_000.0 / CONFIG.locationHalfLifeMs());
  private static final double REFERENCE_MINUTE_RATE =
      1 - Math.pow(2, -60_000.0 / CONFIG.referenceHalfLifeMs());

  private static void learn(MetricBaseline metric, double value) {
    double scale = metric.scale(CONFIG);
    double z = Math.abs(value - metric.level) / scale;
    metric.learn(
        value, metric.deviations.bin(z), scale, MINUTE_RATE, REFERENCE_MINUTE_RATE, 1f, CONFIG);
  }

  @Test
  public void theReferenceLearnsTheMeanAndStandardDeviation() {
    MetricBaseline metric = new MetricBaseline(3);
    Random random = new Random(1);
    for (int i = 0; i < 5000; i++) {
      learn(metric, 10 + 2 * random.nextGaussian());
    }
    assertThat(metric.referenceMean, closeTo(10, 0.3));
    assertThat(metric.referenceScale(CONFIG), closeTo(2, 0.3));
  }

  @Test
  public void oneWildValueMovesTheReferenceByABoundedStep() {
    MetricBaseline metric = new MetricBaseline(3);
    Random random = new Random(2);
    for (int i = 0; i < 5000; i++) {
      learn(metric, 10 + 2 * random.nextGaussian());
    }
    learn(metric, 1e9);
    // Unclipped, the variance would hold a share of (1e9)^2 for weeks and the metric would look
    // normal to the multivariate view whatever it did.
    assertThat(metric.referenceMean, closeTo(10, 0.3));
    assertThat(metric.referenceScale(CONFIG), closeTo(2, 0.3));
  }
}

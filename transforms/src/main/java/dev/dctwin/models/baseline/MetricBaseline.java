package dev.dctwin.models.baseline;

/**
 * What the baseline knows of one metric of one server: its level (an exponentially weighted mean),
 * its spread (an exponentially weighted mean absolute deviation), both updated with Huber-clipped
 * residuals, and a decaying histogram of its own standardised deviations, from which a new
 * deviation gets its tail probability: how rare a deviation this large has been for this metric.
 * The histogram calibrates each metric by itself: a spiky metric needs a larger deviation than a
 * smooth one to be as surprising.
 *
 * <p>For the multivariate view ({@link ResidualSubspace}) it also keeps a long-memory reference (a
 * mean and variance with a 7-day half-life), its smoothed standardised deviation from that
 * reference and its loadings on the server's principal deviation directions.
 */
final class MetricBaseline {
  /** z bins: 0, then 31 log-spaced edges from 0.25 to 1000 scales. */
  static final double[] Z_EDGES = DecayingHistogram.logEdges(32, 0.25, 1000);

  /** Mean absolute deviation to standard deviation for normal data: sqrt(pi / 2). */
  static final double MEAN_ABS_TO_SIGMA = 1.2533141373155003;

  long samples;
  long lastSeenMs;
  double level;
  double meanAbsDeviation;
  final DecayingHistogram deviations = new DecayingHistogram(Z_EDGES);
  double referenceMean;
  double referenceVariance;
  double smoothedDeviation;
  final float[] loadings;

  MetricBaseline(int components) {
    loadings = new float[components];
  }

  /** The scale of one standard deviation, never below the floors. */
  double scale(BaselineConfig config) {
    double floor =
        Math.max(config.absoluteScaleFloor(), config.relativeScaleFloor() * Math.abs(level));
    return Math.max(MEAN_ABS_TO_SIGMA * meanAbsDeviation, floor);
  }

  /** The scale of the reference: its standard deviation, never below the floors. */
  double referenceScale(BaselineConfig config) {
    double floor =
        Math.max(
            config.absoluteScaleFloor(), config.relativeScaleFloor() * Math.abs(referenceMean));
    return Math.max(Math.sqrt(referenceVariance), floor);
  }

  /**
   * The deviation of {@code value} from the reference in reference scales, clipped at the Huber
   * clip, then smoothed with the previous one by {@code smoothingStep}; not stored (see {@link
   * #learn}).
   */
  double smoothedDeviation(double value, double smoothingStep, BaselineConfig config) {
    double clip = config.huberClip();
    double deviation = (value - referenceMean) / referenceScale(config);
    deviation = Math.max(-clip, Math.min(clip, deviation));
    return smoothedDeviation + smoothingStep * (deviation - smoothedDeviation);
  }

  /** Whether the deviations have a history to judge a new one by (the surprisal is 0 before). */
  boolean calibrated() {
    return !(samples == 0 || deviations.total() <= 0);
  }

  /**
   * How rare a deviation of {@code z} scales has been, when {@link #calibrated}: the decayed share
   * of past deviations above it; {@code zBin} is its {@link DecayingHistogram#bin}.
   */
  double tailProbability(double z, int zBin) {
    double total = deviations.total();
    return (deviations.massAbove(z, zBin) + 0.5) / (total + 1);
  }

  /** The surprisal {@code -log10(p)} of a {@link #tailProbability}. */
  static double surprisal(double p) {
    return -Math.log10(Math.min(1, p));
  }

  /**
   * Learns from one observation: {@code z} is its deviation and {@code zBin} that deviation's bin,
   * {@code scale} is {@link #scale} before it, {@code rate} is the exponential-decay step for the
   * time since the last report for the level, {@code referenceRate} for the reference, {@code
   * weight} how much this observation counts (1 normally).
   */
  void learn(
      double value,
      int zBin,
      double scale,
      double rate,
      double referenceRate,
      float weight,
      BaselineConfig config) {
    if (samples == 0) {
      level = value;
      meanAbsDeviation = 0;
      referenceMean = value;
      referenceVariance = 0;
      samples = 1;
      deviations.add(0, weight);
      return;
    }
    samples++;
    double referenceStep = Math.max(referenceRate, 1.0 / samples) * weight;
    // Huber-clipped like the level: one wild value (a counter reset, a unit change) moves the
    // reference by a bounded step instead of inflating its variance for weeks.
    double referenceClip = config.huberClip() * referenceScale(config);
    double fromReference = Math.max(-referenceClip, Math.min(referenceClip, value - referenceMean));
    referenceMean += referenceStep * fromReference;
    referenceVariance =
        (1 - referenceStep) * (referenceVariance + referenceStep * fromReference * fromReference);
    deviations.addAt(zBin, weight);
    double step = Math.max(rate, 1.0 / samples) * weight;
    double clip = config.huberClip() * scale;
    double residual = value - level;
    double clipped = Math.max(-clip, Math.min(clip, residual));
    level += step * clipped;
    meanAbsDeviation += step * (Math.min(Math.abs(residual), clip) - meanAbsDeviation);
  }
}

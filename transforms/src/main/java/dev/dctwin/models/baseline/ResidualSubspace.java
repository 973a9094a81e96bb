package dev.dctwin.models.baseline;

import java.util.List;

/**
 * The multivariate view of one server: how far the report's metrics, together, are from a
 * long-memory reference in a direction the server's history does not explain. Each metric's
 * deviation from its reference (a 7-day mean and standard deviation, not the 1-day level) is
 * standardised, clipped and smoothed over minutes; a few principal directions of these deviation
 * vectors are learned online (candid covariance-free incremental PCA, Weng et al. 2003) and the
 * squared residual outside them (SPE, the Q statistic) is calibrated against a decaying histogram
 * of its own past values, like every other score of the model. Normal level changes move metrics
 * along learned directions and leave the SPE small; a broken server moves them off those directions
 * for as long as it stays broken. BASELINE.md says why this holds incidents open and does not add
 * to the score.
 *
 * <p>The loadings live in each {@link MetricBaseline} (one float per component), so a metric that
 * appears or is forgotten adds or removes its own row and nothing else has to be re-indexed.
 */
final class ResidualSubspace {
  /** SPE bins: 0, then 63 log-spaced edges from 0.01 to 100,000 squared scales. */
  static final double[] SPE_EDGES = DecayingHistogram.logEdges(64, 0.01, 100_000);

  final DecayingHistogram speHistogram = new DecayingHistogram(SPE_EDGES);
  long samples;
  private double lastSpe;

  /** A metric taking part in this report: its baseline and its smoothed standardised deviation. */
  record Member(MetricBaseline metric, double deviation) {}

  /**
   * Each component's loadings of the members that {@link #residual} saw last, gathered in one array
   * per component (the same floats, read without going through every member), and their norms;
   * {@link #learn} continues from them and writes its changes through to the members.
   */
  private float[][] columns = new float[0][];

  private double[] norms = new double[0];

  /**
   * The SPE of this report's deviations: the squared length of what the first {@code components}
   * principal directions do not explain. Remembered, with the loadings as they are now, for {@link
   * #learn}, which must follow with the same members.
   */
  double residual(List<Member> members, int components) {
    int d = members.size();
    double[] out = new double[d];
    columns = new float[components][d];
    norms = new double[components];
    for (int i = 0; i < d; i++) {
      Member member = members.get(i);
      out[i] = member.deviation();
      float[] loadings = member.metric().loadings;
      for (int j = 0; j < components; j++) {
        columns[j][i] = loadings[j];
      }
    }
    for (int j = 0; j < components; j++) {
      norms[j] = norm(columns[j]);
      deflate(columns[j], norms[j], out);
    }
    double spe = 0;
    for (int i = 0; i < d; i++) {
      spe += out[i] * out[i];
    }
    lastSpe = spe;
    return spe;
  }

  /** {@code -log10} of the share of past SPEs above {@code spe}; 0 until calibrated. */
  double surprisal(double spe, long minSamples) {
    double total = speHistogram.total();
    if (samples < minSamples || total <= 0) {
      return 0;
    }
    double p = (speHistogram.massAbove(spe) + 0.5) / (total + 1);
    return -Math.log10(Math.min(1, p));
  }

  /**
   * Learns from the report scored last by {@link #residual}, with the same members: the calibration
   * takes its SPE with {@code calibrationWeight} (0 while an incident is open, so that the incident
   * does not become the yardstick it is measured with); the principal directions move by the
   * exponential-decay {@code step} (at least {@code 1 / samples}) times {@code weight}.
   */
  void learn(
      List<Member> members,
      int components,
      double step,
      float weight,
      float calibrationWeight,
      float calibrationDecay) {
    speHistogram.decay(calibrationDecay);
    int d = members.size();
    if (d == 0) {
      return;
    }
    speHistogram.add(lastSpe, calibrationWeight);
    samples++;
    double rate = Math.max(step, 1.0 / samples) * weight;
    double[] r = new double[d];
    for (int i = 0; i < d; i++) {
      r[i] = members.get(i).deviation();
    }
    for (int j = 0; j < components; j++) {
      // Component j's loadings are as residual() found them: only the loop's earlier components
      // have changed since.
      float[] column = columns[j];
      double norm = norms[j];
      if (norm <= 0) {
        // A component without a direction yet starts at the first residual it sees.
        for (int i = 0; i < d; i++) {
          members.get(i).metric().loadings[j] = (float) r[i];
        }
        return;
      }
      double projection = 0;
      for (int i = 0; i < d; i++) {
        projection += r[i] * column[i] / norm;
      }
      for (int i = 0; i < d; i++) {
        column[i] = (float) ((1 - rate) * column[i] + rate * projection * r[i]);
        members.get(i).metric().loadings[j] = column[i];
      }
      double learned = norm(column);
      if (learned <= 0) {
        return;
      }
      deflate(column, learned, r);
    }
  }

  /**
   * Removes from {@code r} its projection on the component whose loadings are {@code column}, of
   * norm {@code norm} (nothing if it has none).
   */
  private static void deflate(float[] column, double norm, double[] r) {
    if (norm <= 0) {
      return;
    }
    double projection = 0;
    for (int i = 0; i < r.length; i++) {
      projection += r[i] * column[i] / norm;
    }
    for (int i = 0; i < r.length; i++) {
      r[i] -= projection * column[i] / norm;
    }
  }

  private static double norm(float[] column) {
    double sum = 0;
    for (float loading : column) {
      double v = loading;
      sum += v * v;
    }
    return Math.sqrt(sum);
  }
}

package dev.dctwin.models.baseline;

import java.util.Arrays;

/**
 * A histogram over fixed bin edges whose mass decays exponentially: a constant-size sketch of a
 * distribution over its recent past. Bin {@code i} holds values in {@code [edges[i], edges[i+1])},
 * the last bin everything from its lower edge up. Mass is kept in floats (Java float arithmetic is
 * deterministic), so the stored state is what the model computed with.
 */
final class DecayingHistogram {
  private final double[] edges;
  private final float[] mass;
  private float total;

  /**
   * A bit per bin that may hold mass; a clear bit's bin holds exactly 0, which adds nothing to a
   * sum, so {@link #massAbove} skips it (a bin decayed to 0 keeps its bit: adding it changes
   * nothing either). Bins beyond 64 have no bit and are always read.
   */
  private long maybeNonZero;

  DecayingHistogram(double[] edges) {
    this.edges = edges;
    this.mass = new float[edges.length];
  }

  /** Log-spaced edges: {@code 0}, then {@code count - 1} edges from {@code low} to {@code high}. */
  static double[] logEdges(int count, double low, double high) {
    double[] edges = new double[count];
    double step = Math.log(high / low) / (count - 2);
    for (int i = 1; i < count; i++) {
      edges[i] = low * Math.exp(step * (i - 1));
    }
    return edges;
  }

  int bins() {
    return mass.length;
  }

  float total() {
    return total;
  }

  float mass(int bin) {
    return mass[bin];
  }

  void set(int bin, float value) {
    mass[bin] = value;
    markNonZero(bin);
  }

  void setTotal(float value) {
    total = value;
  }

  void decay(float factor) {
    if (factor == 1f) {
      return;
    }
    for (int i = 0; i < mass.length; i++) {
      mass[i] *= factor;
    }
    total *= factor;
  }

  void add(double value, float weight) {
    addAt(bin(value), weight);
  }

  /** {@link #add} to a bin already looked up with {@link #bin}. */
  void addAt(int bin, float weight) {
    mass[bin] += weight;
    total += weight;
    markNonZero(bin);
  }

  private void markNonZero(int bin) {
    if (bin < Long.SIZE) {
      maybeNonZero |= 1L << bin;
    }
  }

  int bin(double value) {
    int found = Arrays.binarySearch(edges, value);
    int bin = found >= 0 ? found : -found - 2;
    return Math.max(0, Math.min(bin, edges.length - 1));
  }

  /**
   * The mass above {@code value}: whole bins above it plus the share of its own bin above it
   * (uniform within a bin; the open last bin is read as reaching twice its lower edge).
   */
  double massAbove(double value) {
    return massAbove(value, bin(value));
  }

  /** {@link #massAbove(double)} with {@code value}'s {@link #bin} already looked up. */
  double massAbove(double value, int bin) {
    // The bins in ascending order, as a loop over all of them adds them: a skipped bin holds +0,
    // and adding +0 never changes a sum that starts at +0 (only -0 + +0 differs, which it never
    // is).
    double above = 0;
    int bits = Math.min(mass.length, Long.SIZE);
    for (long rest = bin + 1 < bits ? maybeNonZero & (-1L << (bin + 1)) : 0; rest != 0; ) {
      int i = Long.numberOfTrailingZeros(rest);
      above += mass[i];
      rest &= rest - 1;
    }
    for (int i = Math.max(bin + 1, bits); i < mass.length; i++) {
      above += mass[i];
    }
    double low = edges[bin];
    double high = bin + 1 < edges.length ? edges[bin + 1] : 2 * edges[bin];
    double share = Math.max(0, Math.min(1, (high - value) / (high - low)));
    return above + mass[bin] * share;
  }

  /** The value below which the share {@code q} of the mass lies (linear within a bin). */
  double quantile(double q) {
    double target = q * total;
    double cumulative = 0;
    for (int i = 0; i < mass.length; i++) {
      if (cumulative + mass[i] >= target && mass[i] > 0) {
        double low = edges[i];
        double high = i + 1 < edges.length ? edges[i + 1] : 2 * edges[i];
        return low + (target - cumulative) / mass[i] * (high - low);
      }
      cumulative += mass[i];
    }
    return edges[edges.length - 1];
  }
}

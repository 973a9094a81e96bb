package dev.dctwin.models.baseline;

import dev.dctwin.codec.BinaryReader;
import dev.dctwin.codec.BinaryWriter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The learned baseline of one server: learns online, one report at a time in event-time order and
 * without labels, what the server's metrics usually look like; scores each report by how surprising
 * it is; opens an incident when the score exceeds a high quantile of its own past scores and closes
 * it once the scores are back below a lower quantile for a few reports and the metrics together are
 * back near the directions the server usually moves in; and explains an anomalous report by the
 * metrics that made it surprising. BASELINE.md describes the model and its measurements.
 *
 * <p>Pure and deterministic: no clock (event times are epoch ms), no randomness, metrics are
 * visited in name order. Memory is constant per metric: a few numbers, a 32-bin histogram and one
 * float per principal component of the multivariate view ({@link ResidualSubspace}); a metric
 * absent for {@link BaselineConfig#calibrationHalfLifeMs()} is forgotten.
 *
 * <p>Not thread-safe; one instance per server, driven by its twin.
 */
public final class ServerBaseline {
  /** The first byte of {@link #toBytes()}. */
  public static final int ENCODING_VERSION = 3;

  /** The version before the compact one: the same fields; still read (see {@link #fromBytes}). */
  static final int ENCODING_VERSION_2 = 2;

  /** The version before the multivariate view; still read (see {@link #fromBytes}). */
  static final int ENCODING_VERSION_1 = 1;

  /** Version 3: bits of a metric's flags byte, each for a value that is not written. */
  private static final int LEVEL_ZERO = 1;

  private static final int SPREAD_ZERO = 1 << 1;
  private static final int REFERENCE_MEAN_ZERO = 1 << 2;
  private static final int REFERENCE_MEAN_AT_LEVEL = 1 << 3;
  private static final int REFERENCE_VARIANCE_ZERO = 1 << 4;
  private static final int SMOOTHED_ZERO = 1 << 5;
  private static final int LOADINGS_ZERO = 1 << 6;

  private static final String WHAT = "ServerBaseline state";

  /** Score bins: 0, then 63 log-spaced edges from 0.01 to 1000. */
  static final double[] SCORE_EDGES = DecayingHistogram.logEdges(64, 0.01, 1000);

  private static final Comparator<Ranked> MOST_IMPORTANT_FIRST =
      Comparator.comparing((Ranked r) -> r.excess <= 0)
          .thenComparingDouble(r -> -r.z)
          .thenComparingDouble(r -> -r.surprisal)
          .thenComparing(r -> r.name);

  private final BaselineConfig config;

  /**
   * A tail probability at or above this has a surprisal below {@link
   * BaselineConfig#metricTailLog10()} by a margin (log10 1.001) far beyond the error of a
   * logarithm: its excess is 0 without computing the surprisal, which only an explanation then
   * needs.
   */
  private final double unsurprisingP;

  private final TreeMap<String, MetricBaseline> metrics = new TreeMap<>();
  private final DecayingHistogram scores = new DecayingHistogram(SCORE_EDGES);
  private final ResidualSubspace subspace = new ResidualSubspace();
  private long reports;
  private long firstMs;
  private long lastMs;
  private boolean open;
  private long openedMs;
  private int openRun;
  private int closeRun;

  /**
   * The metrics the last report observed, in its order: the next report, which usually has the same
   * names, finds its metrics here by position instead of in the map. Not part of the state; emptied
   * when a metric is forgotten.
   */
  private String[] lastNames = new String[0];

  private MetricBaseline[] lastMetrics = new MetricBaseline[0];
  private int lastCount;

  public ServerBaseline(BaselineConfig config) {
    this.config = config;
    this.unsurprisingP = 1.001 * Math.pow(10, -config.metricTailLog10());
  }

  public BaselineConfig config() {
    return config;
  }

  public long reports() {
    return reports;
  }

  public boolean incidentOpen() {
    return open;
  }

  /** The metrics the baseline currently tracks. */
  public int metricCount() {
    return metrics.size();
  }

  /** How many more reports and how much more event time until the model is ready. */
  public Readiness readiness() {
    long history = reports == 0 ? 0 : lastMs - firstMs;
    return new Readiness(
        Math.max(0, config.minReports() - reports),
        reports == 0 ? config.minHistoryMs() : Math.max(0, config.minHistoryMs() - history));
  }

  /**
   * When the model is expected to be ready, in event time, at the pace of the reports so far: the
   * later of the history it still needs and its missing reports at their mean interval, both from
   * the last report. Empty when it is ready or has seen no report; with one report only the history
   * counts.
   */
  public OptionalLong expectedReadyAt() {
    Readiness readiness = readiness();
    if (reports == 0 || readiness.ready()) {
      return OptionalLong.empty();
    }
    long untilReady = readiness.historyNeededMs();
    if (reports > 1 && readiness.reportsNeeded() > 0) {
      double meanIntervalMs = (double) (lastMs - firstMs) / (reports - 1);
      untilReady = Math.max(untilReady, Math.round(readiness.reportsNeeded() * meanIntervalMs));
    }
    return OptionalLong.of(lastMs + untilReady);
  }

  /**
   * Scores one report, decides, explains and then learns from it. {@code metricValues} maps metric
   * names to values; absent or non-finite values are skipped. A report not newer than the last one
   * is ignored (not {@code accepted}).
   */
  public BaselineVerdict observe(long timeMs, Map<String, Double> metricValues) {
    SortedMap<String, Double> sorted = inNameOrder(metricValues);
    String[] names = new String[sorted.size()];
    double[] values = new double[sorted.size()];
    int count = 0;
    for (Map.Entry<String, Double> entry : sorted.entrySet()) {
      if (entry.getValue() != null) {
        names[count] = entry.getKey();
        values[count++] = entry.getValue();
      }
    }
    return observe(timeMs, names, values, count);
  }

  /**
   * {@link #observe(long, Map)} with the metrics as the first {@code count} of {@code names}, in
   * ascending order without duplicates, and their {@code values}.
   */
  public BaselineVerdict observe(long timeMs, String[] names, double[] values, int count) {
    if (reports > 0 && timeMs <= lastMs) {
      return BaselineVerdict.ignored(readiness(), open);
    }
    boolean ready = readiness().ready();
    long elapsed = reports == 0 ? 0 : timeMs - lastMs;

    List<Ranked> observed = new ArrayList<>(count);
    double score = 0;
    if (lastNames.length < count) {
      lastNames = Arrays.copyOf(lastNames, count);
      lastMetrics = Arrays.copyOf(lastMetrics, count);
    }
    int seen = 0;
    for (int k = 0; k < count; k++) {
      double value = values[k];
      if (!Double.isFinite(value)) {
        continue;
      }
      String name = names[k];
      // The last report's metric at this position, if it has the same name; rewritten in place.
      MetricBaseline metric =
          seen < lastCount && lastNames[seen].equals(name)
              ? lastMetrics[seen]
              : metrics.computeIfAbsent(
                  name, n -> new MetricBaseline(config.principalComponents()));
      lastNames[seen] = name;
      lastMetrics[seen++] = metric;
      double expected = metric.level;
      double scale = metric.scale(config);
      double z = metric.samples == 0 ? 0 : Math.abs(value - expected) / scale;
      int zBin = metric.deviations.bin(z);
      double p = metric.calibrated() ? metric.tailProbability(z, zBin) : Double.NaN;
      // The logarithm, the costliest step here, only where the excess may be above 0; an
      // explanation computes the others (see Ranked).
      boolean deferred = p >= unsurprisingP;
      double surprisal =
          !metric.calibrated() ? 0 : deferred ? Double.NaN : MetricBaseline.surprisal(p);
      double excess =
          metric.samples >= config.minReports() && !deferred
              ? Math.max(0, surprisal - config.metricTailLog10())
              : 0;
      score += excess;
      observed.add(
          new Ranked(
              name, metric, value, expected, scale, z, zBin, deferred, p, surprisal, excess));
    }
    lastCount = seen;

    // The multivariate view: the metrics with a calibrated history, their smoothed deviations from
    // the long-memory reference, and how rare the part no principal direction explains is.
    double smoothingStep = decayStep(elapsed, config.deviationSmoothingHalfLifeMs());
    List<ResidualSubspace.Member> members = new ArrayList<>();
    for (Ranked r : observed) {
      if (r.metric.samples >= config.minReports()) {
        members.add(
            new ResidualSubspace.Member(
                r.metric, r.metric.smoothedDeviation(r.observed, smoothingStep, config)));
      }
    }
    double spe = subspace.residual(members, config.principalComponents());
    double residualSurprisal = subspace.surprisal(spe, config.minReports());

    double openThreshold = Double.NaN;
    double closeThreshold = Double.NaN;
    boolean anomalous = false;
    boolean opened = false;
    boolean closed = false;
    if (ready) {
      openThreshold = Math.max(config.minOpenScore(), scores.quantile(config.openQuantile()));
      closeThreshold = scores.quantile(config.closeQuantile());
      anomalous = score > openThreshold;
      if (!open) {
        openRun = anomalous ? openRun + 1 : 0;
        if (openRun >= config.openAfter()) {
          open = true;
          opened = true;
          openedMs = timeMs;
          closeRun = 0;
        }
      } else {
        // An open incident does not count towards closing while the metrics together stay off
        // every learned direction, rarer than the per-metric tail: a long anomaly whose reports
        // are each unremarkable stays one incident, at most maxHoldMs.
        boolean held =
            residualSurprisal > config.metricTailLog10() && timeMs - openedMs < config.maxHoldMs();
        closeRun = score <= closeThreshold && !held ? closeRun + 1 : 0;
        if (closeRun >= config.closeAfter()) {
          open = false;
          closed = true;
          openRun = 0;
        }
      }
    }
    List<MetricExplanation> explanation = open ? explain(observed) : List.of();

    // Learn. A report above the close threshold counts less, so that an anomaly does not become
    // its own baseline before it ends; a lasting change still becomes the new normal, slowly.
    float weight = ready && score > closeThreshold ? (float) config.anomalousLearningWeight() : 1f;
    double rate = decayStep(elapsed, config.locationHalfLifeMs());
    float calibrationDecay = (float) (1 - decayStep(elapsed, config.calibrationHalfLifeMs()));
    // Whether a metric may be forgotten after this report: none unless one was last seen longer
    // ago than that (the metrics this report observes are seen now, whatever this says of them).
    boolean stale = false;
    for (MetricBaseline metric : metrics.values()) {
      metric.deviations.decay(calibrationDecay);
      stale |= timeMs - metric.lastSeenMs > config.calibrationHalfLifeMs();
    }
    double referenceRate = decayStep(elapsed, config.referenceHalfLifeMs());
    subspace.learn(
        members,
        config.principalComponents(),
        referenceRate,
        weight,
        open ? 0f : 1f,
        calibrationDecay);
    for (ResidualSubspace.Member member : members) {
      member.metric().smoothedDeviation = member.deviation();
    }
    for (Ranked r : observed) {
      r.metric.learn(r.observed, r.zBin, r.scale, rate, referenceRate, weight, config);
      r.metric.lastSeenMs = timeMs;
    }
    scores.decay((float) (1 - decayStep(elapsed, config.scoreHalfLifeMs())));
    scores.add(score, 1f);
    if (reports == 0) {
      firstMs = timeMs;
    }
    reports++;
    lastMs = timeMs;
    if (stale) {
      forgetAbsentMetrics();
    }

    return new BaselineVerdict(
        true,
        readiness(),
        score,
        openThreshold,
        closeThreshold,
        anomalous,
        open,
        opened,
        closed,
        explanation);
  }

  /**
   * The report's metrics, most important first: the metrics that raised the score (beyond their own
   * tail) come first; within each group the larger deviation in the metric's own scales first, then
   * the higher surprisal, then the name; at most {@code maxExplained}.
   */
  private List<MetricExplanation> explain(List<Ranked> observed) {
    List<Ranked> ranked = new ArrayList<>(observed.size());
    for (Ranked r : observed) {
      ranked.add(r.withSurprisal());
    }
    ranked.sort(MOST_IMPORTANT_FIRST);
    List<MetricExplanation> out = new ArrayList<>();
    for (Ranked r : ranked.subList(0, Math.min(config.maxExplained(), ranked.size()))) {
      out.add(new MetricExplanation(r.name, r.observed, r.expected, r.scale, r.z, r.surprisal));
    }
    return List.copyOf(out);
  }

  private void forgetAbsentMetrics() {
    Iterator<MetricBaseline> it = metrics.values().iterator();
    while (it.hasNext()) {
      if (lastMs - it.next().lastSeenMs > config.calibrationHalfLifeMs()) {
        it.remove();
        lastCount = 0;
      }
    }
  }

  /** The exponential-decay step {@code 1 - 2^(-elapsed / halfLife)}. */
  private static double decayStep(long elapsedMs, long halfLifeMs) {
    return elapsedMs <= 0 ? 0 : -Math.expm1(-Math.log(2) * elapsedMs / (double) halfLifeMs);
  }

  /**
   * The state as bytes: a version byte, then the counters, the score histogram and each metric in
   * name order. Histogram bins are floats, as the model holds them, so a decoded model continues
   * exactly where the encoded one stopped. Version 3 (BASELINE.md, "Encoding") writes a metric's
   * name as the length of the prefix it shares with the previous name and the rest, and leaves out
   * the values that are +0.0 (and a reference mean equal to the level), as a flags byte says.
   */
  public byte[] toBytes() {
    BinaryWriter out = new BinaryWriter(64 + 96 * metrics.size());
    out.writeByte(ENCODING_VERSION);
    out.writeVarLong(reports);
    out.writeLong(firstMs);
    out.writeZigZagLong(lastMs - firstMs);
    out.writeBoolean(open);
    out.writeVarLong(openRun);
    out.writeVarLong(closeRun);
    out.writeVarLong(open ? lastMs - openedMs : 0);
    writeHistogram(out, scores);
    out.writeVarLong(config.principalComponents());
    out.writeVarLong(subspace.samples);
    writeHistogram(out, subspace.speHistogram);
    out.writeVarLong(metrics.size());
    String previous = "";
    for (Map.Entry<String, MetricBaseline> entry : metrics.entrySet()) {
      MetricBaseline metric = entry.getValue();
      String name = entry.getKey();
      int shared = sharedPrefix(previous, name);
      out.writeVarLong(shared);
      out.writeUTF(name.substring(shared));
      previous = name;
      out.writeVarLong(metric.samples);
      out.writeVarLong(lastMs - metric.lastSeenMs);
      int flags = flags(metric);
      out.writeByte(flags);
      writeUnlessFlagged(out, metric.level, flags, LEVEL_ZERO);
      writeUnlessFlagged(out, metric.meanAbsDeviation, flags, SPREAD_ZERO);
      writeUnlessFlagged(
          out, metric.referenceMean, flags, REFERENCE_MEAN_ZERO | REFERENCE_MEAN_AT_LEVEL);
      writeUnlessFlagged(out, metric.referenceVariance, flags, REFERENCE_VARIANCE_ZERO);
      writeUnlessFlagged(out, metric.smoothedDeviation, flags, SMOOTHED_ZERO);
      writeHistogram(out, metric.deviations);
      if ((flags & LOADINGS_ZERO) == 0) {
        for (float loading : metric.loadings) {
          out.writeFloatBits(loading);
        }
      }
    }
    return out.toByteArray();
  }

  private static int flags(MetricBaseline metric) {
    int flags = 0;
    flags |= isPositiveZero(metric.level) ? LEVEL_ZERO : 0;
    flags |= isPositiveZero(metric.meanAbsDeviation) ? SPREAD_ZERO : 0;
    if (isPositiveZero(metric.referenceMean)) {
      flags |= REFERENCE_MEAN_ZERO;
    } else if (Double.doubleToRawLongBits(metric.referenceMean)
        == Double.doubleToRawLongBits(metric.level)) {
      flags |= REFERENCE_MEAN_AT_LEVEL;
    }
    flags |= isPositiveZero(metric.referenceVariance) ? REFERENCE_VARIANCE_ZERO : 0;
    flags |= isPositiveZero(metric.smoothedDeviation) ? SMOOTHED_ZERO : 0;
    boolean loadingsZero = true;
    for (float loading : metric.loadings) {
      loadingsZero &= Float.floatToRawIntBits(loading) == 0;
    }
    return flags | (loadingsZero ? LOADINGS_ZERO : 0);
  }

  /** +0.0 only: -0.0 has other bits, and a decoded state must have the same bits. */
  private static boolean isPositiveZero(double value) {
    return Double.doubleToRawLongBits(value) == 0L;
  }

  private static void writeUnlessFlagged(BinaryWriter out, double value, int flags, int bits) {
    if ((flags & bits) == 0) {
      out.writeDoubleBits(value);
    }
  }

  private static int sharedPrefix(String a, String b) {
    int limit = Math.min(a.length(), b.length());
    int i = 0;
    while (i < limit && a.charAt(i) == b.charAt(i)) {
      i++;
    }
    return i;
  }

  /**
   * Decodes {@link #toBytes()}, and versions 2 and 1. Fails with {@link IllegalArgumentException}
   * naming the state on an unknown version, a truncated encoding or trailing bytes.
   */
  public static ServerBaseline fromBytes(byte[] bytes, BaselineConfig config) {
    ServerBaseline model = new ServerBaseline(config);
    BinaryReader in = new BinaryReader(bytes);
    try {
      int version = in.readUnsignedByte();
      if (version != ENCODING_VERSION
          && version != ENCODING_VERSION_2
          && version != ENCODING_VERSION_1) {
        throw new IllegalArgumentException(
            WHAT
                + ": unsupported encoding version "
                + version
                + ", expected "
                + ENCODING_VERSION
                + ", "
                + ENCODING_VERSION_2
                + " or "
                + ENCODING_VERSION_1);
      }
      boolean compact = version == ENCODING_VERSION;
      boolean multivariate = version >= ENCODING_VERSION_2;
      model.reports = readVarLong(in);
      model.firstMs = in.readLong();
      model.lastMs = compact ? model.firstMs + in.readZigZagLong() : in.readLong();
      model.open = in.readBoolean();
      model.openRun = (int) readVarLong(in);
      model.closeRun = (int) readVarLong(in);
      model.openedMs = multivariate ? model.lastMs - readVarLong(in) : model.lastMs;
      readHistogram(in, model.scores);
      if (multivariate) {
        long components = readVarLong(in);
        if (components != config.principalComponents()) {
          throw new IllegalArgumentException(
              WHAT
                  + ": "
                  + components
                  + " principal components encoded, the configuration has "
                  + config.principalComponents());
        }
        model.subspace.samples = readVarLong(in);
        readHistogram(in, model.subspace.speHistogram);
      }
      long count = readVarLong(in);
      String previous = "";
      for (long i = 0; i < count; i++) {
        String name;
        if (compact) {
          long shared = readVarLong(in);
          if (shared > previous.length()) {
            throw new IllegalArgumentException(WHAT + ": shared name prefix out of range");
          }
          name = previous.substring(0, (int) shared) + in.readUTF();
          previous = name;
        } else {
          name = in.readUTF();
        }
        MetricBaseline metric = new MetricBaseline(config.principalComponents());
        metric.samples = readVarLong(in);
        metric.lastSeenMs = model.lastMs - readVarLong(in);
        if (compact) {
          readCompactMetric(in, metric);
        } else {
          metric.level = in.readDouble();
          metric.meanAbsDeviation = in.readDouble();
          readHistogram(in, metric.deviations);
          if (multivariate) {
            metric.referenceMean = in.readDouble();
            metric.referenceVariance = in.readDouble();
            metric.smoothedDeviation = in.readDouble();
            for (int j = 0; j < metric.loadings.length; j++) {
              metric.loadings[j] = in.readFloat();
            }
          } else {
            // Version 1 had no reference: start it at the level and spread learned so far; the
            // principal directions and their calibration start empty and warm up like a new
            // server's.
            metric.referenceMean = metric.level;
            double sigma = MetricBaseline.MEAN_ABS_TO_SIGMA * metric.meanAbsDeviation;
            metric.referenceVariance = sigma * sigma;
          }
        }
        model.metrics.put(name, metric);
      }
      if (in.remaining() > 0) {
        throw new IllegalArgumentException(WHAT + ": " + in.remaining() + " trailing bytes");
      }
    } catch (IOException e) {
      throw new IllegalArgumentException(WHAT + ": truncated encoding", e);
    }
    return model;
  }

  /** A metric's values in version 3, after its name and counters: see {@link #toBytes()}. */
  private static void readCompactMetric(BinaryReader in, MetricBaseline metric) throws IOException {
    int flags = in.readUnsignedByte();
    if ((flags & ~0x7F) != 0
        || (flags & (REFERENCE_MEAN_ZERO | REFERENCE_MEAN_AT_LEVEL))
            == (REFERENCE_MEAN_ZERO | REFERENCE_MEAN_AT_LEVEL)) {
      throw new IllegalArgumentException(WHAT + ": unknown metric flags " + flags);
    }
    metric.level = (flags & LEVEL_ZERO) != 0 ? 0.0 : in.readDouble();
    metric.meanAbsDeviation = (flags & SPREAD_ZERO) != 0 ? 0.0 : in.readDouble();
    metric.referenceMean =
        (flags & REFERENCE_MEAN_ZERO) != 0
            ? 0.0
            : (flags & REFERENCE_MEAN_AT_LEVEL) != 0 ? metric.level : in.readDouble();
    metric.referenceVariance = (flags & REFERENCE_VARIANCE_ZERO) != 0 ? 0.0 : in.readDouble();
    metric.smoothedDeviation = (flags & SMOOTHED_ZERO) != 0 ? 0.0 : in.readDouble();
    readHistogram(in, metric.deviations);
    if ((flags & LOADINGS_ZERO) == 0) {
      for (int j = 0; j < metric.loadings.length; j++) {
        metric.loadings[j] = in.readFloat();
      }
    }
  }

  /**
   * Histograms: the total, then a varint bitmap-free run of (gap, mass) for non-empty bins (version
   * 3: those that are not +0.0; before, not 0, which is the same for the masses a model holds).
   */
  private static void writeHistogram(BinaryWriter out, DecayingHistogram histogram) {
    out.writeFloatBits(histogram.total());
    int nonEmpty = 0;
    for (int i = 0; i < histogram.bins(); i++) {
      if (!isPositiveZero(histogram.mass(i))) {
        nonEmpty++;
      }
    }
    out.writeVarLong(nonEmpty);
    int previous = -1;
    for (int i = 0; i < histogram.bins(); i++) {
      if (!isPositiveZero(histogram.mass(i))) {
        out.writeVarLong(i - previous - 1);
        out.writeFloatBits(histogram.mass(i));
        previous = i;
      }
    }
  }

  private static boolean isPositiveZero(float value) {
    return Float.floatToRawIntBits(value) == 0;
  }

  private static void readHistogram(BinaryReader in, DecayingHistogram histogram)
      throws IOException {
    histogram.setTotal(in.readFloat());
    long nonEmpty = readVarLong(in);
    int bin = -1;
    for (long k = 0; k < nonEmpty; k++) {
      bin += (int) readVarLong(in) + 1;
      if (bin < 0 || bin >= histogram.bins()) {
        throw new IllegalArgumentException(WHAT + ": histogram bin out of range " + bin);
      }
      histogram.set(bin, in.readFloat());
    }
  }

  private static long readVarLong(BinaryReader in) throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = in.readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalArgumentException(WHAT + ": malformed varint");
  }

  /**
   * A metric of the report as scored. A surprisal that cannot raise the score is {@code deferred}
   * (NaN) until an explanation asks for it: it is the same expression of the same probability.
   */
  private record Ranked(
      String name,
      MetricBaseline metric,
      double observed,
      double expected,
      double scale,
      double z,
      int zBin,
      boolean deferred,
      double p,
      double surprisal,
      double excess) {

    Ranked withSurprisal() {
      return !deferred
          ? this
          : new Ranked(
              name,
              metric,
              observed,
              expected,
              scale,
              z,
              zBin,
              false,
              p,
              MetricBaseline.surprisal(p),
              excess);
    }
  }

  /** Equal when they encode to the same bytes: the encoding is the whole learned state. */
  @Override
  public boolean equals(Object other) {
    return other instanceof ServerBaseline that && Arrays.equals(toBytes(), that.toBytes());
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(toBytes());
  }

  /** The metrics by name; a map already sorted by name is taken as it is, not copied. */
  private static SortedMap<String, Double> inNameOrder(Map<String, Double> metricValues) {
    return metricValues instanceof SortedMap<String, Double> sorted && sorted.comparator() == null
        ? sorted
        : new TreeMap<>(metricValues);
  }
}

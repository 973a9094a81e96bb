package dev.dctwin.models.baseline;

/**
 * The one configuration of the learned per-server baseline, shared by every server. {@link
 * #DEFAULT} is what runs; BASELINE.md says why each constant is what it is. Durations are event
 * time in milliseconds, so the same configuration fits a server that reports every 10 s and one
 * that reports every minute.
 *
 * @param locationHalfLifeMs half-life of each metric's level and spread estimates
 * @param huberClip residuals beyond this many scales are clipped before they update level and
 *     spread, so one outlier moves them by a bounded step
 * @param absoluteScaleFloor the smallest scale of any metric, in the metric's unit
 * @param relativeScaleFloor the smallest scale as a share of the metric's level
 * @param calibrationHalfLifeMs half-life of each metric's histogram of its own deviations
 * @param metricTailLog10 a metric adds to the report's score only beyond a tail probability of
 *     {@code 10^-metricTailLog10} of its own deviations
 * @param scoreHalfLifeMs half-life of the histogram of the model's own scores
 * @param openQuantile a report whose score exceeds this quantile of the past scores is anomalous
 * @param closeQuantile an open incident closes once the score stays at or below this quantile
 * @param minOpenScore the open threshold is never below this score
 * @param openAfter consecutive anomalous reports that open an incident
 * @param closeAfter consecutive reports at or below the close threshold that close it
 * @param anomalousLearningWeight the weight with which a report above the close threshold still
 *     updates the metrics' estimates (1 = like a normal one)
 * @param minReports reports before the model is ready
 * @param minHistoryMs event time between the first report and readiness
 * @param maxExplained at most this many metrics explain an anomalous report
 * @param referenceHalfLifeMs half-life of each metric's long-memory reference (mean and variance)
 *     and of the server's principal deviation directions (the multivariate view)
 * @param deviationSmoothingHalfLifeMs half-life with which each metric's deviation from its
 *     reference is smoothed before the multivariate view looks at it
 * @param principalComponents how many principal directions of the deviations the multivariate view
 *     learns; what they do not explain is the residual (SPE)
 * @param maxHoldMs an open incident is held open by the multivariate view (its residual rarer than
 *     the per-metric tail) for at most this long after it opened
 */
public record BaselineConfig(
    long locationHalfLifeMs,
    double huberClip,
    double absoluteScaleFloor,
    double relativeScaleFloor,
    long calibrationHalfLifeMs,
    double metricTailLog10,
    long scoreHalfLifeMs,
    double openQuantile,
    double closeQuantile,
    double minOpenScore,
    int openAfter,
    int closeAfter,
    double anomalousLearningWeight,
    long minReports,
    long minHistoryMs,
    int maxExplained,
    long referenceHalfLifeMs,
    long deviationSmoothingHalfLifeMs,
    int principalComponents,
    long maxHoldMs) {

  private static final long MINUTE_MS = 60_000L;
  private static final long HOUR_MS = 60 * MINUTE_MS;
  private static final long DAY_MS = 24 * HOUR_MS;

  /** The configuration every server uses. */
  public static final BaselineConfig DEFAULT =
      new BaselineConfig(
          DAY_MS,
          4.0,
          0.01,
          0.01,
          7 * DAY_MS,
          2.0,
          7 * DAY_MS,
          0.995,
          0.99,
          1.0,
          1,
          3,
          0.1,
          1000,
          DAY_MS,
          40,
          7 * DAY_MS,
          10 * MINUTE_MS,
          3,
          DAY_MS);

  public BaselineConfig {
    requirePositive(locationHalfLifeMs, "locationHalfLifeMs");
    requirePositive(calibrationHalfLifeMs, "calibrationHalfLifeMs");
    requirePositive(scoreHalfLifeMs, "scoreHalfLifeMs");
    requirePositive(referenceHalfLifeMs, "referenceHalfLifeMs");
    requirePositive(deviationSmoothingHalfLifeMs, "deviationSmoothingHalfLifeMs");
    if (principalComponents < 0 || maxHoldMs < 0) {
      throw new IllegalArgumentException("principalComponents and maxHoldMs must be >= 0");
    }
    if (!(huberClip > 0)) {
      throw new IllegalArgumentException("huberClip must be positive: " + huberClip);
    }
    if (!(absoluteScaleFloor > 0) || !(relativeScaleFloor >= 0)) {
      throw new IllegalArgumentException(
          "scale floors must be positive: " + absoluteScaleFloor + ", " + relativeScaleFloor);
    }
    if (!(metricTailLog10 >= 0)) {
      throw new IllegalArgumentException("metricTailLog10 must be >= 0: " + metricTailLog10);
    }
    if (!(closeQuantile > 0 && closeQuantile <= openQuantile && openQuantile < 1)) {
      throw new IllegalArgumentException(
          "need 0 < closeQuantile <= openQuantile < 1: " + closeQuantile + ", " + openQuantile);
    }
    if (!(minOpenScore >= 0)) {
      throw new IllegalArgumentException("minOpenScore must be >= 0: " + minOpenScore);
    }
    if (openAfter < 1 || closeAfter < 1 || maxExplained < 1) {
      throw new IllegalArgumentException("openAfter, closeAfter and maxExplained must be >= 1");
    }
    if (!(anomalousLearningWeight >= 0 && anomalousLearningWeight <= 1)) {
      throw new IllegalArgumentException(
          "anomalousLearningWeight must be within [0, 1]: " + anomalousLearningWeight);
    }
    if (minReports < 1 || minHistoryMs < 0) {
      throw new IllegalArgumentException("minReports must be >= 1 and minHistoryMs >= 0");
    }
  }

  private static void requirePositive(long value, String name) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive: " + value);
    }
  }
}

package dev.dctwin.models;

/**
 * What the window keeps of one report: only the features that need history (baselines and rates),
 * as floats. A feature is NaN when the report did not have it (no sensor readings, a metric its
 * agent does not report); the baselines skip NaN. {@code outliers} has one bit per {@link Feature}
 * whose value met its anomaly condition; those values stay out of the baseline, so that an ongoing
 * anomaly does not become its own reference.
 */
record MetricSummary(
    long eventTime,
    float diskOps,
    float readLatencyMs,
    float writeLatencyMs,
    float correctedEccErrors,
    float inletCelsius,
    float inputWatts,
    int outliers) {

  /** A feature with a robust baseline over the window. */
  enum Feature {
    DISK_OPS,
    READ_LATENCY,
    WRITE_LATENCY,
    INLET_TEMPERATURE,
    INPUT_POWER;

    int bit() {
      return 1 << ordinal();
    }

    float valueOf(MetricSummary summary) {
      return switch (this) {
        case DISK_OPS -> summary.diskOps;
        case READ_LATENCY -> summary.readLatencyMs;
        case WRITE_LATENCY -> summary.writeLatencyMs;
        case INLET_TEMPERATURE -> summary.inletCelsius;
        case INPUT_POWER -> summary.inputWatts;
      };
    }
  }

  /** Whether either sensor feature is known: the window then stores both. */
  boolean hasSensors() {
    return !Float.isNaN(inletCelsius) || !Float.isNaN(inputWatts);
  }

  boolean isOutlier(Feature feature) {
    return (outliers & feature.bit()) != 0;
  }
}

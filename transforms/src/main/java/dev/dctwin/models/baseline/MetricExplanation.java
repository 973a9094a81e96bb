package dev.dctwin.models.baseline;

/**
 * One metric that explains an anomalous report.
 *
 * @param metric the metric's name
 * @param observed its value in the report
 * @param expected the baseline's level for it
 * @param scale the baseline's spread (one standard deviation)
 * @param deviations {@code |observed - expected| / scale}
 * @param surprisal {@code -log10} of how often this metric deviated this much in its history
 */
public record MetricExplanation(
    String metric,
    double observed,
    double expected,
    double scale,
    double deviations,
    double surprisal) {}

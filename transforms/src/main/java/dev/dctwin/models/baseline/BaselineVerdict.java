package dev.dctwin.models.baseline;

import java.util.List;

/**
 * What the baseline says of one report.
 *
 * @param accepted false for a report not newer than the last one (ignored, nothing learned)
 * @param readiness how far the model is from ready at this report (before it, nothing is flagged)
 * @param score how surprising the report is: the sum over metrics of their surprisal beyond the
 *     per-metric tail ({@code max(0, -log10 p - metricTailLog10)})
 * @param openThreshold the score above which a report is anomalous (NaN before ready)
 * @param closeThreshold the score at or below which a report counts towards closing (NaN before
 *     ready)
 * @param anomalous this report's score exceeds the open threshold
 * @param incidentOpen an incident is open after this report
 * @param opened this report opened the incident
 * @param closed this report closed it
 * @param explanation while an incident is open, the metrics that explain this report, most
 *     important first; empty otherwise
 */
public record BaselineVerdict(
    boolean accepted,
    Readiness readiness,
    double score,
    double openThreshold,
    double closeThreshold,
    boolean anomalous,
    boolean incidentOpen,
    boolean opened,
    boolean closed,
    List<MetricExplanation> explanation) {

  static BaselineVerdict ignored(Readiness readiness, boolean open) {
    return new BaselineVerdict(
        false, readiness, Double.NaN, Double.NaN, Double.NaN, false, open, false, false, List.of());
  }
}

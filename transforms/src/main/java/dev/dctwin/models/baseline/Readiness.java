package dev.dctwin.models.baseline;

/**
 * How far a baseline is from being ready: it flags nothing before it has seen {@link
 * BaselineConfig#minReports()} reports spanning {@link BaselineConfig#minHistoryMs()} of event
 * time.
 *
 * @param reportsNeeded reports still to come (0 when enough)
 * @param historyNeededMs event time still to cover (0 when enough)
 */
public record Readiness(long reportsNeeded, long historyNeededMs) {
  public boolean ready() {
    return reportsNeeded == 0 && historyNeededMs == 0;
  }
}

package dev.dctwin.domain;

import java.util.List;

/**
 * An open problem of one entity. {@code openedAt} is the event time of the evidence that opened it;
 * {@code context} says in a few words what the evidence was; {@code evidence} lists, for a
 * learned-baseline incident, the metrics that explain it, most important first (empty for the
 * rule-based checks).
 */
public record Incident(
    IncidentType type,
    Severity severity,
    long openedAt,
    String context,
    List<MetricEvidence> evidence) {

  public Incident {
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
  }

  /** An incident of a rule-based check, without metric evidence. */
  public Incident(IncidentType type, Severity severity, long openedAt, String context) {
    this(type, severity, openedAt, context, List.of());
  }

  public Category category() {
    return type.category();
  }

  public Level level() {
    return type.level();
  }
}

package dev.dctwin.domain;

/**
 * An open problem of one entity. {@code openedAt} is the event time of the evidence that opened it;
 * {@code context} says in a few words what the evidence was.
 */
public record Incident(IncidentType type, Severity severity, long openedAt, String context) {

  public Category category() {
    return type.category();
  }

  public Level level() {
    return type.level();
  }
}

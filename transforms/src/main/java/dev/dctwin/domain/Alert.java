package dev.dctwin.domain;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * A state change of an incident at server, rack or datacenter level.
 *
 * <p>{@code incidentId} is derived only from the incident's content (level, entity, type and the
 * event time at which it opened), so a replay produces the same ids and sinks can de-duplicate.
 * {@code rootCause} is the incident type the correlation suspects; {@code explainedBy} is the id of
 * the rack or datacenter incident that explains a lower-level one, or null. {@code inMaintenance}:
 * the incident opened during a maintenance window of its entity or of one above it; it is recorded
 * but does not page.
 */
public record Alert(
    String incidentId,
    AlertStatus status,
    Level level,
    String entity,
    String datacenterId,
    String rackId,
    IncidentType incidentType,
    Severity severity,
    long openedAt,
    long eventTime,
    IncidentType rootCause,
    String explainedBy,
    String context,
    boolean inMaintenance)
    implements Message {

  /** An alert outside maintenance. */
  public Alert(
      String incidentId,
      AlertStatus status,
      Level level,
      String entity,
      String datacenterId,
      String rackId,
      IncidentType incidentType,
      Severity severity,
      long openedAt,
      long eventTime,
      IncidentType rootCause,
      String explainedBy,
      String context) {
    this(
        incidentId,
        status,
        level,
        entity,
        datacenterId,
        rackId,
        incidentType,
        severity,
        openedAt,
        eventTime,
        rootCause,
        explainedBy,
        context,
        false);
  }

  /** This alert, marked as in maintenance or not. */
  public Alert withInMaintenance(boolean marked) {
    return new Alert(
        incidentId,
        status,
        level,
        entity,
        datacenterId,
        rackId,
        incidentType,
        severity,
        openedAt,
        eventTime,
        rootCause,
        explainedBy,
        context,
        marked);
  }

  @Override
  public MessageType type() {
    return MessageType.ALERT;
  }

  /** The id of this alert: one per incident and status. */
  public String id() {
    return incidentId + ":" + status.name();
  }

  public static String incidentId(Level level, String entity, IncidentType type, long openedAt) {
    String content = level + "|" + entity + "|" + type + "|" + openedAt;
    return UUID.nameUUIDFromBytes(content.getBytes(StandardCharsets.UTF_8)).toString();
  }
}

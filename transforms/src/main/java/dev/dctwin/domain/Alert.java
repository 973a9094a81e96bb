package dev.dctwin.domain;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

/**
 * A state change of an incident at server, rack or datacenter level.
 *
 * <p>{@code incidentId} is derived only from the incident's content (level, entity, type and the
 * event time at which it opened), so a replay produces the same ids and sinks can de-duplicate.
 * {@code rootCause} is the incident type the correlation suspects; {@code explainedBy} is the id of
 * the rack or datacenter incident that explains a lower-level one, or null. {@code evidence} is the
 * incident's metric evidence (a learned-baseline incident's explaining metrics), empty otherwise.
 * {@code inMaintenance}: the incident opened during a maintenance window of its entity or of one
 * above it; it is recorded but does not page.
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
    List<MetricEvidence> evidence,
    boolean inMaintenance)
    implements Message {

  public Alert {
    evidence = evidence == null ? List.of() : List.copyOf(evidence);
  }

  /** An alert without metric evidence, outside maintenance. */
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
        List.of(),
        false);
  }

  /** An alert with metric evidence, outside maintenance. */
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
      String context,
      List<MetricEvidence> evidence) {
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
        evidence,
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
        evidence,
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

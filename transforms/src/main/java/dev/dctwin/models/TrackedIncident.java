package dev.dctwin.models;

import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;

/**
 * An open incident of a member of a group (a server of a rack, a rack of a datacenter) as the
 * group's correlation model tracks it: either still held back (pending) or with its OPENED alert
 * released, and then with the explanation it was released with, so that its RESOLVED alert carries
 * the same one.
 *
 * @param incident the member's incident as the member reported it
 * @param released whether its OPENED alert has been released
 * @param releaseAt event time (epoch ms) at which the OPENED alert was released or, while pending,
 *     at which it will be released unexplained at the latest
 * @param explainedBy id of the group incident that explains it, or null (always null while pending)
 * @param rootCause the type of the explaining group incident, or the incident's own type when
 *     released unexplained; null while pending
 */
public record TrackedIncident(
    Incident incident,
    boolean released,
    long releaseAt,
    String explainedBy,
    IncidentType rootCause) {

  static TrackedIncident pending(Incident incident, long releaseAt) {
    return new TrackedIncident(incident, false, releaseAt, null, null);
  }

  static TrackedIncident releasedUnexplained(Incident incident, long releaseAt) {
    return new TrackedIncident(incident, true, releaseAt, null, incident.type());
  }

  static TrackedIncident releasedExplained(
      Incident incident, long releaseAt, String explainedBy, IncidentType rootCause) {
    return new TrackedIncident(incident, true, releaseAt, explainedBy, rootCause);
  }

  public IncidentType type() {
    return incident.type();
  }

  void writeTo(StateWriter out) {
    out.writeIncident(incident);
    out.writeBoolean(released);
    out.writeLong(releaseAt);
    out.writeNullableString(explainedBy);
    out.writeBoolean(rootCause != null);
    if (rootCause != null) {
      out.writeEnum(rootCause);
    }
  }

  static TrackedIncident readFrom(StateReader in) {
    Incident incident = in.readIncident();
    boolean released = in.readBoolean();
    long releaseAt = in.readLong();
    String explainedBy = in.readNullableString();
    IncidentType rootCause = in.readBoolean() ? in.readEnum(IncidentType.class) : null;
    return new TrackedIncident(incident, released, releaseAt, explainedBy, rootCause);
  }
}

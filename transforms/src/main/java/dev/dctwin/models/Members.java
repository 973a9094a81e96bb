package dev.dctwin.models;

import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The helpers the group states share for their two maps: members (sorted by id) to their tracked
 * incidents, and the group's own open incidents by type.
 */
final class Members {
  private Members() {}

  static SortedMap<String, Map<IncidentType, TrackedIncident>> immutableCopy(
      Map<String, Map<IncidentType, TrackedIncident>> members) {
    TreeMap<String, Map<IncidentType, TrackedIncident>> copy = new TreeMap<>();
    members.forEach((member, incidents) -> copy.put(member, immutableEnumMap(incidents)));
    return Collections.unmodifiableSortedMap(copy);
  }

  static <V> Map<IncidentType, V> immutableEnumMap(Map<IncidentType, V> map) {
    EnumMap<IncidentType, V> copy = new EnumMap<>(IncidentType.class);
    copy.putAll(map);
    return Collections.unmodifiableMap(copy);
  }

  /** The earliest release time of a pending incident: when the group's timer must fire. */
  static OptionalLong nextRelease(Map<String, Map<IncidentType, TrackedIncident>> members) {
    return members.values().stream()
        .flatMap(incidents -> incidents.values().stream())
        .filter(tracked -> !tracked.released())
        .mapToLong(TrackedIncident::releaseAt)
        .min();
  }

  static void write(StateWriter out, Map<String, Map<IncidentType, TrackedIncident>> members) {
    out.writeVarLong(members.size());
    members.forEach(
        (member, incidents) -> {
          out.writeString(member);
          out.writeVarLong(incidents.size());
          incidents.values().forEach(tracked -> tracked.writeTo(out));
        });
  }

  static Map<String, Map<IncidentType, TrackedIncident>> read(StateReader in) {
    Map<String, Map<IncidentType, TrackedIncident>> members = new TreeMap<>();
    for (int i = in.readVarInt(); i > 0; i--) {
      String member = in.readString();
      Map<IncidentType, TrackedIncident> incidents = new EnumMap<>(IncidentType.class);
      for (int j = in.readVarInt(); j > 0; j--) {
        TrackedIncident tracked = TrackedIncident.readFrom(in);
        incidents.put(tracked.type(), tracked);
      }
      members.put(member, incidents);
    }
    return members;
  }

  static void writeIncidents(StateWriter out, Map<IncidentType, Incident> incidents) {
    out.writeVarLong(incidents.size());
    incidents.values().forEach(out::writeIncident);
  }

  static Map<IncidentType, Incident> readIncidents(StateReader in) {
    Map<IncidentType, Incident> incidents = new EnumMap<>(IncidentType.class);
    for (int i = in.readVarInt(); i > 0; i--) {
      Incident incident = in.readIncident();
      incidents.put(incident.type(), incident);
    }
    return incidents;
  }
}

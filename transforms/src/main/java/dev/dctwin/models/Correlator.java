package dev.dctwin.models;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The correlation both group models apply, a rack over its servers and a datacenter over its racks:
 * hold the members' new incidents, open a group incident when enough members share related
 * incidents, and release the members' alerts with the group incident that explains them.
 */
final class Correlator {
  private final Level groupLevel;
  private final Map<IncidentType, Set<IncidentType>> evidenceByCause;
  private final long windowMs;
  private final long holdMs;
  private final double resolveFraction;
  private final boolean retainIdleMembers;

  /**
   * @param retainIdleMembers whether a member without open incidents stays in the state (a rack
   *     counts its commissioned servers; a datacenter only needs its unhealthy racks)
   */
  Correlator(
      Level groupLevel,
      Map<IncidentType, Set<IncidentType>> evidenceByCause,
      long windowMs,
      long holdMs,
      double resolveFraction,
      boolean retainIdleMembers) {
    this.groupLevel = groupLevel;
    this.evidenceByCause = evidenceByCause;
    this.windowMs = windowMs;
    this.holdMs = holdMs;
    this.resolveFraction = resolveFraction;
    this.retainIdleMembers = retainIdleMembers;
  }

  /** A member's alert to emit. */
  record MemberAlert(String member, TrackedIncident tracked, AlertStatus status, long eventTime) {}

  /** A group incident that opened or resolved; {@code context} describes the members involved. */
  record GroupChange(Incident incident, AlertStatus status, long eventTime, String context) {}

  /** The group's state during one call, mutable, and what the call emits. */
  final class Session {
    private final String groupId;
    private final TreeMap<String, Map<IncidentType, TrackedIncident>> members = new TreeMap<>();
    private final Map<IncidentType, Incident> groupIncidents = new EnumMap<>(IncidentType.class);
    final List<MemberAlert> memberAlerts = new ArrayList<>();
    final List<GroupChange> groupChanges = new ArrayList<>();

    Session(
        String groupId,
        Map<String, Map<IncidentType, TrackedIncident>> members,
        Map<IncidentType, Incident> groupIncidents) {
      this.groupId = groupId;
      members.forEach((member, incidents) -> this.members.put(member, enumMap(incidents)));
      this.groupIncidents.putAll(groupIncidents);
    }

    Map<String, Map<IncidentType, TrackedIncident>> members() {
      return members;
    }

    Map<IncidentType, Incident> groupIncidents() {
      return groupIncidents;
    }

    /**
     * Releases, unexplained and at their own release time, the pending incidents due by {@code
     * now}. Called first on every input, so that an incident whose hold ended before the input's
     * event time is not explained by a group incident that opened after it, however late the timer
     * fires.
     */
    void releaseDue(long now) {
      record Due(String member, TrackedIncident tracked) {}
      List<Due> due = new ArrayList<>();
      members.forEach(
          (member, incidents) ->
              incidents.values().stream()
                  .filter(tracked -> !tracked.released() && tracked.releaseAt() <= now)
                  .forEach(tracked -> due.add(new Due(member, tracked))));
      due.sort(
          Comparator.comparingLong((Due d) -> d.tracked().releaseAt())
              .thenComparing(Due::member)
              .thenComparing(d -> d.tracked().type()));
      for (Due d : due) {
        TrackedIncident tracked = d.tracked();
        TrackedIncident released =
            TrackedIncident.releasedUnexplained(tracked.incident(), tracked.releaseAt());
        members.get(d.member()).put(released.type(), release(d.member(), released));
      }
    }

    /**
     * Replaces a member's open incidents by {@code open}. An incident that disappeared, or whose
     * {@code openedAt} changed (it resolved and reopened in between), is closed: its RESOLVED alert
     * is released if its OPENED alert was; if it was still held, neither is (de-noising: an
     * incident that ended within the hold never pages). A new incident is released at once when no
     * cause relates to it or an open group incident explains it, and held otherwise.
     */
    void update(String member, Map<IncidentType, Incident> open, long eventTime) {
      Map<IncidentType, TrackedIncident> current = members.getOrDefault(member, Map.of());
      Map<IncidentType, TrackedIncident> next = new EnumMap<>(IncidentType.class);
      current.forEach(
          (type, tracked) -> {
            Incident reported = open.get(type);
            if (reported != null && reported.openedAt() == tracked.incident().openedAt()) {
              next.put(type, tracked);
            } else {
              close(member, tracked, eventTime);
            }
          });
      for (Incident incident : enumMap(open).values()) {
        if (!next.containsKey(incident.type())) {
          next.put(incident.type(), admit(member, incident, eventTime));
        }
      }
      if (next.isEmpty() && !retainIdleMembers) {
        members.remove(member);
      } else {
        members.put(member, next);
      }
    }

    /** Forgets a member that left the group, closing its incidents as {@link #update} does. */
    void remove(String member, long eventTime) {
      Map<IncidentType, TrackedIncident> incidents = members.remove(member);
      if (incidents != null) {
        incidents.values().forEach(tracked -> close(member, tracked, eventTime));
      }
    }

    /**
     * Forgets a member that is gone, as {@link #remove} does, and announces it with one alert of
     * {@code gone}: RESOLVED at once, since no twin is left to resolve it later.
     */
    void gone(String member, Incident gone, long eventTime) {
      remove(member, eventTime);
      memberAlerts.add(
          new MemberAlert(
              member,
              TrackedIncident.releasedUnexplained(gone, eventTime),
              AlertStatus.RESOLVED,
              eventTime));
    }

    /**
     * Opens the group incident of every cause whose evidence is shared by at least {@code
     * openThreshold} members with incidents opened within the correlation window of each other, and
     * resolves an open one when fewer than {@code ceil(resolveFraction * openThreshold)} members
     * (at least one) still have related incidents. The group incident's {@code openedAt} (and so
     * its id) is the opening time of the member incident that reached the threshold: an event time
     * taken from the evidence, never a processing time, so a replay of the same input gives the
     * same id. {@code population} names the members in contexts, as in "5 of 40 servers".
     */
    void correlate(long eventTime, int openThreshold, String population) {
      int resolveBelow = Math.max(1, (int) Math.ceil(resolveFraction * openThreshold));
      evidenceByCause.forEach(
          (cause, evidence) -> {
            Incident open = groupIncidents.get(cause);
            int affected = affectedMembers(evidence);
            if (open == null) {
              OptionalLong reachedAt = thresholdReachedAt(evidence, openThreshold);
              if (reachedAt.isPresent()) {
                String context = affected + " " + population + ": " + presentTypes(evidence);
                Incident incident =
                    new Incident(cause, cause.defaultSeverity(), reachedAt.getAsLong(), context);
                groupIncidents.put(cause, incident);
                groupChanges.add(new GroupChange(incident, AlertStatus.OPENED, eventTime, context));
                releaseExplained(evidence, incident, eventTime);
              }
            } else if (affected < resolveBelow) {
              groupIncidents.remove(cause);
              groupChanges.add(
                  new GroupChange(
                      open,
                      AlertStatus.RESOLVED,
                      eventTime,
                      affected + " " + population + " still affected"));
            }
          });
    }

    private TrackedIncident admit(String member, Incident incident, long eventTime) {
      IncidentType type = incident.type();
      if (evidenceByCause.values().stream().noneMatch(evidence -> evidence.contains(type))) {
        return release(member, TrackedIncident.releasedUnexplained(incident, eventTime));
      }
      for (Incident groupIncident : groupIncidents.values()) {
        if (evidenceByCause.get(groupIncident.type()).contains(type)) {
          return release(
              member,
              TrackedIncident.releasedExplained(
                  incident, eventTime, groupIncidentId(groupIncident), groupIncident.type()));
        }
      }
      return TrackedIncident.pending(incident, eventTime + holdMs);
    }

    /** Emits the OPENED alert of {@code released}, at its release time, and returns it. */
    private TrackedIncident release(String member, TrackedIncident released) {
      memberAlerts.add(new MemberAlert(member, released, AlertStatus.OPENED, released.releaseAt()));
      return released;
    }

    private void close(String member, TrackedIncident tracked, long eventTime) {
      if (tracked.released()) {
        memberAlerts.add(new MemberAlert(member, tracked, AlertStatus.RESOLVED, eventTime));
      }
    }

    private void releaseExplained(Set<IncidentType> evidence, Incident groupIncident, long now) {
      String id = groupIncidentId(groupIncident);
      members.forEach(
          (member, incidents) ->
              incidents.replaceAll(
                  (type, tracked) ->
                      tracked.released() || !evidence.contains(type)
                          ? tracked
                          : release(
                              member,
                              TrackedIncident.releasedExplained(
                                  tracked.incident(), now, id, groupIncident.type()))));
    }

    private int affectedMembers(Set<IncidentType> evidence) {
      return (int)
          members.values().stream()
              .filter(incidents -> incidents.keySet().stream().anyMatch(evidence::contains))
              .count();
    }

    /**
     * The earliest opening time at which {@code threshold} distinct members had evidence opened
     * within {@code windowMs} of each other, scanning the openings in time order.
     */
    private OptionalLong thresholdReachedAt(Set<IncidentType> evidence, int threshold) {
      record Opening(long time, String member) {}
      List<Opening> openings = new ArrayList<>();
      members.forEach(
          (member, incidents) ->
              incidents.values().stream()
                  .filter(tracked -> evidence.contains(tracked.type()))
                  .forEach(
                      tracked -> openings.add(new Opening(tracked.incident().openedAt(), member))));
      openings.sort(Comparator.comparingLong(Opening::time).thenComparing(Opening::member));
      Map<String, Integer> inWindow = new HashMap<>();
      int start = 0;
      for (Opening latest : openings) {
        inWindow.merge(latest.member(), 1, Integer::sum);
        while (latest.time() - openings.get(start).time() > windowMs) {
          inWindow.computeIfPresent(
              openings.get(start++).member(), (m, n) -> n == 1 ? null : n - 1);
        }
        if (inWindow.size() >= threshold) {
          return OptionalLong.of(latest.time());
        }
      }
      return OptionalLong.empty();
    }

    private String presentTypes(Set<IncidentType> evidence) {
      EnumSet<IncidentType> present = EnumSet.noneOf(IncidentType.class);
      members.values().forEach(incidents -> present.addAll(incidents.keySet()));
      present.retainAll(evidence);
      return present.stream().map(IncidentType::name).collect(Collectors.joining(", "));
    }

    private String groupIncidentId(Incident incident) {
      return Alert.incidentId(groupLevel, groupId, incident.type(), incident.openedAt());
    }
  }

  /** The alert announcing a change of {@code incident}. */
  static Alert alert(
      Level level,
      String entity,
      String datacenterId,
      String rackId,
      Incident incident,
      AlertStatus status,
      long eventTime,
      IncidentType rootCause,
      String explainedBy,
      String context) {
    return new Alert(
        Alert.incidentId(level, entity, incident.type(), incident.openedAt()),
        status,
        level,
        entity,
        datacenterId,
        rackId,
        incident.type(),
        incident.severity(),
        incident.openedAt(),
        eventTime,
        rootCause,
        explainedBy,
        context,
        incident.evidence());
  }

  /**
   * Validates a cause-to-evidence mapping and copies it into an immutable, enum-ordered map, so
   * that causes are evaluated and contexts list types in a stable order.
   */
  static Map<IncidentType, Set<IncidentType>> evidenceCopy(
      Map<IncidentType, Set<IncidentType>> evidenceByCause, Level causeLevel, Level evidenceLevel) {
    Map<IncidentType, Set<IncidentType>> copy = new EnumMap<>(IncidentType.class);
    evidenceByCause.forEach(
        (cause, evidence) -> {
          if (cause.level() != causeLevel || evidence.isEmpty()) {
            throw new IllegalArgumentException(
                "cause " + cause + " must be a " + causeLevel + " type with evidence");
          }
          for (IncidentType type : evidence) {
            if (type.level() != evidenceLevel) {
              throw new IllegalArgumentException(
                  "evidence " + type + " of " + cause + " must be a " + evidenceLevel + " type");
            }
          }
          copy.put(cause, Collections.unmodifiableSet(EnumSet.copyOf(evidence)));
        });
    return Collections.unmodifiableMap(copy);
  }

  private static <V> Map<IncidentType, V> enumMap(Map<IncidentType, V> source) {
    Map<IncidentType, V> copy = new EnumMap<>(IncidentType.class);
    copy.putAll(source);
    return copy;
  }
}

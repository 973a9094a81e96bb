package dev.dctwin.models;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The correlation model of one datacenter, the rack model one level up: turns its racks' incident
 * changes (the {@link RackDecision#rackChanges()} of its racks) into rack alerts and datacenter
 * incidents (power supply degradation, network core, cooling). Pure and deterministic: no clock, no
 * Beam; event times are epoch ms.
 *
 * <p>A datacenter incident opens when at least {@code affectedRacks} racks (3) have related rack
 * incidents opened within W (5 min) of each other, and resolves when fewer than half that many
 * still have one. A rack alert of a correlatable type is held for H (30 s) and released with {@code
 * explainedBy} = the datacenter incident's id if one explains it by then, unexplained otherwise; a
 * rack incident that resolves while held releases neither alert. Only rack incidents are
 * correlated; servers reach this level through their racks.
 */
public final class DataCenterCorrelationModel {
  private final DataCenterCorrelationConfig config;
  private final Correlator correlator;

  public DataCenterCorrelationModel(DataCenterCorrelationConfig config) {
    this.config = config;
    this.correlator =
        new Correlator(
            Level.DATACENTER,
            config.evidenceByCause(),
            config.windowMs(),
            config.holdMs(),
            config.resolveFraction(),
            false);
  }

  /**
   * A rack incident opened or resolved ({@code rackChange.level()} must be RACK), at {@code
   * rackChange.eventTime()}. A RESOLVED change for an incident the state does not hold (another
   * {@code openedAt}, or a duplicate) changes nothing. Releases the held alerts due by its event
   * time first.
   */
  public DataCenterDecision onRackChange(DataCenterState state, Alert rackChange) {
    if (rackChange.level() != Level.RACK) {
      throw new IllegalArgumentException("not a rack incident: " + rackChange);
    }
    String rackId = rackChange.entity();
    long eventTime = rackChange.eventTime();
    Map<IncidentType, Incident> open = new EnumMap<>(IncidentType.class);
    state
        .racks()
        .getOrDefault(rackId, Map.of())
        .forEach((type, tracked) -> open.put(type, tracked.incident()));
    Incident changed =
        new Incident(
            rackChange.incidentType(),
            rackChange.severity(),
            rackChange.openedAt(),
            rackChange.context());
    if (rackChange.status() == AlertStatus.OPENED) {
      open.put(changed.type(), changed);
    } else {
      Incident known = open.get(changed.type());
      if (known != null && known.openedAt() == changed.openedAt()) {
        open.remove(changed.type());
      }
    }
    Correlator.Session session = session(state);
    session.releaseDue(eventTime);
    session.update(rackId, open, eventTime);
    return decide(state, session, eventTime);
  }

  /** The twin's timer fired at {@code now}: releases the held alerts that are due. */
  public DataCenterDecision onTimer(DataCenterState state, long now) {
    Correlator.Session session = session(state);
    session.releaseDue(now);
    return decide(state, session, now);
  }

  /** The racks of this datacenter with open incidents, sorted by id. */
  public SortedSet<String> unhealthyRacks(DataCenterState state) {
    return state.unhealthyRacks();
  }

  private Correlator.Session session(DataCenterState state) {
    return correlator.new Session(state.datacenterId(), state.racks(), state.datacenterIncidents());
  }

  private DataCenterDecision decide(
      DataCenterState old, Correlator.Session session, long eventTime) {
    session.correlate(eventTime, config.affectedRacks(), "racks");
    DataCenterState state =
        new DataCenterState(old.datacenterId(), session.members(), session.groupIncidents());
    String datacenterId = state.datacenterId();
    List<Alert> rackAlerts =
        session.memberAlerts.stream()
            .map(
                alert ->
                    Correlator.alert(
                        Level.RACK,
                        alert.member(),
                        datacenterId,
                        alert.member(),
                        alert.tracked().incident(),
                        alert.status(),
                        alert.eventTime(),
                        alert.tracked().rootCause(),
                        alert.tracked().explainedBy(),
                        alert.tracked().incident().context()))
            .toList();
    List<Alert> datacenterAlerts =
        session.groupChanges.stream()
            .map(
                change ->
                    Correlator.alert(
                        Level.DATACENTER,
                        datacenterId,
                        datacenterId,
                        null,
                        change.incident(),
                        change.status(),
                        change.eventTime(),
                        change.incident().type(),
                        null,
                        change.context()))
            .toList();
    return new DataCenterDecision(state, rackAlerts, datacenterAlerts, state.nextTimer());
  }
}

package dev.dctwin.models;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import java.util.List;
import java.util.Map;

/**
 * The correlation model of one rack: turns its servers' incidents into server alerts and rack
 * incidents with a suspected root cause (a ToR switch, the rack's power, its cooling). Pure and
 * deterministic: no clock, no Beam; event times are epoch ms.
 *
 * <p>Rules, with the defaults of {@link RackCorrelationConfig}:
 *
 * <ul>
 *   <li>A rack incident opens when at least {@link RackCorrelationConfig#openThreshold(int)}
 *       servers (5 in a rack of 40) have related incidents that opened within W (5 min) of each
 *       other, and resolves when fewer than half that many still have one.
 *   <li>A newly opened server incident of a correlatable type is held for H (30 s): the first
 *       servers of a ToR failure report before the rack incident exists. If a related rack incident
 *       opens meanwhile (or is already open), its OPENED alert is released at once with {@code
 *       explainedBy} = the rack incident's id and {@code rootCause} = its type; otherwise it is
 *       released unexplained, at the end of the hold. Other types are released at once.
 *   <li>A server incident that resolves while still held releases neither alert: it paged no one
 *       and needs no all-clear. Otherwise its RESOLVED alert carries the OPENED alert's
 *       explanation.
 *   <li>A server incident released unexplained stays so even if a rack incident opens later within
 *       W: its OPENED alert is out, and alerts are immutable facts.
 *   <li>A server that leaves (decommissioned, or gone after its TTL) no longer counts: its released
 *       incidents resolve, its held ones are dropped; a gone one is announced by one RESOLVED
 *       SERVER_GONE alert.
 * </ul>
 */
public final class RackCorrelationModel {
  private final RackCorrelationConfig config;
  private final Correlator correlator;

  public RackCorrelationModel(RackCorrelationConfig config) {
    this.config = config;
    this.correlator =
        new Correlator(
            Level.RACK,
            config.evidenceByCause(),
            config.windowMs(),
            config.holdMs(),
            config.resolveFraction(),
            true);
  }

  /**
   * A server's complete set of open incidents, sent whenever it changes (empty = all clear, and on
   * commissioning). Releases the held alerts due by {@code eventTime} first.
   */
  public RackDecision onServerIncidents(
      RackState state, String serverId, Map<IncidentType, Incident> open, long eventTime) {
    Correlator.Session session = session(state);
    session.releaseDue(eventTime);
    session.update(serverId, open, eventTime);
    return decide(state, session, eventTime);
  }

  /** A server was decommissioned: its incidents close and it no longer counts in the rack. */
  public RackDecision onServerLeft(RackState state, String serverId, long eventTime) {
    Correlator.Session session = session(state);
    session.releaseDue(eventTime);
    session.remove(serverId, eventTime);
    return decide(state, session, eventTime);
  }

  /**
   * A server was forgotten after going without a report for too long ({@code gone} is its
   * SERVER_GONE incident): it leaves the rack as if decommissioned, and one SERVER_GONE alert says
   * so. The alert is RESOLVED, opened and resolved at {@code eventTime}: nothing tracks the server
   * any more that could resolve an OPENED one, which would otherwise stay open for ever.
   */
  public RackDecision onServerGone(
      RackState state, String serverId, Incident gone, long eventTime) {
    Correlator.Session session = session(state);
    session.releaseDue(eventTime);
    session.gone(serverId, gone, eventTime);
    return decide(state, session, eventTime);
  }

  /** The twin's timer fired at {@code now}: releases the held alerts that are due. */
  public RackDecision onTimer(RackState state, long now) {
    Correlator.Session session = session(state);
    session.releaseDue(now);
    return decide(state, session, now);
  }

  private Correlator.Session session(RackState state) {
    return correlator.new Session(state.rackId(), state.servers(), state.rackIncidents());
  }

  private RackDecision decide(RackState old, Correlator.Session session, long eventTime) {
    int commissioned = session.members().size();
    session.correlate(
        eventTime, config.openThreshold(commissioned), "of " + commissioned + " servers");
    RackState state =
        new RackState(
            old.rackId(), old.datacenterId(), session.members(), session.groupIncidents());
    List<Alert> serverAlerts =
        session.memberAlerts.stream()
            .map(
                alert ->
                    Correlator.alert(
                        Level.SERVER,
                        alert.member(),
                        state.datacenterId(),
                        state.rackId(),
                        alert.tracked().incident(),
                        alert.status(),
                        alert.eventTime(),
                        alert.tracked().rootCause(),
                        alert.tracked().explainedBy(),
                        alert.tracked().incident().context()))
            .toList();
    List<Alert> rackChanges =
        session.groupChanges.stream()
            .map(
                change ->
                    Correlator.alert(
                        Level.RACK,
                        state.rackId(),
                        state.datacenterId(),
                        state.rackId(),
                        change.incident(),
                        change.status(),
                        change.eventTime(),
                        change.incident().type(),
                        null,
                        change.context()))
            .toList();
    return new RackDecision(state, serverAlerts, rackChanges, state.nextTimer());
  }
}

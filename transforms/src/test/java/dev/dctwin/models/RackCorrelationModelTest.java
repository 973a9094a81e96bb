package dev.dctwin.models;

import static dev.dctwin.domain.IncidentType.DISK_FAILURE;
import static dev.dctwin.domain.IncidentType.NIC_ERRORS;
import static dev.dctwin.domain.IncidentType.NIC_PACKET_LOSS;
import static dev.dctwin.domain.IncidentType.RACK_COOLING;
import static dev.dctwin.domain.IncidentType.SERVER_SILENT;
import static dev.dctwin.domain.IncidentType.THERMAL;
import static dev.dctwin.domain.IncidentType.TOR_SWITCH;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.Severity;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.Test;

public class RackCorrelationModelTest {
  private static final long T0 = SampleMessages.T0;
  private static final long HOLD = 30_000;

  private static Incident incident(IncidentType type, long openedAt) {
    return new Incident(type, type.defaultSeverity(), openedAt, type + " evidence");
  }

  private static List<Alert> withStatus(List<Alert> alerts, AlertStatus status) {
    return alerts.stream().filter(alert -> alert.status() == status).toList();
  }

  /** Servers 1..count lose packets, one every 500 ms from T0. */
  private static RackTwin torBurst(int count) {
    RackTwin rack = new RackTwin(40, T0 - 3_600_000);
    for (int i = 1; i <= count; i++) {
      long time = T0 + (i - 1) * 500L;
      rack.incidents(rack.server(i), time, incident(NIC_PACKET_LOSS, time));
    }
    rack.advanceTo(T0 + 600_000);
    return rack;
  }

  @Test
  public void torFailureIsOneRackIncidentExplainingEveryServerAlert() {
    RackTwin rack = torBurst(30);

    assertThat(rack.rackChanges, hasSize(1));
    Alert tor = rack.rackChanges.get(0);
    assertThat(tor.status(), is(AlertStatus.OPENED));
    assertThat(tor.level(), is(Level.RACK));
    assertThat(tor.incidentType(), is(TOR_SWITCH));
    assertThat(tor.entity(), is("dc1-r01"));
    assertThat(tor.datacenterId(), is("dc1"));
    // The fifth server's opening reached k = 5.
    long fifth = T0 + 2_000;
    assertThat(tor.openedAt(), is(fifth));
    assertThat(tor.eventTime(), is(fifth));
    assertThat(tor.incidentId(), is(Alert.incidentId(Level.RACK, "dc1-r01", TOR_SWITCH, fifth)));
    assertThat(tor.context(), is("5 of 40 servers: NIC_PACKET_LOSS"));

    assertThat(rack.serverAlerts, hasSize(30));
    assertThat(
        rack.serverAlerts.stream().map(Alert::explainedBy).collect(Collectors.toSet()),
        is(Set.of(tor.incidentId())));
    assertThat(
        rack.serverAlerts.stream().map(Alert::rootCause).collect(Collectors.toSet()),
        is(Set.of(TOR_SWITCH)));
    assertThat(rack.serverAlerts.stream().map(Alert::entity).distinct().count(), is(30L));
    Alert first = rack.serverAlerts.get(0);
    assertThat(
        first.incidentId(), is(Alert.incidentId(Level.SERVER, "dc1-r01-s01", NIC_PACKET_LOSS, T0)));
    assertThat(first.rackId(), is("dc1-r01"));
    assertThat(first.eventTime(), is(fifth));
    assertThat(rack.timer(), is(OptionalLong.empty()));
  }

  @Test
  public void recoveryResolvesTheRackIncidentOnceBelowHalfTheThreshold() {
    RackTwin rack = torBurst(30);
    String torId = rack.rackChanges.get(0).incidentId();
    long recovery = T0 + 900_000;
    for (int i = 1; i <= 30; i++) {
      rack.incidents(rack.server(i), recovery + i * 1_000L);
    }

    List<Alert> resolutions = withStatus(rack.rackChanges, AlertStatus.RESOLVED);
    assertThat(resolutions, hasSize(1));
    // Threshold 5, resolves below ceil(2.5) = 3: at the 28th recovery, 2 servers are left.
    assertThat(resolutions.get(0).eventTime(), is(recovery + 28_000));
    assertThat(resolutions.get(0).incidentId(), is(torId));
    assertThat(resolutions.get(0).context(), is("2 of 40 servers still affected"));

    List<Alert> serverResolutions = withStatus(rack.serverAlerts, AlertStatus.RESOLVED);
    assertThat(serverResolutions, hasSize(30));
    assertThat(serverResolutions.stream().map(Alert::explainedBy).toList(), everyItem(is(torId)));
    assertThat(rack.state().rackIncidents().isEmpty(), is(true));
  }

  @Test
  public void diskFailureIsReleasedAtOnceWithoutRackIncident() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    RackDecision decision = rack.incidents(rack.server(7), T0, incident(DISK_FAILURE, T0));

    assertThat(decision.serverAlerts(), hasSize(1));
    Alert alert = decision.serverAlerts().get(0);
    assertThat(alert.status(), is(AlertStatus.OPENED));
    assertThat(alert.entity(), is("dc1-r01-s07"));
    assertThat(alert.incidentType(), is(DISK_FAILURE));
    assertThat(alert.rootCause(), is(DISK_FAILURE));
    assertThat(alert.explainedBy(), is(nullValue()));
    assertThat(alert.eventTime(), is(T0));
    assertThat(decision.rackChanges(), is(empty()));
    assertThat(decision.nextTimer(), is(OptionalLong.empty()));
  }

  @Test
  public void fewerThanKServersAreReleasedUnexplainedAfterTheHold() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    for (int i = 1; i <= 4; i++) {
      long time = T0 + i * 1_000L;
      RackDecision decision = rack.incidents(rack.server(i), time, incident(NIC_PACKET_LOSS, time));
      assertThat(decision.serverAlerts(), is(empty()));
    }
    assertThat(rack.timer(), is(OptionalLong.of(T0 + 1_000 + HOLD)));

    rack.advanceTo(T0 + 600_000);
    assertThat(rack.serverAlerts, hasSize(4));
    for (int i = 0; i < 4; i++) {
      Alert alert = rack.serverAlerts.get(i);
      assertThat(alert.explainedBy(), is(nullValue()));
      assertThat(alert.rootCause(), is(NIC_PACKET_LOSS));
      assertThat(alert.eventTime(), is(T0 + (i + 1) * 1_000L + HOLD));
    }
    assertThat(rack.rackChanges, is(empty()));
  }

  @Test
  public void incidentResolvedWithinTheHoldReleasesNeitherAlert() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    rack.incidents(rack.server(1), T0, incident(NIC_PACKET_LOSS, T0));
    rack.incidents(rack.server(1), T0 + 20_000);
    rack.advanceTo(T0 + 600_000);
    assertThat(rack.serverAlerts, is(empty()));
    assertThat(rack.timer(), is(OptionalLong.empty()));
  }

  @Test
  public void releasedIncidentResolvesWithItsOwnAlert() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    rack.incidents(rack.server(1), T0, incident(NIC_ERRORS, T0));
    rack.advanceTo(T0 + HOLD);
    rack.incidents(rack.server(1), T0 + 60_000);
    assertThat(
        rack.serverAlerts.stream().map(Alert::status).toList(),
        contains(AlertStatus.OPENED, AlertStatus.RESOLVED));
    assertThat(rack.serverAlerts.get(1).incidentId(), is(rack.serverAlerts.get(0).incidentId()));
    assertThat(rack.serverAlerts.get(1).eventTime(), is(T0 + 60_000));
  }

  @Test
  public void openingsSpreadWiderThanTheWindowDoNotCorrelate() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    for (int i = 0; i < 5; i++) {
      long time = T0 + i * 120_000L;
      rack.advanceTo(time);
      rack.incidents(rack.server(i + 1), time, incident(NIC_PACKET_LOSS, time));
    }
    rack.advanceTo(T0 + 3_600_000);
    assertThat(rack.rackChanges, is(empty()));
    assertThat(rack.serverAlerts, hasSize(5));
    assertThat(
        rack.serverAlerts.stream().map(Alert::explainedBy).toList(), everyItem(is(nullValue())));
  }

  @Test
  public void silentServersAndInterfaceErrorsAlsoPointAtTheTorSwitch() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    for (int i = 1; i <= 5; i++) {
      long time = T0 + i * 1_000L;
      IncidentType type = i % 2 == 0 ? NIC_ERRORS : SERVER_SILENT;
      rack.incidents(rack.server(i), time, incident(type, time));
    }
    assertThat(rack.rackChanges, hasSize(1));
    assertThat(rack.rackChanges.get(0).context(), is("5 of 40 servers: NIC_ERRORS, SERVER_SILENT"));
    assertThat(rack.serverAlerts, hasSize(5));
  }

  @Test
  public void inASmallRackTheFractionDecides() {
    RackTwin rack = new RackTwin(RackCorrelationConfig.defaults(), "dc1-r09", 8, T0 - 60_000);
    rack.incidents(rack.server(1), T0, incident(THERMAL, T0));
    rack.incidents(rack.server(2), T0 + 5_000, incident(THERMAL, T0 + 5_000));
    assertThat(rack.rackChanges, hasSize(1));
    assertThat(rack.rackChanges.get(0).incidentType(), is(RACK_COOLING));
    assertThat(rack.rackChanges.get(0).context(), is("2 of 8 servers: THERMAL"));
  }

  @Test
  public void thresholdIsTheFirstOfKAndFractionButNeverOneServer() {
    RackCorrelationConfig config = RackCorrelationConfig.defaults();
    assertThat(config.openThreshold(40), is(5));
    assertThat(config.openThreshold(20), is(5));
    assertThat(config.openThreshold(12), is(3));
    assertThat(config.openThreshold(8), is(2));
    assertThat(config.openThreshold(1), is(2));
  }

  @Test
  public void aLateTimerDoesNotLetALaterRackIncidentExplainExpiredHolds() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    for (int i = 1; i <= 4; i++) {
      rack.incidents(rack.server(i), T0 + i, incident(NIC_PACKET_LOSS, T0 + i));
    }
    // The watermark lags: the fifth server arrives after the holds ended, before the timer fired.
    long late = T0 + 40_000;
    RackDecision decision = rack.incidents(rack.server(5), late, incident(NIC_PACKET_LOSS, late));

    assertThat(decision.rackChanges(), hasSize(1));
    String torId = decision.rackChanges().get(0).incidentId();
    List<Alert> alerts = decision.serverAlerts();
    assertThat(alerts, hasSize(5));
    for (int i = 0; i < 4; i++) {
      assertThat(alerts.get(i).explainedBy(), is(nullValue()));
      assertThat(alerts.get(i).eventTime(), is(T0 + i + 1 + HOLD));
    }
    assertThat(alerts.get(4).explainedBy(), is(torId));
  }

  @Test
  public void aDecommissionedServerResolvesItsIncidentsAndLeavesTheCount() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    rack.incidents(rack.server(3), T0, incident(DISK_FAILURE, T0));
    RackDecision decision = rack.left(rack.server(3), T0 + 60_000);
    assertThat(decision.serverAlerts(), hasSize(1));
    assertThat(decision.serverAlerts().get(0).status(), is(AlertStatus.RESOLVED));
    assertThat(decision.state().commissionedServers(), is(39));
  }

  @Test
  public void aGoneServerLeavesTheCountWithOneResolvedServerGoneAlert() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    rack.incidents(rack.server(3), T0, incident(DISK_FAILURE, T0));
    long goneAt = T0 + 7L * 24 * 3_600_000;
    Incident gone = new Incident(IncidentType.SERVER_GONE, Severity.WARNING, goneAt, "gone");
    RackDecision decision = rack.gone(rack.server(3), gone);

    assertThat(decision.state().commissionedServers(), is(39));
    assertThat(decision.state().servers().containsKey(rack.server(3)), is(false));
    assertThat(
        decision.serverAlerts().stream()
            .map(a -> a.incidentType() + " " + a.status() + "@" + a.eventTime())
            .toList(),
        contains("DISK_FAILURE RESOLVED@" + goneAt, "SERVER_GONE RESOLVED@" + goneAt));
    Alert goneAlert = decision.serverAlerts().get(1);
    assertThat(goneAlert.entity(), is(rack.server(3)));
    assertThat(goneAlert.rackId(), is("dc1-r01"));
    assertThat(goneAlert.openedAt(), is(goneAt));
    assertThat(goneAlert.context(), is("gone"));
    assertThat(
        goneAlert.incidentId(),
        is(Alert.incidentId(Level.SERVER, rack.server(3), IncidentType.SERVER_GONE, goneAt)));
  }

  @Test
  public void theLastServerGoneLeavesAnEmptyRack() {
    RackTwin rack = new RackTwin(1, T0);
    rack.gone(
        rack.server(1),
        new Incident(IncidentType.SERVER_GONE, Severity.WARNING, T0 + 1_000, "gone"));
    assertThat(rack.state().servers().isEmpty(), is(true));
    assertThat(rack.state().rackIncidents().isEmpty(), is(true));
    assertThat(rack.timer(), is(OptionalLong.empty()));
  }

  @Test
  public void aReopenedIncidentIsANewIncident() {
    RackTwin rack = new RackTwin(40, T0 - 60_000);
    rack.incidents(rack.server(1), T0, incident(DISK_FAILURE, T0));
    rack.incidents(rack.server(1), T0 + 60_000, incident(DISK_FAILURE, T0 + 50_000));
    assertThat(
        rack.serverAlerts.stream().map(a -> a.status() + "@" + a.openedAt()).toList(),
        contains("OPENED@" + T0, "RESOLVED@" + T0, "OPENED@" + (T0 + 50_000)));
  }

  @Test
  public void stateOfAFullRackRoundTripsCompactly() {
    RackTwin rack = torBurst(30);
    RackState state = rack.state();
    assertThat(RackState.fromBytes(state.toBytes()), is(state));
    assertThat(state.commissionedServers(), is(40));
    assertThat(state.rackIncidents().keySet(), is(Set.of(TOR_SWITCH)));
    assertThat(rack.stateBytes(), lessThan(8 * 1024));
  }

  @Test
  public void configRejectsCrossLevelEvidence() {
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new RackCorrelationConfig(
                5, 0.25, 2, 300_000, 30_000, 0.5, Map.of(TOR_SWITCH, Set.of(RACK_COOLING))));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            new RackCorrelationConfig(
                5, 0.25, 2, 300_000, 30_000, 0.5, Map.of(THERMAL, Set.of(THERMAL))));
  }
}

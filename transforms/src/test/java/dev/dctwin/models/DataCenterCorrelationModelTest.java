package dev.dctwin.models;

import static dev.dctwin.domain.IncidentType.NETWORK_CORE;
import static dev.dctwin.domain.IncidentType.NIC_PACKET_LOSS;
import static dev.dctwin.domain.IncidentType.POWER_ANOMALY;
import static dev.dctwin.domain.IncidentType.POWER_SUPPLY_DEGRADATION;
import static dev.dctwin.domain.IncidentType.RACK_COOLING;
import static dev.dctwin.domain.IncidentType.RACK_POWER;
import static dev.dctwin.domain.IncidentType.TOR_SWITCH;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.SampleMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.Test;

public class DataCenterCorrelationModelTest {
  private static final long T0 = SampleMessages.T0;
  private static final long HOLD = 30_000;

  private final DataCenterCorrelationModel model =
      new DataCenterCorrelationModel(DataCenterCorrelationConfig.defaults());
  private byte[] state = DataCenterState.empty("dc1").toBytes();
  private OptionalLong timer = OptionalLong.empty();
  private final List<Alert> rackAlerts = new ArrayList<>();
  private final List<Alert> datacenterAlerts = new ArrayList<>();

  private static Alert rackChange(
      String rackId, IncidentType type, AlertStatus status, long openedAt, long eventTime) {
    return new Alert(
        Alert.incidentId(Level.RACK, rackId, type, openedAt),
        status,
        Level.RACK,
        rackId,
        "dc1",
        rackId,
        type,
        type.defaultSeverity(),
        openedAt,
        eventTime,
        type,
        null,
        "6 of 40 servers");
  }

  private DataCenterDecision send(Alert change) {
    return step(model.onRackChange(state(), change));
  }

  private void opened(String rackId, IncidentType type, long time) {
    send(rackChange(rackId, type, AlertStatus.OPENED, time, time));
  }

  private void resolved(String rackId, IncidentType type, long openedAt, long time) {
    send(rackChange(rackId, type, AlertStatus.RESOLVED, openedAt, time));
  }

  private void advanceTo(long time) {
    while (timer.isPresent() && timer.getAsLong() <= time) {
      step(model.onTimer(state(), timer.getAsLong()));
    }
  }

  private DataCenterState state() {
    return DataCenterState.fromBytes(state);
  }

  private DataCenterDecision step(DataCenterDecision decision) {
    state = decision.state().toBytes();
    timer = decision.nextTimer();
    rackAlerts.addAll(decision.rackAlerts());
    datacenterAlerts.addAll(decision.datacenterAlerts());
    return decision;
  }

  @Test
  public void threeRacksWithPowerProblemsAreOnePowerSupplyDegradation() {
    List<Alert> inputs = new ArrayList<>();
    for (int rack = 1; rack <= 3; rack++) {
      long time = T0 + rack * 10_000L;
      Alert change = rackChange("dc1-r0" + rack, RACK_POWER, AlertStatus.OPENED, time, time);
      inputs.add(change);
      send(change);
    }
    advanceTo(T0 + 600_000);

    assertThat(datacenterAlerts, hasSize(1));
    Alert supply = datacenterAlerts.get(0);
    assertThat(supply.incidentType(), is(POWER_SUPPLY_DEGRADATION));
    assertThat(supply.level(), is(Level.DATACENTER));
    assertThat(supply.entity(), is("dc1"));
    assertThat(supply.rackId(), is(nullValue()));
    assertThat(supply.openedAt(), is(T0 + 30_000));
    assertThat(supply.context(), is("3 racks: RACK_POWER"));

    assertThat(rackAlerts, hasSize(3));
    assertThat(
        rackAlerts.stream().map(Alert::explainedBy).toList(), everyItem(is(supply.incidentId())));
    assertThat(
        rackAlerts.stream().map(Alert::rootCause).toList(),
        everyItem(is(POWER_SUPPLY_DEGRADATION)));
    assertThat(
        rackAlerts.stream().map(Alert::incidentId).toList(),
        is(inputs.stream().map(Alert::incidentId).toList()));
    assertThat(state().unhealthyRacks(), contains("dc1-r01", "dc1-r02", "dc1-r03"));
  }

  @Test
  public void twoRacksAreNoDatacenterIncident() {
    opened("dc1-r01", RACK_POWER, T0);
    opened("dc1-r02", RACK_POWER, T0 + 5_000);
    assertThat(rackAlerts, is(empty()));
    advanceTo(T0 + 600_000);

    assertThat(datacenterAlerts, is(empty()));
    assertThat(rackAlerts, hasSize(2));
    assertThat(rackAlerts.stream().map(Alert::explainedBy).toList(), everyItem(is(nullValue())));
    assertThat(rackAlerts.get(0).eventTime(), is(T0 + HOLD));
    assertThat(rackAlerts.get(0).rootCause(), is(RACK_POWER));
  }

  @Test
  public void unhealthyRacksLeaveOutARecoveredRack() {
    opened("dc1-r07", TOR_SWITCH, T0);
    opened("dc1-r03", RACK_COOLING, T0 + 1_000);
    assertThat(model.unhealthyRacks(state()), contains("dc1-r03", "dc1-r07"));

    resolved("dc1-r07", TOR_SWITCH, T0, T0 + 120_000);
    assertThat(model.unhealthyRacks(state()), contains("dc1-r03"));
  }

  @Test
  public void aStaleResolutionChangesNothing() {
    opened("dc1-r07", TOR_SWITCH, T0);
    resolved("dc1-r07", TOR_SWITCH, T0 - 1, T0 + 1_000);
    assertThat(model.unhealthyRacks(state()), contains("dc1-r07"));
  }

  @Test
  public void rackIncidentResolvedWithinTheHoldReleasesNeitherAlert() {
    opened("dc1-r01", TOR_SWITCH, T0);
    resolved("dc1-r01", TOR_SWITCH, T0, T0 + 10_000);
    advanceTo(T0 + 600_000);
    assertThat(rackAlerts, is(empty()));
    assertThat(state().unhealthyRacks(), is(empty()));
  }

  @Test
  public void datacenterIncidentResolvesWhenRacksRecover() {
    for (int rack = 1; rack <= 3; rack++) {
      opened("dc1-r0" + rack, TOR_SWITCH, T0 + rack);
    }
    resolved("dc1-r01", TOR_SWITCH, T0 + 1, T0 + 600_000);
    assertThat(datacenterAlerts, hasSize(1));
    resolved("dc1-r02", TOR_SWITCH, T0 + 2, T0 + 601_000);

    assertThat(
        datacenterAlerts.stream().map(Alert::status).toList(),
        contains(AlertStatus.OPENED, AlertStatus.RESOLVED));
    assertThat(datacenterAlerts.get(1).incidentType(), is(NETWORK_CORE));
    assertThat(datacenterAlerts.get(1).eventTime(), is(T0 + 601_000));
    assertThat(datacenterAlerts.get(1).context(), is("1 racks still affected"));
    List<Alert> rackResolutions =
        rackAlerts.stream().filter(a -> a.status() == AlertStatus.RESOLVED).toList();
    assertThat(rackResolutions, hasSize(2));
    assertThat(
        rackResolutions.stream().map(Alert::explainedBy).toList(),
        everyItem(is(datacenterAlerts.get(0).incidentId())));
  }

  @Test
  public void serverPowerAnomaliesInThreeRacksChainUpToTheDatacenter() {
    List<RackTwin> racks = new ArrayList<>();
    for (int r = 1; r <= 3; r++) {
      RackTwin rack =
          new RackTwin(RackCorrelationConfig.defaults(), "dc1-r0" + r, 40, T0 - 3_600_000);
      for (int s = 1; s <= 6; s++) {
        long time = T0 + r * 5_000L + s * 1_000L;
        rack.incidents(
            rack.server(s),
            time,
            new Incident(POWER_ANOMALY, POWER_ANOMALY.defaultSeverity(), time, "supply 11.1 V"));
      }
      rack.rackChanges.forEach(this::send);
      racks.add(rack);
    }
    advanceTo(T0 + 600_000);

    assertThat(datacenterAlerts, hasSize(1));
    String supplyId = datacenterAlerts.get(0).incidentId();
    assertThat(rackAlerts, hasSize(3));
    assertThat(rackAlerts.stream().map(Alert::explainedBy).toList(), everyItem(is(supplyId)));
    Set<String> rackIds = rackAlerts.stream().map(Alert::incidentId).collect(Collectors.toSet());
    for (RackTwin rack : racks) {
      assertThat(rack.serverAlerts, hasSize(6));
      assertThat(
          rack.serverAlerts.stream().map(Alert::explainedBy).allMatch(rackIds::contains), is(true));
    }
  }

  @Test
  public void onlyRackChangesAreAccepted() {
    Alert serverAlert =
        new Alert(
            "id",
            AlertStatus.OPENED,
            Level.SERVER,
            "s1",
            "dc1",
            "r1",
            NIC_PACKET_LOSS,
            NIC_PACKET_LOSS.defaultSeverity(),
            T0,
            T0,
            NIC_PACKET_LOSS,
            null,
            "");
    org.junit.Assert.assertThrows(
        IllegalArgumentException.class, () -> model.onRackChange(state(), serverAlert));
  }

  @Test
  public void stateRoundTrips() {
    opened("dc1-r01", RACK_POWER, T0);
    opened("dc1-r02", TOR_SWITCH, T0 + 1);
    DataCenterState decoded = state();
    assertThat(DataCenterState.fromBytes(decoded.toBytes()), is(decoded));
    assertThat(decoded.nextTimer(), is(OptionalLong.of(T0 + HOLD)));
    assertThat(
        decoded.racks().get("dc1-r01").get(RACK_POWER).incident(),
        is(new Incident(RACK_POWER, RACK_POWER.defaultSeverity(), T0, "6 of 40 servers")));
  }
}

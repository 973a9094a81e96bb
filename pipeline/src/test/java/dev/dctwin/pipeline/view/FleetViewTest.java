package dev.dctwin.pipeline.view;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricEvidence;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class FleetViewTest {
  private static final long T0 = 1_763_719_200_000L;
  private static final long NOW = T0 + 600_000;
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Two datacenters: dc1 with racks r1, r2 of 3 servers, dc2 with one rack of 2. */
  private static List<Message> provisioning() {
    List<Message> messages = new ArrayList<>();
    for (String rack : List.of("dc1-r1", "dc1-r2")) {
      for (int s = 1; s <= 3; s++) {
        messages.add(new CommissionServer(rack + "-s" + s, rack, "dc1", T0));
      }
    }
    messages.add(new CommissionServer("dc2-r1-s1", "dc2-r1", "dc2", T0));
    messages.add(new CommissionServer("dc2-r1-s2", "dc2-r1", "dc2", T0));
    return messages;
  }

  private static Alert tor(AlertStatus status, long at) {
    return alert(status, Level.RACK, "dc1-r1", "dc1-r1", IncidentType.TOR_SWITCH, T0 + 60_000, at)
        .withExplainedBy(null);
  }

  private static Alert serverLoss(String server, AlertStatus status, long at) {
    return alert(
            status, Level.SERVER, server, "dc1-r1", IncidentType.NIC_PACKET_LOSS, T0 + 50_000, at)
        .withExplainedBy(torId());
  }

  private static String torId() {
    return Alert.incidentId(Level.RACK, "dc1-r1", IncidentType.TOR_SWITCH, T0 + 60_000);
  }

  private static Alert disk(AlertStatus status, long at) {
    return alert(
            status, Level.SERVER, "dc2-r1-s2", "dc2-r1", IncidentType.DISK_FAILURE, T0 + 70_000, at)
        .withExplainedBy(null);
  }

  /** Builds alerts fluently: the record's canonical constructor has fifteen components. */
  private record Draft(
      AlertStatus status,
      Level level,
      String entity,
      String datacenter,
      String rack,
      IncidentType type,
      long openedAt,
      long eventTime) {
    Alert withExplainedBy(String explainedBy) {
      return build(explainedBy, List.of(), false);
    }

    Alert build(String explainedBy, List<MetricEvidence> evidence, boolean inMaintenance) {
      return new Alert(
          Alert.incidentId(level, entity, type, openedAt),
          status,
          level,
          entity,
          datacenter,
          rack,
          type,
          type.defaultSeverity(),
          openedAt,
          eventTime,
          level == Level.SERVER ? null : type,
          explainedBy,
          "context of " + entity,
          evidence,
          inMaintenance);
    }
  }

  private static Draft alert(
      AlertStatus status,
      Level level,
      String entity,
      String rack,
      IncidentType type,
      long openedAt,
      long eventTime) {
    String datacenter = entity.substring(0, 3);
    return new Draft(status, level, entity, datacenter, rack, type, openedAt, eventTime);
  }

  private static List<Message> failureScenario() {
    List<Message> messages = new ArrayList<>(provisioning());
    messages.add(serverLoss("dc1-r1-s1", AlertStatus.OPENED, T0 + 60_000));
    messages.add(serverLoss("dc1-r1-s2", AlertStatus.OPENED, T0 + 60_000));
    messages.add(tor(AlertStatus.OPENED, T0 + 90_000));
    messages.add(disk(AlertStatus.OPENED, T0 + 70_000));
    return messages;
  }

  private static FleetView viewOf(List<Message> messages) {
    FleetView view = new FleetView();
    messages.forEach(view::apply);
    view.caughtUp();
    return view;
  }

  private static JsonNode rackRow(JsonNode snapshot, String dc, String rack) {
    for (JsonNode datacenter : snapshot.get("datacenters")) {
      if (datacenter.get("id").asText().equals(dc)) {
        for (JsonNode row : datacenter.get("racks")) {
          if (row.get(0).asText().equals(rack)) {
            return row;
          }
        }
      }
    }
    throw new AssertionError("no rack " + dc + "/" + rack + " in " + snapshot);
  }

  @Test
  public void everyCommissionedRackIsShownAlsoWhenHealthy() {
    JsonNode snapshot = viewOf(provisioning()).snapshot(NOW);

    assertEquals(2, snapshot.get("datacenters").size());
    assertEquals("[\"dc1-r1\",3,-1,-1,0,0,0]", rackRow(snapshot, "dc1", "dc1-r1").toString());
    assertEquals("[\"dc1-r2\",3,-1,-1,0,0,0]", rackRow(snapshot, "dc1", "dc1-r2").toString());
    assertEquals("[\"dc2-r1\",2,-1,-1,0,0,0]", rackRow(snapshot, "dc2", "dc2-r1").toString());
    assertEquals(6, snapshot.get("datacenters").get(0).get("servers").asInt());
    assertTrue(snapshot.get("caughtUp").asBoolean());
  }

  @Test
  public void aRackIncidentColoursItsRackAndExplainsItsServersAlerts() {
    FleetView view = viewOf(failureScenario());
    JsonNode snapshot = view.snapshot(NOW);

    // [id, servers, worst, worst rack-level, unhealthy, rack incidents, maintenance]
    assertEquals("[\"dc1-r1\",3,2,2,2,1,0]", rackRow(snapshot, "dc1", "dc1-r1").toString());
    assertEquals("[\"dc1-r2\",3,-1,-1,0,0,0]", rackRow(snapshot, "dc1", "dc1-r2").toString());
    // The disk failure: critical, but of a server only.
    assertEquals("[\"dc2-r1\",2,2,-1,1,0,0]", rackRow(snapshot, "dc2", "dc2-r1").toString());

    ObjectNode rack = view.rack("dc1", "dc1-r1", NOW);
    assertEquals(1, rack.get("incidents").size());
    JsonNode incident = rack.get("incidents").get(0);
    assertEquals("TOR_SWITCH", incident.get("type").asText());
    assertEquals(2, incident.get("explainsIncidents").size());
    assertEquals(3, rack.get("servers").size());
    JsonNode first = rack.get("servers").get(0);
    assertEquals("dc1-r1-s1", first.get("id").asText());
    assertEquals(torId(), first.get("incidents").get(0).get("explainedBy").asText());
    assertEquals(0, rack.get("servers").get(2).get("incidents").size());

    ObjectNode detail = view.incident(torId());
    assertEquals("OPENED", detail.get("incident").get("status").asText());
    assertEquals(2, detail.get("explains").size());
    ObjectNode server = view.incident(serverLoss("dc1-r1-s1", AlertStatus.OPENED, 0).incidentId());
    assertEquals(torId(), server.get("explainedBy").get("id").asText());
  }

  @Test
  public void rebuildingFromTheTopicsInAnyInterleavingGivesTheSameView() {
    List<Message> messages = failureScenario();
    messages.add(serverLoss("dc1-r1-s2", AlertStatus.RESOLVED, T0 + 200_000));
    String expected = comparable(viewOf(messages).snapshot(NOW));
    Random random = new Random(7);
    for (int round = 0; round < 20; round++) {
      List<Message> shuffled = new ArrayList<>(messages);
      Collections.shuffle(shuffled, random);
      assertEquals("round " + round, expected, comparable(viewOf(shuffled).snapshot(NOW)));
    }
  }

  /** The snapshot without its change counter, which counts applied records. */
  private static String comparable(ObjectNode snapshot) {
    snapshot.remove("seq");
    ((ObjectNode) snapshot.get("stats")).remove("alertsRead");
    return snapshot.toString();
  }

  @Test
  public void aResolvedAlertClearsItsIncidentAndALateDuplicateDoesNotReopenIt() {
    FleetView view = viewOf(failureScenario());
    view.apply(serverLoss("dc1-r1-s1", AlertStatus.RESOLVED, T0 + 300_000));
    view.apply(serverLoss("dc1-r1-s2", AlertStatus.RESOLVED, T0 + 300_000));
    view.apply(tor(AlertStatus.RESOLVED, T0 + 310_000));
    view.apply(disk(AlertStatus.RESOLVED, T0 + 320_000));
    // At-least-once delivery: the OPENED again, after its RESOLVED.
    assertFalse(view.apply(tor(AlertStatus.OPENED, T0 + 90_000)));

    JsonNode snapshot = view.snapshot(NOW);
    assertEquals("[\"dc1-r1\",3,-1,-1,0,0,0]", rackRow(snapshot, "dc1", "dc1-r1").toString());
    assertEquals("[\"dc2-r1\",2,-1,-1,0,0,0]", rackRow(snapshot, "dc2", "dc2-r1").toString());
    assertEquals(0, view.openIncidents());
    assertEquals("RESOLVED", view.incident(torId()).get("incident").get("status").asText());
    // Each alert once in the timeline: 4 OPENED and 4 RESOLVED.
    assertEquals(8, view.timeline(NOW).size());
  }

  @Test
  public void theTimelineHoldsTheLastHour() {
    FleetView view = viewOf(failureScenario());
    assertEquals(4, view.timeline(T0 + 3_600_000 + 60_000).size());
    assertEquals(
        List.of("dc1-r1"), view.timeline(T0 + 3_600_000 + 75_000).findValuesAsText("entity"));
    assertEquals(0, view.timeline(T0 + 2 * 3_600_000).size());
  }

  @Test
  public void maintenanceIsShownAsSuchAndDoesNotColourTheRack() {
    List<Message> messages = new ArrayList<>(provisioning());
    messages.add(
        new MaintenanceWindow(
            Level.RACK, "dc1-r2", "dc1", null, T0, T0 + 3_600_000, "ToR firmware", "netops", T0));
    messages.add(
        alert(
                AlertStatus.OPENED,
                Level.SERVER,
                "dc1-r2-s1",
                "dc1-r2",
                IncidentType.DISK_FAILURE,
                T0 + 60_000,
                T0 + 60_000)
            .build(null, List.of(), true));
    FleetView view = viewOf(messages);

    JsonNode snapshot = view.snapshot(NOW);
    // Window active (1) and an open incident in maintenance (2); no severity, nobody unhealthy.
    assertEquals("[\"dc1-r2\",3,-1,-1,0,0,3]", rackRow(snapshot, "dc1", "dc1-r2").toString());
    JsonNode window = snapshot.get("datacenters").get(0).get("maintenance").get(0);
    assertEquals("dc1-r2", window.get("entity").asText());
    assertEquals("ToR firmware", window.get("reason").asText());
    assertTrue(window.get("active").asBoolean());
    JsonNode incident = view.rack("dc1", "dc1-r2", NOW).get("servers").get(0).get("incidents");
    assertTrue(incident.get(0).get("inMaintenance").asBoolean());

    // After the window the rack shows its incident in maintenance only; an hour later the window
    // is gone, as the twins forget it.
    long after = T0 + 3_600_000 + 1;
    assertEquals(
        "[\"dc1-r2\",3,-1,-1,0,0,2]", rackRow(view.snapshot(after), "dc1", "dc1-r2").toString());
    assertEquals(
        0,
        view.snapshot(T0 + 2 * 3_600_000 + 1).get("datacenters").get(0).get("maintenance").size());
  }

  @Test
  public void aDatacenterWindowCoversItsRacks() {
    List<Message> messages = new ArrayList<>(provisioning());
    messages.add(
        new MaintenanceWindow(
            Level.DATACENTER, "dc2", "dc2", null, T0, T0 + 60_000, null, null, T0));
    JsonNode snapshot = viewOf(messages).snapshot(T0 + 1);
    assertEquals(1, rackRow(snapshot, "dc2", "dc2-r1").get(6).asInt());
    assertEquals(0, rackRow(snapshot, "dc1", "dc1-r1").get(6).asInt());
  }

  @Test
  public void decommissioningAServerRemovesItAndTheIncidentsItOpenedBefore() {
    List<Message> messages = failureScenario();
    messages.add(new DecommissionServer("dc2-r1-s2", "dc2-r1", "dc2", T0 + 100_000));
    FleetView view = viewOf(messages);
    assertEquals(
        "[\"dc2-r1\",1,-1,-1,0,0,0]", rackRow(view.snapshot(NOW), "dc2", "dc2-r1").toString());

    // Commissioned in another rack: it moves.
    view.apply(new CommissionServer("dc1-r1-s3", "dc1-r2", "dc1", T0 + 200_000));
    JsonNode snapshot = view.snapshot(NOW);
    assertEquals(2, rackRow(snapshot, "dc1", "dc1-r1").get(1).asInt());
    assertEquals(4, rackRow(snapshot, "dc1", "dc1-r2").get(1).asInt());
  }

  @Test
  public void alertsOfEntitiesNeverCommissionedStillShow() {
    FleetView view = new FleetView();
    view.apply(disk(AlertStatus.OPENED, T0 + 70_000));
    JsonNode snapshot = view.snapshot(NOW);
    assertEquals("[\"dc2-r1\",1,2,-1,1,0,0]", rackRow(snapshot, "dc2", "dc2-r1").toString());
  }

  @Test
  public void aDatacenterIncidentIsListedAboveItsRacksWithWhatItExplains() {
    List<Message> messages = failureScenario();
    String dcIncident =
        Alert.incidentId(Level.DATACENTER, "dc1", IncidentType.NETWORK_CORE, T0 + 55_000);
    messages.add(
        new Draft(
                AlertStatus.OPENED,
                Level.DATACENTER,
                "dc1",
                "dc1",
                null,
                IncidentType.NETWORK_CORE,
                T0 + 55_000,
                T0 + 95_000)
            .withExplainedBy(null));
    messages.remove(tor(AlertStatus.OPENED, T0 + 90_000));
    messages.add(
        alert(
                AlertStatus.OPENED,
                Level.RACK,
                "dc1-r1",
                "dc1-r1",
                IncidentType.TOR_SWITCH,
                T0 + 60_000,
                T0 + 90_000)
            .withExplainedBy(dcIncident));
    JsonNode dc = viewOf(messages).snapshot(NOW).get("datacenters").get(0);
    assertEquals(1, dc.get("incidents").size());
    assertEquals("NETWORK_CORE", dc.get("incidents").get(0).get("type").asText());
    assertEquals(1, dc.get("incidents").get(0).get("explains").asInt());
  }

  @Test
  public void anIncidentShowsItsMetricEvidence() {
    FleetView view = viewOf(provisioning());
    Alert anomaly =
        alert(
                AlertStatus.OPENED,
                Level.SERVER,
                "dc1-r2-s3",
                "dc1-r2",
                IncidentType.METRIC_ANOMALY,
                T0 + 60_000,
                T0 + 60_000)
            .build(
                null,
                List.of(
                    new MetricEvidence("disk.timeRead", 41.5, 0.8),
                    new MetricEvidence("m12", 0.913, 0.1204)),
                false);
    view.apply(anomaly);
    JsonNode evidence = view.incident(anomaly.incidentId()).get("incident").get("evidence");
    assertEquals(2, evidence.size());
    assertEquals("disk.timeRead", evidence.get(0).get("metric").asText());
    assertThat(evidence.get(0).get("observed").asDouble(), closeTo(41.5, 1e-9));
    assertThat(evidence.get(1).get("expected").asDouble(), closeTo(0.1204, 1e-9));
    assertNull(view.incident("no-such-incident"));
    assertNull(view.rack("dc1", "no-such-rack", NOW));
  }

  @Test
  public void namesFromMessagesStayTextData() throws Exception {
    String script = "<script>alert(1)</script>";
    String image = "<img src=x onerror=\"alert(2)\">&amp;";
    FleetView view = new FleetView();
    view.apply(new CommissionServer(script, image, "dc<b>1</b>", T0));
    view.apply(
        new Draft(
                AlertStatus.OPENED,
                Level.SERVER,
                script,
                "dc<b>1</b>",
                image,
                IncidentType.DISK_FAILURE,
                T0,
                T0)
            .withExplainedBy(null));
    String wire = JSON.writeValueAsString(view.snapshot(NOW));
    // JSON, not HTML: the page gets the exact strings and puts them in as text.
    JsonNode snapshot = JSON.readTree(wire);
    JsonNode dc = snapshot.get("datacenters").get(0);
    assertEquals("dc<b>1</b>", dc.get("id").asText());
    assertEquals(image, dc.get("racks").get(0).get(0).asText());
    assertThat(wire, not(containsString("&lt;")));
    JsonNode rack = JSON.readTree(JSON.writeValueAsString(view.rack("dc<b>1</b>", image, NOW)));
    assertEquals(script, rack.get("servers").get(0).get("id").asText());
    assertEquals(script, rack.get("servers").get(0).get("incidents").get(0).get("entity").asText());
    assertThat(view.timeline(NOW).findValuesAsText("entity"), contains(script));
  }

  @Test
  public void deadLettersAreCountedByReasonAndTheInputRateIsTheEndOffsetsGrowth() {
    FleetView view = new FleetView();
    view.deadLetter("NOT_JSON");
    view.deadLetter("NOT_JSON");
    view.deadLetter("UNCOMMISSIONED");
    view.deadLetter(null);
    view.inputSample(T0, 1_000, -1);
    view.inputSample(T0 + 2_000, 1_500, 40);
    view.inputSample(T0 + 4_000, 2_500, 10);
    JsonNode stats = view.stats(T0 + 4_000);
    assertEquals(4, stats.get("deadLetters").get("total").asInt());
    assertEquals(
        "{\"NOT_JSON\":2,\"UNCOMMISSIONED\":1,\"UNREADABLE\":1}",
        stats.get("deadLetters").get("byReason").toString());
    assertThat(stats.get("inputRate").asDouble(), closeTo(375.0, 1e-9));
    assertEquals(10, stats.get("backlog").asLong());

    // Samples older than the rate window leave it.
    view.inputSample(T0 + 16_000, 2_500, 0);
    assertThat(view.stats(T0 + 16_000).get("inputRate").asDouble(), closeTo(0.0, 1e-9));
  }
}

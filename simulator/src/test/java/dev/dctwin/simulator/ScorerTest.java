package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code score} on a hand-made ground truth and alerts file, with every figure worked out by hand.
 *
 * <p>Faults (times in seconds after T0): F1 disk of dc1-r01-s01 [1000, 1300]; F2 ToR of dc1-r02
 * [2000, 2300]; F3 power supply of dc1 [4000, 4200]; F4 CPU steal of dc1-r03-s05 [5000, 5200],
 * never alerted; F5 cooling of dc1-r04 [7000, 7200], paged only as one server; B1 a benign spike of
 * dc1-r01-s07 at 3000.
 *
 * <p>Pages: F1's disk page (latency 30 s) and a late DISK_LATENCY page exactly at the end of the
 * grace; F2's rack page (opened 2025, released at 2055: latency 55 s) and one server that escaped
 * the correlation; F3's datacenter page (20 s), whose rootCause alone names the expected cause;
 * F5's server page; a page during B1; a page matching nothing. So 8 pages, 6 matching a fault:
 * precision 0.75. Detected at their level: F1, F2, F3 of 5: recall 0.6, root-cause accuracy 0.6.
 * Latencies 20, 30, 55: p50 30, p95 55, max 55. Compression over F2, F3, F5: 6 server alerts of F2,
 * 4 server and 3 rack alerts of F3, 1 server alert of F5 = 14, over 4 pages = 3.5.
 */
public class ScorerTest {
  private static final long T0 = FleetConfig.DEFAULT_START;

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private static long at(double seconds) {
    return T0 + Math.round(seconds * 1000);
  }

  private static Fault fault(
      String id,
      String kind,
      Level level,
      String entity,
      String rack,
      IncidentType expected,
      double start,
      double end,
      boolean benign) {
    return new Fault(
        id, kind, level, entity, rack, "dc1", at(start), at(end), expected, benign, List.of(),
        null);
  }

  private static Alert alert(
      Level level,
      String entity,
      String rack,
      IncidentType type,
      double openedAt,
      double eventTime,
      IncidentType rootCause,
      String explainedBy) {
    return new Alert(
        Alert.incidentId(level, entity, type, at(openedAt)),
        AlertStatus.OPENED,
        level,
        entity,
        "dc1",
        rack,
        type,
        type.defaultSeverity(),
        at(openedAt),
        at(eventTime),
        rootCause,
        explainedBy,
        "test");
  }

  private static Alert server(
      String server, IncidentType type, double openedAt, String explainedBy) {
    String rack = server.substring(0, server.lastIndexOf('-'));
    return alert(Level.SERVER, server, rack, type, openedAt, openedAt, null, explainedBy);
  }

  static List<Fault> groundTruth() {
    return List.of(
        fault(
            "f1",
            "DISK_FAILURE",
            Level.SERVER,
            "dc1-r01-s01",
            "dc1-r01",
            IncidentType.DISK_FAILURE,
            1000,
            1300,
            false),
        fault(
            "f2",
            "TOR_SWITCH_FAILURE",
            Level.RACK,
            "dc1-r02",
            "dc1-r02",
            IncidentType.TOR_SWITCH,
            2000,
            2300,
            false),
        fault(
            "b1",
            "NOISE_INLET_SPIKE",
            Level.SERVER,
            "dc1-r01-s07",
            "dc1-r01",
            null,
            3000,
            3000.001,
            true),
        fault(
            "f3",
            "POWER_SUPPLY_DEGRADATION",
            Level.DATACENTER,
            "dc1",
            null,
            IncidentType.POWER_SUPPLY_DEGRADATION,
            4000,
            4200,
            false),
        fault(
            "f4",
            "CPU_STEAL",
            Level.SERVER,
            "dc1-r03-s05",
            "dc1-r03",
            IncidentType.CPU_STEAL,
            5000,
            5200,
            false),
        fault(
            "f5",
            "RACK_COOLING",
            Level.RACK,
            "dc1-r04",
            "dc1-r04",
            IncidentType.RACK_COOLING,
            7000,
            7200,
            false));
  }

  static List<Alert> alerts() {
    List<Alert> alerts = new ArrayList<>();
    Alert disk = server("dc1-r01-s01", IncidentType.DISK_FAILURE, 1030, null);
    alerts.add(disk);
    alerts.add(disk);
    alerts.add(withStatus(disk, AlertStatus.RESOLVED));
    alerts.add(server("dc1-r01-s01", IncidentType.DISK_LATENCY, 1480, null));

    Alert tor =
        alert(
            Level.RACK,
            "dc1-r02",
            "dc1-r02",
            IncidentType.TOR_SWITCH,
            2025,
            2055,
            IncidentType.TOR_SWITCH,
            null);
    for (int s = 1; s <= 5; s++) {
      Alert explained =
          server("dc1-r02-s0" + s, IncidentType.NIC_PACKET_LOSS, 2025, tor.incidentId());
      alerts.add(s == 1 ? withoutRack(explained) : explained);
    }
    alerts.add(server("dc1-r02-s02", IncidentType.NIC_PACKET_LOSS, 2025, tor.incidentId()));
    alerts.add(server("dc1-r02-s06", IncidentType.SERVER_SILENT, 2060, null));
    alerts.add(tor);

    alerts.add(server("dc1-r01-s07", IncidentType.THERMAL, 3000.001, null));

    Alert dc =
        alert(
            Level.DATACENTER,
            "dc1",
            null,
            IncidentType.NETWORK_CORE,
            4020,
            4020,
            IncidentType.POWER_SUPPLY_DEGRADATION,
            null);
    for (String rack : List.of("dc1-r01", "dc1-r02", "dc1-r03")) {
      alerts.add(
          alert(
              Level.RACK,
              rack,
              rack,
              IncidentType.RACK_POWER,
              4015,
              4016,
              IncidentType.POWER_SUPPLY_DEGRADATION,
              dc.incidentId()));
    }
    for (String server : List.of("dc1-r01-s02", "dc1-r01-s03", "dc1-r02-s04", "dc1-r03-s09")) {
      alerts.add(server(server, IncidentType.POWER_ANOMALY, 4012, "rack-incident"));
    }
    alerts.add(dc);

    alerts.add(server("dc1-r04-s01", IncidentType.CPU_SATURATION, 6000, null));
    alerts.add(server("dc1-r04-s03", IncidentType.THERMAL, 7030, null));
    return alerts;
  }

  private static Alert withStatus(Alert a, AlertStatus status) {
    return new Alert(
        a.incidentId(),
        status,
        a.level(),
        a.entity(),
        a.datacenterId(),
        a.rackId(),
        a.incidentType(),
        a.severity(),
        a.openedAt(),
        a.eventTime() + 60_000,
        a.rootCause(),
        a.explainedBy(),
        a.context());
  }

  private static Alert withoutRack(Alert a) {
    return new Alert(
        a.incidentId(),
        a.status(),
        a.level(),
        a.entity(),
        null,
        null,
        a.incidentType(),
        a.severity(),
        a.openedAt(),
        a.eventTime(),
        a.rootCause(),
        a.explainedBy(),
        a.context());
  }

  @Test
  public void handMadeAlertsGiveTheFiguresWorkedOutByHand() {
    Scorer.Score score = new Scorer(Scorer.DEFAULT_GRACE_MS).score(groundTruth(), alerts());
    assertThat(score.pages(), is(8));
    assertThat(score.pagesMatchingFaults(), is(6));
    assertThat(score.recall(), is(0.6));
    assertThat(score.precision(), is(0.75));
    assertThat(score.rootCauseAccuracy(), is(0.6));
    assertThat(score.latencyP50Seconds(), is(30.0));
    assertThat(score.latencyP95Seconds(), is(55.0));
    assertThat(score.latencyMaxSeconds(), is(55.0));
    assertThat(score.naiveAlerts(), is(14));
    assertThat(score.correlatedPages(), is(4));
    assertThat(score.compression(), is(3.5));
    assertThat(score.benignFalseAlerts(), is(1));
  }

  @Test
  public void scoreCommandPrintsTheFiguresAsItsLastLine() throws Exception {
    Path truth = temp.getRoot().toPath().resolve("ground-truth.jsonl");
    GroundTruth.write(groundTruth(), truth);
    Path alertsFile = temp.getRoot().toPath().resolve("alerts.jsonl");
    WireCodec codec = WireCodec.withDefaults();
    List<String> lines = new ArrayList<>();
    for (Alert alert : alerts()) {
      lines.add(codec.encodeToString(alert));
    }
    lines.add(
        "{\"type\":\"get_unhealthy_racks\",\"queryId\":\"q\",\"datacenterId\":\"dc1\","
            + "\"eventTime\":1763719200000}");
    lines.add("not json");
    Files.write(alertsFile, lines, StandardCharsets.UTF_8);
    Path out = temp.getRoot().toPath().resolve("score.json");

    SimulatorRun cli =
        SimulatorRun.run(
            "score", "--groundTruth=" + truth, "--alerts=" + alertsFile, "--out=" + out);

    String expected =
        "{\"recall\":0.6,\"precision\":0.75,\"root_cause_accuracy\":0.6,\"latency_p50_s\":30.0,"
            + "\"latency_p95_s\":55.0,\"latency_max_s\":55.0,\"compression\":3.5,"
            + "\"benign_false_alerts\":1}";
    assertThat(cli.err, cli.exitCode, is(0));
    assertThat(cli.lastLine(), is(expected));
    assertThat(Files.readString(out).strip(), is(expected));
    assertThat(cli.out, containsString("1 other messages, 1 unreadable lines"));
    assertThat(cli.out, containsString("MISSED"));
  }

  @Test
  public void undefinedFiguresAreNull() {
    Scorer.Score score = new Scorer(Scorer.DEFAULT_GRACE_MS).score(List.of(), List.of());
    assertThat(score.recall(), nullValue());
    assertThat(score.precision(), nullValue());
    assertThat(score.latencyP50Seconds(), nullValue());
    assertThat(score.compression(), nullValue());
    assertThat(score.benignFalseAlerts(), is(0));
  }

  @Test
  public void percentilesUseTheNearestRank() {
    List<Double> values = List.of(1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0);
    assertThat(Scorer.percentile(values, 0.5), is(5.0));
    assertThat(Scorer.percentile(values, 0.95), is(10.0));
    assertThat(Scorer.percentile(List.of(4.0), 0.5), is(4.0));
  }
}

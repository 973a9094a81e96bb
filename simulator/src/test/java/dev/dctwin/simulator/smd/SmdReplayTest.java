package dev.dctwin.simulator.smd;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.MetricEvidence;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.domain.Severity;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** An SMD machine to wire messages, and alerts back to the scorer's predictions. */
public class SmdReplayTest {
  @Rule public TemporaryFolder folder = new TemporaryFolder();

  private final WireCodec codec = WireCodec.withDefaults();

  @Test
  public void rowsBecomeReportsOfGaugesAndAlertsBecomePredictionsPerTestRow() throws Exception {
    Path train = folder.newFile("train.txt").toPath();
    Path test = folder.newFile("test.txt").toPath();
    Files.writeString(train, "0.1,0.2,0.3\n0.1,0.2,0.3\n");
    Files.writeString(test, "0.1,0.2,0.3\n0.9,0.2,0.3\n0.9,0.2,0.8\n0.1,0.2,0.3\n");
    Path replayDir = folder.getRoot().toPath().resolve("replay");

    SmdReplay.Replay replay = SmdReplay.write(train, test, "machine-9-9", replayDir);

    assertThat(replay.trainRows(), equalTo(2));
    assertThat(replay.testRows(), equalTo(4));
    List<String> lines = Files.readAllLines(replayDir.resolve("metrics.jsonl"));
    assertThat(lines.size(), equalTo(6));
    ServerMetricReport third =
        (ServerMetricReport)
            codec.decode(lines.get(3).getBytes(StandardCharsets.UTF_8), MessageType.METRICS);
    assertThat(third.eventTime(), equalTo(replay.testRowTime(1)));
    assertThat(third.gauges().get("m1"), equalTo(0.9));
    assertThat(third.cpu(), equalTo(null));

    // Open at test row 1, resolved at row 3; a silence and another server's incident are ignored.
    String opened = incidentId("machine-9-9", IncidentType.METRIC_ANOMALY, replay.testRowTime(1));
    Path alerts = folder.getRoot().toPath().resolve("alerts.jsonl");
    Files.write(
        alerts,
        List.of(
            codec.encodeToString(
                alert(
                    opened,
                    AlertStatus.OPENED,
                    "machine-9-9",
                    IncidentType.METRIC_ANOMALY,
                    replay.testRowTime(1),
                    replay.testRowTime(1),
                    List.of(
                        new MetricEvidence("m1", 0.9, 0.1),
                        new MetricEvidence("cpu.user", 1, 0),
                        new MetricEvidence("m3", 0.8, 0.3)))),
            codec.encodeToString(
                alert(
                    opened,
                    AlertStatus.RESOLVED,
                    "machine-9-9",
                    IncidentType.METRIC_ANOMALY,
                    replay.testRowTime(1),
                    replay.testRowTime(3),
                    List.of())),
            codec.encodeToString(
                alert(
                    incidentId("machine-9-9", IncidentType.SERVER_SILENT, replay.testRowTime(0)),
                    AlertStatus.OPENED,
                    "machine-9-9",
                    IncidentType.SERVER_SILENT,
                    replay.testRowTime(0),
                    replay.testRowTime(0),
                    List.of())),
            codec.encodeToString(
                alert(
                    incidentId("other", IncidentType.DISK_FAILURE, replay.testRowTime(0)),
                    AlertStatus.OPENED,
                    "other",
                    IncidentType.DISK_FAILURE,
                    replay.testRowTime(0),
                    replay.testRowTime(0),
                    List.of()))));
    Path predictions = folder.getRoot().toPath().resolve("machine-9-9.txt");

    SmdPredictions.Written written = SmdPredictions.write(replayDir, alerts, predictions);

    assertThat(written.flagged(), equalTo(2));
    assertThat(Files.readAllLines(predictions), equalTo(List.of("0", "1", "1", "0")));
    assertThat(
        Files.readAllLines(folder.getRoot().toPath().resolve("machine-9-9.dims.txt")),
        equalTo(List.of("", "1,3", "1,3", "")));
  }

  private static String incidentId(String server, IncidentType type, long openedAt) {
    return Alert.incidentId(Level.SERVER, server, type, openedAt);
  }

  private static Alert alert(
      String id,
      AlertStatus status,
      String server,
      IncidentType type,
      long openedAt,
      long eventTime,
      List<MetricEvidence> evidence) {
    return new Alert(
        id,
        status,
        Level.SERVER,
        server,
        "smd",
        server + "-rack",
        type,
        Severity.WARNING,
        openedAt,
        eventTime,
        null,
        null,
        null,
        evidence);
  }
}

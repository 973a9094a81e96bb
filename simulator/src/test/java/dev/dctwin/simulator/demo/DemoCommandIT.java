package dev.dctwin.simulator.demo;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.MessageType;
import dev.dctwin.pipeline.cli.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Array;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

public class DemoCommandIT {
  @Rule public TemporaryFolder folder = new TemporaryFolder();

  /**
   * The README's run command: the default demo (embedded Kafka and MQTT, the local PostgreSQL, the
   * DirectRunner, 13 min of history and 2 min live) detects the faults of the default scenario, and
   * the alerts it scores are the ones in Kafka and in the database.
   */
  @Test
  public void defaultDemoDetectsTheFaultsAndLeavesTheAlertsInKafkaAndPostgres() throws Exception {
    Path outDir = folder.newFolder("demo").toPath();
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try (PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8)) {
      code = DemoCommand.run(new String[] {"--outDir=" + outDir}, out);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    assertEquals(output, 0, code);
    assertThat(output, containsString("(embedded, KRaft)"));
    assertThat(output, containsString("(embedded, Moquette)"));
    assertThat(output, containsString("database: " + LocalStack.LOCAL_POSTGRES));
    // An operator's question went MQTT -> bridge -> Kafka -> datacenter twin -> Kafka -> view.
    assertThat(output, containsString("unhealthy  dc1: "));

    String[] lines = output.strip().split("\\R");
    JsonNode score = JsonMapper.builder().build().readTree(lines[lines.length - 1]);
    assertThat(output, score.path("recall").asDouble(), greaterThanOrEqualTo(0.95));
    assertThat(output, score.path("precision").asDouble(), greaterThanOrEqualTo(0.8));

    List<String> opened = new ArrayList<>();
    WireCodec codec = WireCodec.withDefaults();
    for (String line : Files.readAllLines(outDir.resolve("alerts.jsonl"))) {
      Alert alert = (Alert) codec.decode(line.getBytes(StandardCharsets.UTF_8), MessageType.ALERT);
      if (alert.status() == AlertStatus.OPENED) {
        opened.add(alert.incidentId());
      }
    }
    assertThat(opened, not(empty()));
    assertThat(Files.exists(outDir.resolve("ground-truth.jsonl")), is(true));
    assertThat(incidentsInDatabase(opened), hasItems(opened.toArray(String[]::new)));
  }

  private static List<String> incidentsInDatabase(List<String> incidentIds) throws Exception {
    List<String> found = new ArrayList<>();
    try (Connection connection =
            DriverManager.getConnection(
                LocalStack.LOCAL_POSTGRES, LocalStack.LOCAL_POSTGRES_USER, "");
        PreparedStatement select =
            connection.prepareStatement(
                "SELECT incident_id FROM alerts WHERE incident_id = ANY(?)")) {
      Array ids = connection.createArrayOf("varchar", incidentIds.toArray());
      select.setArray(1, ids);
      try (ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          found.add(rows.getString(1));
        }
      }
    }
    return found;
  }

  @Test
  public void flagNamesAreTheNamesOfTheGivenFlags() {
    assertEquals(
        Set.of("kafkaBootstrapServers", "runner", "streaming"),
        DemoCommand.flagNames(
            new String[] {
              "--kafkaBootstrapServers=127.0.0.1:9092", "--runner=FlinkRunner", "--streaming"
            }));
  }

  @Test
  public void directRunnerDefaultsReturnFromRunAndSkipThePerElementChecks() {
    List<String> flags =
        List.of(DemoCommand.withDemoDefaults(new String[] {"--seed=2"}, Set.of("seed")));
    assertThat(
        flags,
        hasItems(
            "--seed=2",
            "--blockOnRun=false",
            "--enforceImmutability=false",
            "--enforceEncodability=false",
            "--kafkaMaxOutOfOrdernessSeconds=5"));
  }

  @Test
  public void flinkDefaultsDetachTheJobAndGivenFlagsWin() {
    String[] given = {
      "--runner=FlinkRunner",
      "--streaming=true",
      "--kafkaMaxOutOfOrdernessSeconds=9",
      "--deploymentId=mine"
    };
    List<String> flags = List.of(DemoCommand.withDemoDefaults(given, DemoCommand.flagNames(given)));
    assertEquals(
        List.of(
            "--runner=FlinkRunner",
            "--streaming=true",
            "--kafkaMaxOutOfOrdernessSeconds=9",
            "--deploymentId=mine",
            "--attachedMode=false",
            "--objectReuse=true"),
        flags);
  }

  @Test
  public void eachDemoIsADeploymentOfItsOwn() throws InterruptedException {
    List<String> first = List.of(DemoCommand.withDemoDefaults(new String[0], Set.of()));
    Thread.sleep(2);
    List<String> second = List.of(DemoCommand.withDemoDefaults(new String[0], Set.of()));
    String firstId =
        first.stream().filter(flag -> flag.startsWith("--deploymentId=demo-")).findFirst().get();
    String secondId =
        second.stream().filter(flag -> flag.startsWith("--deploymentId=demo-")).findFirst().get();
    assertThat(firstId, not(is(secondId)));
  }

  @Test
  public void durationsReadLikeTheSimulators() {
    assertEquals(Duration.ofMinutes(2), DemoCommand.duration("--duration", "2m"));
    assertEquals(Duration.ofSeconds(90), DemoCommand.duration("--duration", "90s"));
    assertEquals(Duration.ofMinutes(90), DemoCommand.duration("--duration", "1h30m"));
    assertEquals(Duration.ofMinutes(2), DemoCommand.duration("--duration", "PT2M"));
    UsageException error =
        assertThrows(UsageException.class, () -> DemoCommand.duration("--duration", "soon"));
    assertThat(error.getMessage(), containsString("--duration=soon"));
  }
}

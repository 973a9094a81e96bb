package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.pipeline.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * The simulator's default scenario (4 racks of 40 servers, 30 minutes, faults at every level and
 * benign noise) through the datacenter pipeline on the DirectRunner, scored against the ground
 * truth: the figures an operator cares about, for several seeds.
 */
@RunWith(Parameterized.class)
public class FleetScoreTest {
  @Parameters(name = "seed {0}")
  public static Collection<Object[]> seeds() {
    // Seed 1, the README's; DemoCommandIT scores another layout (13 + 2 minutes) end to end.
    return Arrays.asList(new Object[][] {{1L}});
  }

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private final long seed;

  public FleetScoreTest(long seed) {
    this.seed = seed;
  }

  @Test
  public void defaultScenarioMeetsTheOperatorsFigures() throws Exception {
    Path fleet = folder.newFolder("fleet").toPath();
    Path alerts = folder.getRoot().toPath().resolve("alerts.jsonl");
    simulator("fleet", "--seed=" + seed, "--out=" + fleet);

    ByteArrayOutputStream pipelineOut = new ByteArrayOutputStream();
    int code =
        dev.dctwin.pipeline.Main.run(
            new String[] {
              "run",
              "--inputDir=" + fleet,
              "--alertsOut=" + alerts,
              "--answersOut=" + folder.getRoot().toPath().resolve("answers.jsonl"),
              "--deadLettersOut=" + folder.getRoot().toPath().resolve("dead-letters.jsonl")
            },
            new PrintStream(pipelineOut, true, StandardCharsets.UTF_8),
            System.err);
    assertThat(pipelineOut.toString(StandardCharsets.UTF_8), code, equalTo(Cli.EXIT_OK));

    String report =
        simulator(
            "score", "--groundTruth=" + fleet.resolve("ground-truth.jsonl"), "--alerts=" + alerts);
    List<String> lines = report.lines().toList();
    JsonNode score = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(report, score.get("recall").asDouble(), greaterThanOrEqualTo(0.95));
    assertThat(report, score.get("precision").asDouble(), greaterThanOrEqualTo(0.95));
    assertThat(report, score.get("root_cause_accuracy").asDouble(), greaterThanOrEqualTo(0.9));
    assertThat(report, score.get("compression").asDouble(), greaterThanOrEqualTo(10.0));
    assertThat(report, score.get("benign_false_alerts").asInt(), equalTo(0));
  }

  /** Runs a simulator command; returns its standard output, failing on a non-zero exit. */
  private static String simulator(String... args) {
    SimulatorRun run = SimulatorRun.run(args);
    assertThat(run.err, run.exitCode, equalTo(0));
    return run.out;
  }
}

package dev.dctwin.simulator.smd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.ServerTwin;
import dev.dctwin.models.ServerTwinState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code smd-bench}: the learned baseline measured on real labelled server data. For every machine
 * of an SMD folder: {@code smd-replay}, the pipeline's {@code run} (the same job as always, on the
 * DirectRunner), {@code smd-predictions}; then the dataset's own scorer over all of them, and the
 * twin's state bytes per server. Prints one row per machine, the total, and the issue's floors.
 */
@Command(
    name = "smd-bench",
    mixinStandardHelpOptions = true,
    description = {
      "Runs smd-replay, the pipeline and smd-predictions on every machine of an SMD folder"
          + " (train/, test/, test_label/, interpretation_label/, score_smd.py), scores them with"
          + " score_smd.py and prints point, point-adjusted and composite F1, event recall, flagged"
          + " fraction, median detection delay, HitRate@100/150 % and state bytes per server."
    })
public final class SmdBenchCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** The floors of issue 20 on the total. */
  private static final double MIN_COMPOSITE_F1 = 0.50;

  private static final double MIN_POINT_F1 = 0.30;
  private static final double MIN_PA_F1 = 0.85;
  private static final double MAX_FLAGGED_OVER_LABELLED = 1.5;
  private static final double MIN_HITRATE_150 = 0.70;
  private static final double MAX_MEDIAN_DELAY_ROWS = 3;

  @Spec CommandSpec spec;

  @Option(names = "--data", required = true, paramLabel = "DIR", description = "An SMD folder.")
  Path data;

  @Option(
      names = "--out",
      defaultValue = "target/smd-bench",
      paramLabel = "DIR",
      description = "Replays, alerts and predictions go here (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(
      names = "--machines",
      split = ",",
      description = "Only these machines (default: every machine with train, test and labels).")
  List<String> only;

  @Option(
      names = "--python",
      defaultValue = "python3",
      description = "The Python 3 that runs score_smd.py (default: ${DEFAULT-VALUE}).")
  String python;

  @Override
  public Integer call() throws Exception {
    PrintWriter console = spec.commandLine().getOut();
    List<String> machines = machines();
    if (machines.isEmpty()) {
      throw new IllegalArgumentException("no machine with train, test and test_label in " + data);
    }
    Path predictions = out.resolve("predictions");
    Files.createDirectories(predictions);
    Map<String, Integer> stateBytes = new LinkedHashMap<>();
    for (String machine : machines) {
      long started = System.nanoTime();
      Path replayDir = out.resolve(machine).resolve("replay");
      Path alerts = out.resolve(machine).resolve("alerts.jsonl");
      SmdReplay.Replay replay =
          SmdReplay.write(
              rowsFile("train", machine), rowsFile("test", machine), machine, replayDir);
      runPipeline(replayDir, alerts);
      SmdPredictions.Written written =
          SmdPredictions.write(replayDir, alerts, predictions.resolve(machine + ".txt"));
      stateBytes.put(machine, stateBytesAfter(machine));
      console.printf(
          Locale.ROOT,
          "%s: %d + %d rows, %d test rows flagged, %.0f s%n",
          machine,
          replay.trainRows(),
          replay.testRows(),
          written.flagged(),
          (System.nanoTime() - started) / 1e9);
      console.flush();
    }
    List<JsonNode> scores = score(predictions);
    printTable(console, scores, stateBytes);
    return 0;
  }

  private List<String> machines() throws IOException {
    try (Stream<Path> labels = Files.list(data.resolve("test_label"))) {
      return labels
          .map(path -> path.getFileName().toString())
          .filter(name -> name.endsWith(".txt"))
          .map(name -> name.substring(0, name.length() - 4))
          .filter(m -> only == null || only.contains(m))
          .filter(m -> exists("train", m) && exists("test", m))
          .sorted()
          .toList();
    }
  }

  private boolean exists(String folder, String machine) {
    return Files.exists(data.resolve(folder).resolve(machine + ".txt.gz"))
        || Files.exists(data.resolve(folder).resolve(machine + ".txt"));
  }

  private Path rowsFile(String folder, String machine) {
    Path gz = data.resolve(folder).resolve(machine + ".txt.gz");
    return Files.exists(gz) ? gz : data.resolve(folder).resolve(machine + ".txt");
  }

  /** The pipeline's {@code run} on the replay, in this JVM; its console goes to a log file. */
  private void runPipeline(Path replayDir, Path alerts) throws IOException {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream stream = new PrintStream(log, true, StandardCharsets.UTF_8);
    int code =
        dev.dctwin.pipeline.Main.run(
            new String[] {
              "run",
              "--inputDir=" + replayDir,
              "--alertsOut=" + alerts,
              // One report a minute: a few missing rows are not a silence worth a page.
              "--silenceAfterSeconds=300",
              // Weeks of one server: the twin drains an hour of reports per wake-up instead of
              // one (the verdicts are the same: they follow event time, not wake-ups).
              "--twinTimerAlignmentMs=3600000"
            },
            stream,
            stream);
    Files.write(alerts.resolveSibling("run.log"), log.toByteArray());
    if (code != 0) {
      throw new IllegalStateException(
          "run failed with exit code " + code + ": " + log.toString(StandardCharsets.UTF_8));
    }
  }

  /** The server twin's state bytes after the machine's whole replay, through the pure model. */
  private int stateBytesAfter(String machine) throws IOException {
    ServerTwin twin = ServerTwin.withDefaults();
    ServerTwinState state =
        twin.onMessage(
                ServerTwinState.notCommissioned(),
                new CommissionServer(machine, "rack", "smd", SmdReplay.START_MS - 60_000))
            .state();
    long time = SmdReplay.START_MS;
    for (String folder : List.of("train", "test")) {
      for (double[] row : SmdReplay.rows(rowsFile(folder, machine))) {
        SortedMap<String, Double> gauges = new TreeMap<>();
        for (int i = 0; i < row.length; i++) {
          gauges.put("m" + (i + 1), row[i]);
        }
        state = twin.onMessage(state, ServerMetricReport.ofGauges(machine, time, gauges)).state();
        time += SmdReplay.INTERVAL_MS;
      }
    }
    return state.toBytes().length;
  }

  private List<JsonNode> score(Path predictions) throws IOException, InterruptedException {
    Process scorer =
        new ProcessBuilder(
                python,
                data.resolve("score_smd.py").toString(),
                "--labels-dir",
                data.resolve("test_label").toString(),
                "--preds-dir",
                predictions.toString(),
                "--per-machine",
                "--interpretation-dir",
                data.resolve("interpretation_label").toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(scorer.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (scorer.waitFor() != 0) {
      throw new IllegalStateException("score_smd.py failed: " + output);
    }
    List<JsonNode> lines = new ArrayList<>();
    for (String line : output.strip().split("\\R")) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  private static void printTable(
      PrintWriter console, List<JsonNode> scores, Map<String, Integer> stateBytes) {
    console.printf(
        "%-13s %8s %8s %8s %8s %8s %8s %7s %7s %7s %7s%n",
        "machine",
        "point F1",
        "PA F1",
        "comp F1",
        "ev rec",
        "flagged",
        "labelled",
        "delay",
        "HR@100",
        "HR@150",
        "bytes");
    for (JsonNode score : scores) {
      String machine = score.path("machine").asText();
      double labelled =
          (score.path("tp").asDouble() + score.path("fn").asDouble())
              / score.path("rows").asDouble();
      Integer bytes = stateBytes.get(machine);
      console.printf(
          Locale.ROOT,
          "%-13s %8.3f %8.3f %8.3f %8.3f %8.4f %8.4f %7s %7.3f %7.3f %7s%n",
          machine,
          score.path("point_f1").asDouble(),
          score.path("pa_f1").asDouble(),
          score.path("composite_f1").asDouble(),
          score.path("event_recall").asDouble(),
          score.path("flagged_fraction").asDouble(),
          labelled,
          score.path("delay_median_rows").isNull() ? "-" : score.path("delay_median_rows").asText(),
          score.path("hitrate_100").asDouble(),
          score.path("hitrate_150").asDouble(),
          bytes == null
              ? String.valueOf(stateBytes.values().stream().mapToInt(b -> b).max().orElse(0))
              : String.valueOf(bytes));
    }
    JsonNode total = scores.get(scores.size() - 1);
    double labelled =
        (total.path("tp").asDouble() + total.path("fn").asDouble()) / total.path("rows").asDouble();
    console.println();
    floor(console, "composite F1", total.path("composite_f1").asDouble(), ">=", MIN_COMPOSITE_F1);
    floor(console, "point F1", total.path("point_f1").asDouble(), ">=", MIN_POINT_F1);
    floor(console, "point-adjusted F1", total.path("pa_f1").asDouble(), ">=", MIN_PA_F1);
    floor(
        console,
        "flagged / labelled",
        total.path("flagged_fraction").asDouble() / labelled,
        "<=",
        MAX_FLAGGED_OVER_LABELLED);
    floor(console, "HitRate@150 %", total.path("hitrate_150").asDouble(), ">=", MIN_HITRATE_150);
    floor(
        console,
        "median delay (rows)",
        total.path("delay_median_rows").asDouble(Double.NaN),
        "<=",
        MAX_MEDIAN_DELAY_ROWS);
    console.println("total (JSON): " + total);
  }

  private static void floor(
      PrintWriter console, String figure, double value, String comparison, double bound) {
    boolean pass = comparison.equals(">=") ? value >= bound : value <= bound;
    console.printf(
        Locale.ROOT,
        "%-20s %8.3f  goal %s %.2f  %s%n",
        figure,
        value,
        comparison,
        bound,
        pass ? "PASS" : "FAIL");
  }
}

package dev.dctwin.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code score}: compares the pipeline's alerts with a fleet's ground truth (definitions on {@link
 * Scorer}). Prints a human summary, then, as its last line, one JSON object with the figures.
 */
@Command(
    name = "score",
    mixinStandardHelpOptions = true,
    description = {
      "Scores alerts (JSON lines of type alert) against ground-truth.jsonl. The last line of the"
          + " output is one JSON object: recall, precision, root_cause_accuracy, latency_p50_s,"
          + " latency_p95_s, latency_max_s, compression, benign_false_alerts."
    })
final class ScoreCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  @Spec CommandSpec spec;

  @Option(
      names = "--groundTruth",
      required = true,
      paramLabel = "FILE",
      description = "ground-truth.jsonl of the fleet run.")
  Path groundTruth;

  @Option(
      names = "--alerts",
      required = true,
      paramLabel = "FILE",
      description = "The pipeline's alerts, JSON lines; other message types are skipped.")
  Path alerts;

  @Option(names = "--out", paramLabel = "FILE", description = "Also write the JSON figures here.")
  Path out;

  @Option(
      names = "--grace",
      defaultValue = "3m",
      description =
          "How long after a fault's end an alert may still open (default: ${DEFAULT-VALUE}).")
  Duration grace;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    List<Fault> faults = GroundTruth.read(groundTruth);
    AlertFile read = readAlerts(alerts);
    Scorer.Score score = new Scorer(grace.toMillis()).score(faults, read.alerts());
    printSummary(stdout, score, read);
    String json = JSON.writeValueAsString(Scorer.figures(score));
    if (out != null) {
      Files.writeString(out, json + "\n", StandardCharsets.UTF_8);
    }
    stdout.println(json);
    return 0;
  }

  /** The alerts of a file, and how many lines were something else or unreadable. */
  record AlertFile(List<Alert> alerts, int otherMessages, int invalidLines) {}

  static AlertFile readAlerts(Path file) throws IOException {
    WireCodec codec = WireCodec.withDefaults();
    List<Alert> alerts = new ArrayList<>();
    int other = 0;
    int invalid = 0;
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        try {
          Message message = codec.decode(line.getBytes(StandardCharsets.UTF_8), MessageType.ALERT);
          if (message instanceof Alert alert) {
            alerts.add(alert);
          } else {
            other++;
          }
        } catch (InvalidMessageException e) {
          invalid++;
        }
      }
    }
    return new AlertFile(alerts, other, invalid);
  }

  static void printSummary(PrintWriter out, Scorer.Score score, AlertFile read) {
    out.printf(
        Locale.ROOT,
        "score: %d faults, %d benign windows; %d alerts (%d other messages, %d unreadable"
            + " lines), %d pages%n",
        score.faults(),
        score.benignWindows(),
        read.alerts().size(),
        read.otherMessages(),
        read.invalidLines(),
        score.pages());
    for (Scorer.FaultOutcome outcome : score.outcomes()) {
      Fault fault = outcome.fault();
      Alert page = outcome.firstPage();
      out.printf(
          Locale.ROOT,
          "  %s %-24s %-10s %-14s %-8s %s%n",
          fault.faultId(),
          fault.kind(),
          fault.level(),
          fault.entity(),
          outcome.detected() ? "detected" : "MISSED",
          page == null
              ? String.format(
                  Locale.ROOT,
                  "(%d pages, %d alerts below or at other levels)",
                  outcome.matchingPages(),
                  outcome.matchingAlerts())
              : String.format(
                  Locale.ROOT,
                  "after %.1f s as %s%s; %d alerts, %d pages",
                  outcome.latencySeconds(),
                  page.incidentType(),
                  outcome.rootCauseCorrect() ? "" : " (expected " + fault.expectedIncident() + ")",
                  outcome.matchingAlerts(),
                  outcome.matchingPages()));
    }
    for (Alert page : score.unmatchedPages()) {
      out.printf(
          Locale.ROOT,
          "  unmatched page: %s %s %s opened at %d%n",
          page.level(),
          page.entity(),
          page.incidentType(),
          page.openedAt());
    }
    out.printf(
        Locale.ROOT,
        "recall %s (%d of %d), precision %s (%d of %d pages), root-cause accuracy %s,"
            + " latency p50 %s s p95 %s s max %s s, compression %s (%d naive alerts / %d pages),"
            + " benign false alerts %d%n",
        score.recall(),
        score.detected(),
        score.faults(),
        score.precision(),
        score.pagesMatchingFaults(),
        score.pages(),
        score.rootCauseAccuracy(),
        score.latencyP50Seconds(),
        score.latencyP95Seconds(),
        score.latencyMaxSeconds(),
        score.compression(),
        score.naiveAlerts(),
        score.correlatedPages(),
        score.benignFalseAlerts());
  }
}

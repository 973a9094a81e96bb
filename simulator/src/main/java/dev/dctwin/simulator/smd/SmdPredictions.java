package dev.dctwin.simulator.smd;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.MetricEvidence;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The pipeline's alerts of a replayed SMD machine as the scorer's predictions: per test row, 1
 * where a server-level incident of the machine (silence excluded: a replay has none to find) is
 * open at the row's event time, and the open incidents' explaining metrics as column numbers.
 */
public final class SmdPredictions {
  private static final Pattern COLUMN = Pattern.compile("m(\\d+)");

  /** One incident of the server, open from {@code openedAt} until {@code resolvedAt}. */
  private record Interval(long openedAt, long resolvedAt, List<MetricEvidence> evidence) {
    boolean covers(long time) {
      return openedAt <= time && time < resolvedAt;
    }
  }

  /** How many test rows were flagged. */
  public record Written(int rows, int flagged) {}

  private SmdPredictions() {}

  /** Writes {@code out} (0/1 per test row) and its {@code .dims.txt} beside it. */
  public static Written write(Path replayDir, Path alerts, Path out) throws IOException {
    SmdReplay.Replay replay = SmdReplay.Replay.read(replayDir);
    List<Interval> intervals = intervals(alerts, replay.serverId());
    Path dims = dimsFileOf(out);
    int flagged = 0;
    try (BufferedWriter predictions = Files.newBufferedWriter(out);
        BufferedWriter explanations = Files.newBufferedWriter(dims)) {
      for (int row = 0; row < replay.testRows(); row++) {
        long time = replay.testRowTime(row);
        List<Interval> open = intervals.stream().filter(i -> i.covers(time)).toList();
        predictions.write(open.isEmpty() ? "0\n" : "1\n");
        if (!open.isEmpty()) {
          flagged++;
        }
        explanations.write(columns(open));
        explanations.write('\n');
      }
    }
    return new Written(replay.testRows(), flagged);
  }

  /** {@code PRED.txt} -> {@code PRED.dims.txt}, as the scorer looks for it. */
  public static Path dimsFileOf(Path predictions) {
    String name = predictions.getFileName().toString();
    String stem = name.endsWith(".txt") ? name.substring(0, name.length() - 4) : name;
    return predictions.resolveSibling(stem + ".dims.txt");
  }

  private static List<Interval> intervals(Path alerts, String serverId) throws IOException {
    WireCodec codec = WireCodec.withDefaults();
    Map<String, Alert> opened = new LinkedHashMap<>();
    Map<String, Long> resolved = new LinkedHashMap<>();
    for (String line : Files.readAllLines(alerts, StandardCharsets.UTF_8)) {
      if (line.isBlank()) {
        continue;
      }
      Alert alert;
      try {
        alert = (Alert) codec.decode(line.getBytes(StandardCharsets.UTF_8), MessageType.ALERT);
      } catch (InvalidMessageException | ClassCastException e) {
        throw new IllegalArgumentException(alerts + ": not an alert: " + line, e);
      }
      if (alert.level() != Level.SERVER
          || !alert.entity().equals(serverId)
          || alert.incidentType() == IncidentType.SERVER_SILENT) {
        continue;
      }
      if (alert.status() == AlertStatus.OPENED) {
        opened.put(alert.incidentId(), alert);
      } else {
        resolved.put(alert.incidentId(), alert.eventTime());
      }
    }
    List<Interval> intervals = new ArrayList<>();
    for (Alert alert : opened.values()) {
      intervals.add(
          new Interval(
              alert.openedAt(),
              resolved.getOrDefault(alert.incidentId(), Long.MAX_VALUE),
              alert.evidence()));
    }
    return intervals;
  }

  /** The explaining metrics of the open incidents as 1-based columns, most important first. */
  private static String columns(List<Interval> open) {
    List<Integer> columns = new ArrayList<>();
    for (Interval interval : open) {
      for (MetricEvidence evidence : interval.evidence()) {
        Matcher column = COLUMN.matcher(evidence.metric());
        if (column.matches()) {
          int number = Integer.parseInt(column.group(1));
          if (!columns.contains(number)) {
            columns.add(number);
          }
        }
      }
    }
    return columns.stream().map(String::valueOf).collect(Collectors.joining(","));
  }
}

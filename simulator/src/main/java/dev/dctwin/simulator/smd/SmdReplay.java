package dev.dctwin.simulator.smd;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.ServerMetricReport;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

/**
 * A machine of the Server Machine Dataset as dctwin's wire format: its commissioning, then one
 * metrics report per row, {@link #INTERVAL_MS} apart, the columns as gauges {@code m1}, {@code m2},
 * ... (1-based, as SMD's interpretation labels count them); train rows first, as the twin's
 * history, then the test rows.
 */
public final class SmdReplay {
  /** SMD has one row per minute. */
  public static final long INTERVAL_MS = 60_000;

  /** 2025-01-01T00:00:00Z: SMD's rows carry no time, so the replay starts here. */
  public static final long START_MS = 1_735_689_600_000L;

  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final WireCodec CODEC = WireCodec.withDefaults();

  /** What {@code replay.json} records of a replay, for the predictions step. */
  public record Replay(
      @JsonProperty("serverId") String serverId,
      @JsonProperty("firstTestEventTime") long firstTestEventTime,
      @JsonProperty("intervalMs") long intervalMs,
      @JsonProperty("trainRows") int trainRows,
      @JsonProperty("testRows") int testRows,
      @JsonProperty("metrics") int metrics) {

    public static Replay read(Path dir) throws IOException {
      return JSON.readValue(dir.resolve("replay.json").toFile(), Replay.class);
    }

    /** The event time of test row {@code row} (0-based). */
    public long testRowTime(int row) {
      return firstTestEventTime + row * intervalMs;
    }
  }

  private SmdReplay() {}

  /** Writes {@code out}/provisioning.jsonl, metrics.jsonl and replay.json; returns the replay. */
  public static Replay write(Path train, Path test, String serverId, Path out) throws IOException {
    List<double[]> trainRows = rows(train);
    List<double[]> testRows = rows(test);
    int metrics = trainRows.isEmpty() ? testRows.get(0).length : trainRows.get(0).length;
    Files.createDirectories(out);
    String rack = serverId + "-rack";
    Files.writeString(
        out.resolve("provisioning.jsonl"),
        CODEC.encodeToString(new CommissionServer(serverId, rack, "smd", START_MS - INTERVAL_MS))
            + "\n",
        StandardCharsets.UTF_8);
    long time = START_MS;
    try (BufferedWriter writer = Files.newBufferedWriter(out.resolve("metrics.jsonl"))) {
      for (List<double[]> rows : List.of(trainRows, testRows)) {
        for (double[] row : rows) {
          if (row.length != metrics) {
            throw new IllegalArgumentException(
                "rows of " + row.length + " and " + metrics + " columns in one machine");
          }
          SortedMap<String, Double> gauges = new TreeMap<>();
          for (int column = 0; column < row.length; column++) {
            gauges.put("m" + (column + 1), row[column]);
          }
          writer.write(CODEC.encodeToString(ServerMetricReport.ofGauges(serverId, time, gauges)));
          writer.write('\n');
          time += INTERVAL_MS;
        }
      }
    }
    Replay replay =
        new Replay(
            serverId,
            START_MS + trainRows.size() * INTERVAL_MS,
            INTERVAL_MS,
            trainRows.size(),
            testRows.size(),
            metrics);
    JSON.writeValue(out.resolve("replay.json").toFile(), replay);
    return replay;
  }

  /** The rows of an SMD file: comma-separated numbers, gzip-compressed if it ends in .gz. */
  static List<double[]> rows(Path file) throws IOException {
    List<double[]> rows = new ArrayList<>();
    try (InputStream raw = Files.newInputStream(file);
        InputStream in = file.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader reader =
            new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int number = 0;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",");
        double[] row = new double[cells.length];
        for (int i = 0; i < cells.length; i++) {
          try {
            row[i] = Double.parseDouble(cells[i].strip());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(file + ":" + number + ": not a number: " + cells[i]);
          }
        }
        rows.add(row);
      }
    }
    if (rows.isEmpty()) {
      throw new IllegalArgumentException(file + " has no rows");
    }
    return rows;
  }
}

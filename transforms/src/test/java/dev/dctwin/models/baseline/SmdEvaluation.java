package dev.dctwin.models.baseline;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Runs {@link ServerBaseline} (its one {@link BaselineConfig#DEFAULT} configuration) on the Server
 * Machine Dataset and writes predictions for {@code score_smd.py}; also prints the state bytes per
 * server for 40 and 200 metrics. Not a JUnit test (no {@code Test} suffix); run it with
 *
 * <pre>
 * mvn -B -q -pl transforms test-compile
 * java -cp transforms/target/classes:transforms/target/test-classes \
 *   dev.dctwin.models.baseline.SmdEvaluation /work/shared/data/smd target/smd-preds
 * </pre>
 *
 * <p>Protocol: every train row, then every test row, of a machine in order, one report per row 60 s
 * apart, metrics named m1..m38; the prediction for a test row is 1 when an incident is open after
 * it, and its explaining metrics are those of the verdict, most important first.
 */
public final class SmdEvaluation {
  private static final long STEP_MS = 60_000;
  private static final long START_MS = 1_500_000_000_000L;

  public static void main(String[] args) throws IOException {
    if (args.length < 2) {
      System.err.println("usage: SmdEvaluation DATA_DIR PREDS_DIR [machine,...]");
      System.exit(2);
    }
    Path data = Path.of(args[0]);
    Path preds = Path.of(args[1]);
    Files.createDirectories(preds);
    List<String> machines = new ArrayList<>();
    if (args.length > 2) {
      machines.addAll(List.of(args[2].split(",")));
    } else {
      try (Stream<Path> files = Files.list(data.resolve("test"))) {
        files
            .map(p -> p.getFileName().toString())
            .filter(n -> n.endsWith(".txt.gz"))
            .map(n -> n.substring(0, n.length() - ".txt.gz".length()))
            .sorted()
            .forEach(machines::add);
      }
    }
    for (String machine : machines) {
      List<double[]> train = read(data.resolve("train").resolve(machine + ".txt.gz"));
      List<double[]> test = read(data.resolve("test").resolve(machine + ".txt.gz"));
      ServerBaseline model = new ServerBaseline(BaselineConfig.DEFAULT);
      long time = START_MS;
      long readyAt = -1;
      for (double[] row : train) {
        BaselineVerdict verdict = model.observe(time, report(row));
        if (readyAt < 0 && verdict.readiness().ready()) {
          readyAt = (time - START_MS) / STEP_MS + 1;
        }
        time += STEP_MS;
      }
      int flagged = 0;
      try (PrintWriter out = new PrintWriter(preds.resolve(machine + ".txt").toFile(), "UTF-8");
          PrintWriter dims =
              new PrintWriter(preds.resolve(machine + ".dims.txt").toFile(), "UTF-8")) {
        for (double[] row : test) {
          BaselineVerdict verdict = model.observe(time, report(row));
          time += STEP_MS;
          out.println(verdict.incidentOpen() ? 1 : 0);
          flagged += verdict.incidentOpen() ? 1 : 0;
          StringBuilder line = new StringBuilder();
          for (MetricExplanation e : verdict.explanation()) {
            if (line.length() > 0) {
              line.append(',');
            }
            line.append(e.metric().substring(1));
          }
          dims.println(line);
        }
      }
      System.out.printf(
          "%s: %d train + %d test rows, ready after %d rows, flagged %.4f of test, state %d bytes%n",
          machine,
          train.size(),
          test.size(),
          readyAt,
          flagged / (double) test.size(),
          model.toBytes().length);
    }
    for (int metrics : new int[] {40, 200}) {
      System.out.printf(
          "state bytes per server with %d metrics after 3 days of minute reports: %d%n",
          metrics, syntheticStateBytes(metrics, 3 * 1440));
    }
  }

  /** The state size of a server with {@code metrics} noisy, spiky metrics after {@code rows}. */
  static int syntheticStateBytes(int metrics, int rows) {
    Random random = new Random(metrics);
    ServerBaseline model = new ServerBaseline(BaselineConfig.DEFAULT);
    for (int t = 0; t < rows; t++) {
      Map<String, Double> report = new TreeMap<>();
      for (int m = 0; m < metrics; m++) {
        double spike = random.nextDouble() < 0.01 ? 50 * random.nextDouble() : 0;
        report.put(
            "node_metric_" + m + "_bytes_total",
            100 + 10 * Math.sin(t / 229.0 + m) + random.nextGaussian() + spike);
      }
      model.observe(START_MS + t * STEP_MS, report);
    }
    return model.toBytes().length;
  }

  static Map<String, Double> report(double[] row) {
    Map<String, Double> report = new TreeMap<>();
    for (int i = 0; i < row.length; i++) {
      report.put("m" + (i + 1), row[i]);
    }
    return report;
  }

  static List<double[]> read(Path gz) throws IOException {
    List<double[]> rows = new ArrayList<>();
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(gz)), StandardCharsets.UTF_8))) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        String[] parts = line.split(",");
        double[] row = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          row[i] = Double.parseDouble(parts[i].trim());
        }
        rows.add(row);
      }
    }
    return rows;
  }
}

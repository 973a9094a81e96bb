package dev.dctwin.simulator.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@code bench --quick} end to end, in a JVM of its own as {@code java -jar} runs it (with the
 * {@code --add-opens} that the jar's manifest carries): the report, its charts, and a positive
 * measured figure for every benchmark. The report stays in {@code pipeline/target/bench-quick}.
 */
@RunWith(JUnit4.class)
public class BenchCommandTest {
  private static final Pattern SUMMARY_ROW =
      Pattern.compile(
          "^\\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\| ([^|]+) \\|$");

  @Test
  public void quickBenchWritesAReportWithChartsAndMeasuredFigures() throws Exception {
    // Kept after the test (target/bench-quick), for a look at the report a CI run produced.
    Path out = Path.of("target", "bench-quick").toAbsolutePath();
    Files.createDirectories(out);
    Path log = out.resolve("bench.log");
    Process process =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx2g",
                "--add-opens=java.base/java.util=ALL-UNNAMED",
                "--add-opens=java.base/java.lang=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.dctwin.pipeline.Main",
                "bench",
                "--quick",
                "--out=" + out)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    // About 4 minutes on an idle 2-core machine; much more when other builds share the cores.
    boolean ended = process.waitFor(12, TimeUnit.MINUTES);
    if (!ended) {
      process.destroyForcibly();
    }
    String stdout = Files.readString(log, StandardCharsets.UTF_8);
    assertThat("bench --quick ended in time; output:\n" + tail(stdout), ended, equalTo(true));
    assertThat("exit code; output:\n" + tail(stdout), process.exitValue(), equalTo(0));

    String report = Files.readString(out.resolve("report.md"), StandardCharsets.UTF_8);
    assertThat(report, containsString("## Machine"));
    assertThat(report, containsString("## Summary"));
    for (String chart : List.of("throughput.png", "latency.png", "join.png")) {
      File png = out.resolve(chart).toFile();
      assertThat(chart + " exists", png.isFile(), equalTo(true));
      byte[] head = Files.readAllBytes(png.toPath());
      assertThat(chart + " is a PNG", head[1] == 'P' && head[2] == 'N' && head[3] == 'G');
      assertThat(report, containsString("](" + chart + ")"));
    }

    List<String> benchmarks = new ArrayList<>();
    int figures = 0;
    boolean inSummary = false;
    for (String line : report.split("\n")) {
      if (line.startsWith("## ")) {
        inSummary = line.equals("## Summary");
        continue;
      }
      Matcher row = SUMMARY_ROW.matcher(line);
      if (!inSummary || !row.matches() || row.group(1).equals("benchmark")) {
        continue;
      }
      String measured = row.group(3).strip();
      if (measured.startsWith("-")) {
        continue; // the |---| line
      }
      double value = Double.parseDouble(measured); // n/a fails here: every figure was measured
      assertThat(row.group(2) + " is positive", value, greaterThan(0.0));
      assertThat(row.group(6).strip(), org.hamcrest.Matchers.oneOf("PASS", "FAIL", "-"));
      benchmarks.add(row.group(1).strip());
      figures++;
    }
    assertThat(figures, greaterThan(5));
    assertThat(benchmarks, hasItem("1 pipeline throughput"));
    assertThat(benchmarks, hasItem("2 alert latency"));
    assertThat(benchmarks, hasItem("3 join through Kafka"));
    assertThat(benchmarks, hasItem("3 join in memory"));
    assertThat(stdout, containsString("report: "));
  }

  private static String tail(String text) {
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }
}

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
 * valid figure for every benchmark (every input acknowledged, every output seen: no INVALID), the
 * library logs in a file of their own rather than on the console. The report stays in {@code
 * simulator/target/bench-quick}.
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
                "dev.dctwin.simulator.Main",
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
      if (!inSummary || !row.matches() || row.group(1).equals("figure")) {
        continue;
      }
      String value = row.group(2).strip();
      if (value.startsWith("-")) {
        continue; // the |---| line
      }
      String verdict = row.group(4).strip();
      assertThat(
          row.group(1) + ": " + value, verdict, org.hamcrest.Matchers.oneOf("PASS", "FAIL", "-"));
      // "90,000 reports/s": a number, then its unit.
      double measured = Double.parseDouble(value.split(" ")[0].replace(",", ""));
      assertThat(row.group(1) + " is positive", measured, greaterThan(0.0));
      benchmarks.add(row.group(1).strip().split(":")[0]);
      figures++;
    }
    assertThat(figures, greaterThan(10));
    assertThat(benchmarks, hasItem("1 pipeline"));
    assertThat(benchmarks, hasItem("2 alert latency"));
    assertThat(benchmarks, hasItem("3 join through Kafka"));
    assertThat(benchmarks, hasItem("3 join in memory"));
    assertThat(report, containsString("collectd JSON, 500 servers"));
    assertThat(report, containsString("OTLP protobuf, 500 servers"));
    assertThat(
        report, containsString("incremental checkpoint size, typed reports, 500 servers, RocksDB"));
    assertThat(report, containsString("| Kafka ceiling | fraction |"));
    // The console: progress lines and the summary; the libraries write to library.log.
    for (String line : stdout.split("\n")) {
      assertThat(
          "a console line of the bench's own: " + line,
          line.isEmpty()
              || line.startsWith("bench: ")
              || line.startsWith("library logs: ")
              || line.startsWith("report: ")
              || line.startsWith("CPU: ")
              || line.startsWith("figure ")
              || line.matches("^[0-9] .*"),
          equalTo(true));
    }
    assertThat(Files.size(out.resolve("library.log")), greaterThan(0L));
    assertThat(stdout, containsString("report: "));
  }

  private static String tail(String text) {
    return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
  }
}

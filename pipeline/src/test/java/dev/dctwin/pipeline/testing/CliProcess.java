package dev.dctwin.pipeline.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The pipeline's CLI ({@code dev.dctwin.pipeline.Main}) in a JVM of its own, as a user runs it:
 * exit code, everything it printed, and how long it took.
 */
public record CliProcess(int exitCode, String stdout, String stderr, long millis) {

  public String all() {
    return stdout + stderr;
  }

  /** The lines of the CLI's own errors ({@code dctwin-pipeline run: ...}). */
  public List<String> errorLines() {
    return stderr.lines().filter(line -> line.startsWith("dctwin-pipeline run")).toList();
  }

  /**
   * Runs the CLI with {@code args} and {@code environment} added to this JVM's, its output in
   * {@code dir}; {@code whileRunning}, if not null, runs about once a second until it ends.
   */
  public static CliProcess run(
      Path dir, List<String> args, Map<String, String> environment, Runnable whileRunning)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx512m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.dctwin.pipeline.Main");
    command.addAll(args);
    Path out = dir.resolve("out-" + UUID.randomUUID());
    Path err = dir.resolve("err-" + UUID.randomUUID());
    long started = System.nanoTime();
    ProcessBuilder builder =
        new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
    builder.environment().putAll(environment);
    Process process = builder.start();
    while (process.isAlive() && whileRunning != null) {
      whileRunning.run();
      process.waitFor(1, TimeUnit.SECONDS);
    }
    // Only a guard against a hang: a run of seconds took over two minutes on a 2-core machine
    // with a load average of 50.
    if (!process.waitFor(300, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the CLI hung: " + Files.readString(err));
    }
    return new CliProcess(
        process.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8),
        (System.nanoTime() - started) / 1_000_000);
  }
}

package dev.dctwin.simulator;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fleet-bench}: how fast {@code fleet} generates, encodes and writes metric reports. A fleet
 * of 1,000 servers (25 racks of 40), without faults so that every interval yields 1,000 reports,
 * runs as long as it takes to produce the requested number of reports, into a temporary directory.
 */
@Command(
    name = "fleet-bench",
    mixinStandardHelpOptions = true,
    description = {
      "Generates at least --reports metric reports of 1,000 servers into a temporary directory and"
          + " prints the rate in reports per minute."
    })
final class FleetBenchCommand implements Callable<Integer> {
  private static final int RACKS = 25;
  private static final int SERVERS_PER_RACK = 40;

  @Spec CommandSpec spec;

  @Option(
      names = "--reports",
      defaultValue = "1000000",
      description = "Metric reports to generate (default: ${DEFAULT-VALUE}).")
  long reports;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--embed-sensors",
      description = "Embed the sensors in the reports instead of writing a sensors stream.")
  boolean embedSensors;

  @Option(names = "--keep", description = "Keep the generated files and print where they are.")
  boolean keep;

  @Override
  public Integer call() throws IOException {
    if (reports < 1) {
      throw new IllegalArgumentException("--reports must be positive");
    }
    int servers = RACKS * SERVERS_PER_RACK;
    long interval = 10_000;
    long ticks = (reports + servers - 1) / servers;
    FleetConfig config =
        FleetConfig.defaults(seed)
            .withFleet(1, RACKS, SERVERS_PER_RACK)
            .withDuration(ticks * interval)
            .withFaults("none")
            .withEmbedSensors(embedSensors);
    Path directory = Files.createTempDirectory("dctwin-fleet-bench");
    long began = System.nanoTime();
    Topology topology = Topology.of(1, RACKS, SERVERS_PER_RACK);
    Scenario scenario = ScenarioPlanner.plan(config, topology);
    FleetGenerator.Counts counts;
    try (FileSink sink =
        FileSink.inDirectory(directory, Topic.PROVISIONING, Topic.METRICS, Topic.SENSORS)) {
      counts = new FleetGenerator(config, topology, scenario).run(sink);
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    long bytes = size(directory);
    PrintWriter out = spec.commandLine().getOut();
    out.printf(
        Locale.ROOT,
        "fleet-bench: %,d metric reports (%,d servers x %,d intervals, sensors %s) and %,d"
            + " messages in all, %,d MB, in %.1f s: %,.0f reports/minute (%,.0f messages/s)%n",
        counts.metrics(),
        servers,
        ticks,
        embedSensors ? "embedded" : "as a separate stream",
        counts.total(),
        bytes / 1_000_000,
        seconds,
        counts.metrics() / seconds * 60,
        counts.total() / seconds);
    if (keep) {
      out.println("fleet-bench: files in " + directory);
    } else {
      delete(directory);
    }
    return 0;
  }

  private static long size(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      long total = 0;
      for (Path file : files.toList()) {
        total += Files.size(file);
      }
      return total;
    }
  }

  private static void delete(Path directory) throws IOException {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }
}

package dev.dctwin.simulator;

import dev.dctwin.pipeline.cli.Durations;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code fleet}: generates a fleet's reports with labelled faults. */
@Command(
    name = "fleet",
    mixinStandardHelpOptions = true,
    description = {
      "Generates D datacenters x R racks x S servers reporting every interval, with injected"
          + " faults and benign noise, into DIR/provisioning.jsonl, metrics.jsonl, sensors.jsonl"
          + " and ground-truth.jsonl (and/or to MQTT or Kafka).",
      "Same --seed, same bytes."
    })
final class FleetCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--seed", defaultValue = "1", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--out",
      paramLabel = "DIR",
      description = "Write the files here (required unless --mqtt or --kafka).")
  Path out;

  @Option(names = "--datacenters", defaultValue = "1", description = "Default: ${DEFAULT-VALUE}.")
  int datacenters;

  @Option(
      names = "--racks",
      defaultValue = "4",
      description = "Racks per datacenter (default: ${DEFAULT-VALUE}).")
  int racks;

  @Option(
      names = "--servers",
      defaultValue = "40",
      description = "Servers per rack (default: ${DEFAULT-VALUE}).")
  int servers;

  @Option(
      names = "--duration",
      defaultValue = "30m",
      description = "Event time to simulate, e.g. 30m, 2h (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--interval",
      defaultValue = "10s",
      description = "Reporting interval of every server (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--start",
      defaultValue = "2025-11-21T10:00:00Z",
      description = "Event time of the start, ISO-8601 or epoch ms (default: ${DEFAULT-VALUE}).")
  String start;

  @Option(
      names = "--faults",
      defaultValue = "default",
      description = {
        "default, none, or a comma-separated list of KIND[*COUNT][:ENTITY][@START[+DURATION]],"
            + " e.g. TOR_SWITCH_FAILURE:dc1-r02@12m+5m,DISK_FAILURE*2,NOISE*10.",
        "Kinds: NOISE (benign, random kind), DISK_FAILURE, NIC_DEGRADED, CPU_STEAL, MEMORY_ECC,"
            + " THERMAL, SERVER_SILENT, TOR_SWITCH_FAILURE, RACK_POWER, RACK_COOLING,"
            + " POWER_SUPPLY_DEGRADATION, NOISE_CPU_STEAL, NOISE_PACKET_LOSS, NOISE_INLET_SPIKE,"
            + " NOISE_VOLTAGE_GLITCH, NOISE_DISK_LATENCY, NOISE_MISSED_REPORTS."
      })
  String faults;

  @Option(
      names = "--churn",
      defaultValue = "0",
      description =
          "Servers decommissioned for 2-4 minutes of maintenance during the run (default:"
              + " ${DEFAULT-VALUE}).")
  int churn;

  @Option(
      names = "--embed-sensors",
      description = "Put the BMC readings into the metric reports; sensors.jsonl stays empty.")
  boolean embedSensors;

  @Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    if (out == null && !output.hasBroker()) {
      throw new ParameterException(spec.commandLine(), "give --out, --mqtt or --kafka");
    }
    FleetConfig config =
        new FleetConfig(
            seed,
            datacenters,
            racks,
            servers,
            Durations.parseInstant(start),
            duration.toMillis(),
            interval.toMillis(),
            faults,
            churn,
            embedSensors);
    Topology topology = Topology.of(datacenters, racks, servers);
    Scenario scenario = ScenarioPlanner.plan(config, topology);
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    scenario.warnings().forEach(warning -> stderr.println("fleet: warning: " + warning));

    List<MessageSink> files = new ArrayList<>();
    if (out != null) {
      Files.createDirectories(out);
      GroundTruth.write(scenario.faults(), out.resolve(GroundTruth.FILE_NAME));
      files.add(FileSink.inDirectory(out, Topic.PROVISIONING, Topic.METRICS, Topic.SENSORS));
    }
    FleetGenerator.Counts counts;
    try (MessageSink sink = output.wrap(files, stderr, "fleet")) {
      counts = new FleetGenerator(config, topology, scenario).run(sink);
    }
    printSummary(stdout, topology, scenario, counts);
    return 0;
  }

  private void printSummary(
      PrintWriter stdout, Topology topology, Scenario scenario, FleetGenerator.Counts counts) {
    long real = scenario.faults().stream().filter(fault -> !fault.benign()).count();
    stdout.printf(
        Locale.ROOT,
        "fleet: %d servers in %d racks, %d faults and %d benign spikes; %,d provisioning events,"
            + " %,d metric reports, %,d sensor readings%s%n",
        topology.servers().size(),
        topology.racks().size(),
        real,
        scenario.faults().size() - real,
        counts.provisioning(),
        counts.metrics(),
        counts.sensors(),
        out == null ? "" : " in " + out);
    for (Fault fault : scenario.faults()) {
      stdout.printf(
          Locale.ROOT,
          "  %s %-24s %-10s %-14s +%s..+%s %s%n",
          fault.faultId(),
          fault.kind(),
          fault.level(),
          fault.entity(),
          offset(fault.start() - Durations.parseInstant(start)),
          offset(fault.end() - Durations.parseInstant(start)),
          fault.detail());
    }
  }

  private static String offset(long ms) {
    long seconds = ms / 1000;
    return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
  }
}

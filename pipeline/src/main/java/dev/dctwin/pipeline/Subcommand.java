package dev.dctwin.pipeline;

import java.util.Optional;

/** The first argument of {@code dctwin-pipeline.jar}: which job to run. */
enum Subcommand {
  RUN("run", "the datacenter pipeline: sources -> twins -> alerts"),
  MACHINE_POWER("machine-power", "the ordered join on machine data: torque x speed -> power"),
  JOIN("join", "the ordered join of two quantities in a file of measurements"),
  DEMO("demo", "the local stack: embedded brokers, simulator and pipeline with a live view"),
  BENCH("bench", "throughput and latency benchmarks, written as a report");

  private final String cliName;
  private final String summary;

  Subcommand(String cliName, String summary) {
    this.cliName = cliName;
    this.summary = summary;
  }

  String cliName() {
    return cliName;
  }

  String summary() {
    return summary;
  }

  static Optional<Subcommand> parse(String name) {
    for (Subcommand subcommand : values()) {
      if (subcommand.cliName.equals(name)) {
        return Optional.of(subcommand);
      }
    }
    return Optional.empty();
  }
}

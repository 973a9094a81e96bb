package dev.dctwin.simulator;

import dev.dctwin.pipeline.cli.BeamOptionsCommand;
import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.simulator.bench.BenchCommand;
import dev.dctwin.simulator.demo.DemoCommand;
import dev.dctwin.simulator.smd.SmdBenchCommand;
import dev.dctwin.simulator.smd.SmdPredictionsCommand;
import dev.dctwin.simulator.smd.SmdReplayCommand;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code dctwin-simulator.jar}, the world outside the job: the demo ({@code demo}),
 * the benchmarks ({@code bench}), a datacenter fleet with labelled faults ({@code fleet}), the
 * score of the pipeline's alerts against their ground truth ({@code score}), the replay of recorded
 * machine data as measurements ({@code replay}) and a generation benchmark ({@code fleet-bench}).
 *
 * <p>Exit codes: 0 success, 1 failure, 2 bad command line.
 */
@Command(
    name = "dctwin-simulator",
    mixinStandardHelpOptions = true,
    version = "dctwin-simulator 0.1.0",
    description =
        "Drives dctwin from outside: a simulated fleet with labelled faults, its score, the demo"
            + " and the benchmarks.",
    subcommands = {
      Main.Demo.class,
      Main.Bench.class,
      FleetCommand.class,
      ScoreCommand.class,
      ReplayCommand.class,
      FleetBenchCommand.class,
      SmdReplayCommand.class,
      SmdPredictionsCommand.class,
      SmdBenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("demo") || args[0].equals("bench"))) {
      // Their consoles are a live view and progress lines; the libraries' warnings (Kafka readers
      // woken up on cancel, Flink restarts) go to a file.
      Path log = libraryLog(args);
      try {
        Files.createDirectories(log.getParent());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      System.getProperties().putIfAbsent("org.slf4j.simpleLogger.logFile", log.toString());
      System.err.println("library logs: " + log);
    }
    Cli.quietLibraryLogs();
    System.exit(run(args, System.out, System.err));
  }

  /**
   * Where {@code demo} and {@code bench} write the libraries' logs (Kafka, Flink, Beam: the
   * simulator's SLF4J binding is slf4j-simple, configured by system properties before the first
   * logger): {@code library.log} in the bench's {@code --out} (default {@code target/bench}), so
   * that the report and the logs of one run stay together; {@code target/dctwin-demo.log} for the
   * demo.
   */
  static Path libraryLog(String[] args) {
    if (args[0].equals("bench")) {
      String out = "target/bench";
      for (int i = 1; i < args.length; i++) {
        if (args[i].startsWith("--out=")) {
          out = args[i].substring("--out=".length());
        } else if (args[i].equals("--out") && i + 1 < args.length) {
          out = args[i + 1];
        }
      }
      return Path.of(out, "library.log");
    }
    return Path.of("target", "dctwin-" + args[0] + ".log");
  }

  /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    return Cli.execute(new Main(), args, out, err);
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "a subcommand is required: demo, bench, fleet, score, replay, fleet-bench or smd-*");
  }

  @Command(
      name = "demo",
      description = "The whole job on embedded Kafka and MQTT with a live view, scored at the end.")
  static final class Demo extends BeamOptionsCommand<DemoCommand.Options> {
    Demo() {
      super(DemoCommand.Options.class);
    }

    @Override
    protected int execute(List<String> flags, PrintStream out) {
      // Whether a service flag was given decides between that service and an embedded one.
      return DemoCommand.run(flags.toArray(String[]::new), out);
    }

    @Override
    protected int run(DemoCommand.Options options, PrintStream out) {
      throw new UnsupportedOperationException("the demo reads its flags as given");
    }
  }

  @Command(name = "bench", description = "Throughput and latency benchmarks, written as a report.")
  static final class Bench extends BeamOptionsCommand<BenchCommand.Options> {
    Bench() {
      super(BenchCommand.Options.class);
    }

    @Override
    protected int run(BenchCommand.Options options, PrintStream out) {
      return BenchCommand.run(options, out);
    }
  }
}

package dev.dctwin.simulator;

import java.io.PrintWriter;
import java.time.Duration;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code dctwin-simulator.jar}: a datacenter fleet with labelled faults ({@code
 * fleet}), the score of the pipeline's alerts against their ground truth ({@code score}), the
 * replay of recorded machine data as measurements ({@code replay}) and a generation benchmark
 * ({@code fleet-bench}).
 *
 * <p>Exit codes: 0 success, 1 failure, 2 bad command line.
 */
@Command(
    name = "dctwin-simulator",
    mixinStandardHelpOptions = true,
    version = "dctwin-simulator 0.1.0",
    description =
        "Simulates a datacenter fleet with labelled faults and scores the alerts of dctwin.",
    subcommands = {
      FleetCommand.class,
      ScoreCommand.class,
      ReplayCommand.class,
      FleetBenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  @Spec CommandSpec spec;

  private Main() {}

  public static void main(String[] args) {
    // Kafka's client logs every configuration value at INFO; only problems matter here.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs one command line, printing to {@code out} and {@code err}; returns the exit code. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine commandLine = new CommandLine(new Main());
    commandLine.setOut(out);
    commandLine.setErr(err);
    commandLine.registerConverter(Duration.class, Durations::parse);
    commandLine.setParameterExceptionHandler(
        (error, arguments) -> {
          CommandLine failed = error.getCommandLine();
          failed.getErr().println(failed.getCommandName() + ": " + oneLine(error));
          failed
              .getErr()
              .println(
                  "(" + failed.getCommandSpec().qualifiedName() + " --help lists the options)");
          return EXIT_USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (error, failed, parseResult) -> {
          failed.getErr().println(failed.getCommandName() + ": " + oneLine(error));
          return error instanceof IllegalArgumentException ? EXIT_USAGE : EXIT_FAILED;
        });
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "a subcommand is required: fleet, score, replay or fleet-bench");
  }

  private static String oneLine(Throwable error) {
    Throwable root = error;
    while (root.getMessage() == null && root.getCause() != null) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    return message.replaceAll("\\s*\\R\\s*", " ");
  }
}

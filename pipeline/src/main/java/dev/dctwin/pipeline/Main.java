package dev.dctwin.pipeline;

import dev.dctwin.pipeline.agents.ReceiverCommand;
import dev.dctwin.pipeline.alertmanager.RelayCommand;
import dev.dctwin.pipeline.cli.BeamOptionsCommand;
import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.io.BridgeCommand;
import dev.dctwin.pipeline.join.JoinCommand;
import dev.dctwin.pipeline.join.MachinePowerCommand;
import dev.dctwin.pipeline.view.ViewCommand;
import java.io.PrintStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Entry point of {@code dctwin-pipeline.jar}, the production job: {@code <subcommand> [--flag=value
 * ...]}. Exit codes: 0 done, 1 the job failed, 2 bad command line.
 */
@Command(
    name = "dctwin-pipeline",
    mixinStandardHelpOptions = true,
    version = "dctwin-pipeline 0.1.0",
    description = "The dctwin job: digital twins of a datacenter on Apache Beam.",
    subcommands = {
      Main.Run.class,
      Main.MachinePower.class,
      Main.Join.class,
      RelayCommand.class,
      ReceiverCommand.class,
      BridgeCommand.class,
      ViewCommand.class
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    Cli.quietLibraryLogs();
    int code = run(args, System.out, System.err);
    // Kafka clients and the Flink mini cluster leave non-daemon threads behind.
    System.exit(code);
  }

  /** Runs one command line; returns the exit code. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 0 && args[0].startsWith("--") && !isHelpOrVersion(args[0])) {
      // Launchers that pass only flags (a Dataflow Flex Template, a FlinkDeployment) run the job.
      String[] withSubcommand = new String[args.length + 1];
      withSubcommand[0] = "run";
      System.arraycopy(args, 0, withSubcommand, 1, args.length);
      return Cli.execute(new Main(), withSubcommand, out, err);
    }
    return Cli.execute(new Main(), args, out, err);
  }

  private static boolean isHelpOrVersion(String flag) {
    return flag.equals("--help") || flag.equals("--version");
  }

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "a subcommand is required: run, machine-power, join, alertmanager-relay,"
            + " prometheus-receiver, mqtt-kafka-bridge or view");
  }

  @Command(name = "run", description = "The datacenter pipeline: sources -> twins -> alerts.")
  static final class Run extends BeamOptionsCommand<DatacenterPipeline.Options> {
    Run() {
      super(DatacenterPipeline.Options.class);
    }

    @Override
    protected int run(DatacenterPipeline.Options options, PrintStream out) {
      return DatacenterPipeline.run(options, out);
    }
  }

  @Command(
      name = "machine-power",
      description = "The ordered join on machine data: torque x speed -> power.")
  static final class MachinePower extends BeamOptionsCommand<MachinePowerCommand.Options> {
    MachinePower() {
      super(MachinePowerCommand.Options.class);
    }

    @Override
    protected int run(MachinePowerCommand.Options options, PrintStream out) {
      MachinePowerCommand.run(options, out);
      return Cli.EXIT_OK;
    }
  }

  @Command(
      name = "join",
      description = "The ordered join of two quantities in a file of measurements.")
  static final class Join extends BeamOptionsCommand<JoinCommand.Options> {
    Join() {
      super(JoinCommand.Options.class);
    }

    @Override
    protected int run(JoinCommand.Options options, PrintStream out) {
      JoinCommand.run(options, out);
      return Cli.EXIT_OK;
    }
  }
}

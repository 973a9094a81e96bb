package dev.dctwin.pipeline;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;

/**
 * Entry point of {@code dctwin-pipeline.jar}: {@code <subcommand> [--flag=value ...]}.
 *
 * <p>Exit codes: 0 success, 1 the job failed, 2 bad command line.
 */
public final class Main {
  static final int EXIT_OK = 0;
  static final int EXIT_FAILED = 1;
  static final int EXIT_USAGE = 2;

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    // Kafka clients and the Flink mini cluster leave non-daemon threads behind.
    System.exit(code);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      printUsage(args.length == 0 ? err : out);
      return args.length == 0 ? EXIT_USAGE : EXIT_OK;
    }
    if (args[0].startsWith("--")) {
      // Launchers that pass only flags (a Dataflow Flex Template, a FlinkDeployment) run the job.
      String[] withSubcommand = new String[args.length + 1];
      withSubcommand[0] = Subcommand.RUN.cliName();
      System.arraycopy(args, 0, withSubcommand, 1, args.length);
      return run(withSubcommand, out, err);
    }
    Subcommand subcommand = Subcommand.parse(args[0]).orElse(null);
    if (subcommand == null) {
      err.println("dctwin: unknown subcommand '" + args[0] + "' (try --help)");
      return EXIT_USAGE;
    }
    String[] flags = Arrays.copyOfRange(args, 1, args.length);
    try {
      return dispatch(subcommand, flags, out);
    } catch (UsageException | IllegalArgumentException e) {
      err.println("dctwin " + subcommand.cliName() + ": " + oneLine(e));
      return EXIT_USAGE;
    } catch (RuntimeException e) {
      err.println("dctwin " + subcommand.cliName() + " failed: " + oneLine(e));
      return EXIT_FAILED;
    }
  }

  private static int dispatch(Subcommand subcommand, String[] flags, PrintStream out) {
    return switch (subcommand) {
      case RUN -> {
        if (helpRequested(flags, out, DatacenterPipeline.Options.class)) {
          yield EXIT_OK;
        }
        yield DatacenterPipeline.run(parse(flags, DatacenterPipeline.Options.class), out);
      }
      case JOIN -> {
        if (helpRequested(flags, out, dev.dctwin.pipeline.join.JoinCommand.Options.class)) {
          yield EXIT_OK;
        }
        dev.dctwin.pipeline.join.JoinCommand.run(
            parse(flags, dev.dctwin.pipeline.join.JoinCommand.Options.class), out);
        yield EXIT_OK;
      }
      case MACHINE_POWER -> {
        if (helpRequested(flags, out, dev.dctwin.pipeline.join.MachinePowerCommand.Options.class)) {
          yield EXIT_OK;
        }
        dev.dctwin.pipeline.join.MachinePowerCommand.run(
            parse(flags, dev.dctwin.pipeline.join.MachinePowerCommand.Options.class), out);
        yield EXIT_OK;
      }
      case DEMO -> {
        if (helpRequested(flags, out, dev.dctwin.pipeline.demo.DemoCommand.Options.class)) {
          yield EXIT_OK;
        }
        yield dev.dctwin.pipeline.demo.DemoCommand.run(flags, out);
      }
      case BENCH -> {
        if (helpRequested(flags, out, dev.dctwin.pipeline.bench.BenchCommand.Options.class)) {
          yield EXIT_OK;
        }
        yield dev.dctwin.pipeline.bench.BenchCommand.run(
            parse(flags, dev.dctwin.pipeline.bench.BenchCommand.Options.class), out);
      }
    };
  }

  static <T extends PipelineOptions> T parse(String[] flags, Class<T> options) {
    PipelineOptionsFactory.register(options);
    return PipelineOptionsFactory.fromArgs(flags).withValidation().as(options);
  }

  private static boolean helpRequested(
      String[] flags, PrintStream out, Class<? extends PipelineOptions> options) {
    if (Stream.of(flags).anyMatch(flag -> flag.equals("--help") || flag.equals("-h"))) {
      PipelineOptionsFactory.printHelp(out, options);
      return true;
    }
    return false;
  }

  private static void printUsage(PrintStream out) {
    out.println("usage: java -jar dctwin-pipeline.jar <subcommand> [--flag=value ...]");
    out.println();
    out.println("subcommands:");
    for (Subcommand subcommand : Subcommand.values()) {
      out.printf("  %-14s %s%n", subcommand.cliName(), subcommand.summary());
    }
    out.println();
    out.println("'<subcommand> --help' lists the flags of each.");
  }

  private static String oneLine(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getMessage() == null) {
      root = root.getCause();
    }
    String message =
        root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return Stream.of(message.split("\\R")).map(String::strip).collect(Collectors.joining(" "));
  }
}

package dev.dctwin.pipeline.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import picocli.CommandLine.Option;
import picocli.CommandLine.Unmatched;

/**
 * A subcommand whose flags are a Beam {@link PipelineOptions} interface, so that the runner's own
 * flags ({@code --runner}, {@code --flinkMaster}, ...) work as Beam documents them: {@code --help}
 * lists them with their descriptions, and a bad flag is a usage error.
 */
public abstract class BeamOptionsCommand<T extends PipelineOptions> implements Callable<Integer> {
  private final Class<T> optionsType;

  /** Set by {@link Cli#execute}: where the job prints its progress and summary. */
  PrintStream out = System.out;

  @Option(
      names = {"-h", "--help"},
      description = "Lists the flags of this subcommand and of Beam.")
  boolean help;

  @Unmatched List<String> flags = new ArrayList<>();

  protected BeamOptionsCommand(Class<T> optionsType) {
    this.optionsType = optionsType;
  }

  @Override
  public final Integer call() {
    if (help) {
      PipelineOptionsFactory.printHelp(out, optionsType);
      return Cli.EXIT_OK;
    }
    return execute(flags, out);
  }

  /** Parses the flags and runs the job; a command that needs the flags as given overrides it. */
  protected int execute(List<String> flags, PrintStream out) {
    return run(parse(flags, optionsType), out);
  }

  /** Beam's parsing and validation; a bad flag throws IllegalArgumentException (exit code 2). */
  public static <O extends PipelineOptions> O parse(List<String> flags, Class<O> type) {
    PipelineOptionsFactory.register(type);
    return PipelineOptionsFactory.fromArgs(flags.toArray(String[]::new)).withValidation().as(type);
  }

  /** Runs the job; returns its exit code. */
  protected abstract int run(T options, PrintStream out);
}

package dev.dctwin.pipeline.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.IFactory;

/**
 * What the command lines of both jars share: picocli subcommands, {@code --help} on every level,
 * exit codes 0 (done), 1 (the job failed) and 2 (bad command line), and errors as one line on
 * stderr, never a stack trace.
 */
public final class Cli {
  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILED = 1;
  public static final int EXIT_USAGE = 2;

  private Cli() {}

  /**
   * Library logs (Beam, Flink, Kafka) at WARN on stderr, dctwin's own at INFO; slf4j-simple reads
   * these when the first logger is created, so call this first thing in {@code main}. A property
   * given with {@code -D} wins.
   */
  public static void quietLibraryLogs() {
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.dev.dctwin", "info");
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    // The admin client's metadata failures (a TLS handshake that the trust store refuses) come
    // with a stack trace; the preflight that uses the admin client reports them in one line.
    System.getProperties()
        .putIfAbsent(
            "org.slf4j.simpleLogger.log.org.apache.kafka.clients.admin.internals"
                + ".AdminMetadataManager",
            "error");
  }

  /** Runs one command line of the picocli command {@code root}; returns the exit code. */
  public static int execute(Object root, String[] args, PrintStream out, PrintStream err) {
    CommandLine commandLine = new CommandLine(root, factory(out));
    commandLine.setOut(new PrintWriter(out, true));
    commandLine.setErr(new PrintWriter(err, true));
    commandLine.registerConverter(Duration.class, Durations::parse);
    commandLine.setParameterExceptionHandler(
        (error, arguments) -> {
          CommandLine failed = error.getCommandLine();
          failed
              .getErr()
              .println(
                  failed.getCommandSpec().qualifiedName()
                      + ": "
                      + oneLine(error)
                      + " (try --help)");
          return EXIT_USAGE;
        });
    commandLine.setExecutionExceptionHandler(
        (error, failed, parseResult) -> {
          boolean usage =
              error instanceof UsageException || error instanceof IllegalArgumentException;
          failed
              .getErr()
              .println(
                  failed.getCommandSpec().qualifiedName()
                      + (usage ? ": " : " failed: ")
                      + oneLine(error));
          return usage ? EXIT_USAGE : EXIT_FAILED;
        });
    int code = commandLine.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  /** Gives every {@link BeamOptionsCommand} the stream its job prints to. */
  private static IFactory factory(PrintStream out) {
    Function<Object, Object> withOut =
        made -> {
          if (made instanceof BeamOptionsCommand<?> command) {
            command.out = out;
          }
          return made;
        };
    return new IFactory() {
      @Override
      public <K> K create(Class<K> type) throws Exception {
        return type.cast(withOut.apply(CommandLine.defaultFactory().create(type)));
      }
    };
  }

  /** The innermost message, on one line. */
  public static String oneLine(Throwable error) {
    Throwable root = error;
    while (root.getMessage() == null && root.getCause() != null) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}

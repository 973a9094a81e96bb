package dev.dctwin.pipeline.runners;

import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.WriteToKafka;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.util.ZipFiles;

/**
 * Submits the datacenter pipeline ({@code dctwin-pipeline.jar run}) to a cluster or service and
 * returns as soon as the job is accepted, printing {@code JOB_ID=<id>} and {@code JOB_NAME=<name>}
 * for scripts. It takes the flags of {@code run} (no subcommand) plus the runner's.
 *
 * <p>{@code run} waits for the job to end, which a streaming job never does; a submitter must not
 * hold a JVM for the job's lifetime. Two callers need this:
 *
 * <ul>
 *   <li>{@code runner-configs/flink-cluster/submit.sh}: the FlinkRunner with {@code
 *       --flinkMaster=host:port} submits detached ({@code --attachedMode=false} is added unless
 *       given);
 *   <li>the Dataflow Flex Template launcher ({@code FLEX_TEMPLATE_JAVA_MAIN_CLASS}), which passes
 *       the template parameters as {@code --name=value} arguments only, without a subcommand, and
 *       expects the main method to return once the job is launched.
 * </ul>
 *
 * <p>It deliberately refers to no runner class: the main jar builds with either runner ({@code
 * -Pflink-runner}, {@code -Pdataflow-runner}), and job ids are read from Beam's results by
 * reflection.
 */
public final class Submit {
  private static final int EXIT_OK = 0;
  private static final int EXIT_FAILED = 1;
  private static final int EXIT_USAGE = 2;

  private Submit() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    // The Flink REST client and KafkaIO's preflight leave non-daemon threads behind.
    System.exit(code);
  }

  static int run(String[] args, PrintStream out, PrintStream err) {
    if (Stream.of(args).anyMatch(arg -> arg.equals("--help") || arg.equals("-h"))) {
      out.println(
          "usage: Submit --runner=FlinkRunner --flinkMaster=HOST:PORT --filesToStage=JAR"
              + " [--savepointPath=DIR] [flags of 'dctwin-pipeline.jar run']");
      out.println(
          "       Submit --runner=DataflowRunner --project=... --region=... [flags of 'run']");
      return EXIT_OK;
    }
    List<String> flags = new ArrayList<>(Arrays.asList(args));
    try {
      String runner = flagValue(flags, "runner").orElse("");
      if (runner.endsWith("FlinkRunner")) {
        String master = flagValue(flags, "flinkMaster").orElse("[auto]");
        if (!master.matches(".+:\\d+")) {
          throw new IllegalArgumentException(
              "--flinkMaster must be a cluster's REST address host:port, not " + master);
        }
        if (flags.stream().noneMatch(flag -> flag.startsWith("--attachedMode"))) {
          flags.add("--attachedMode=false");
        }
        flags = withDirectoriesPackaged(flags);
      }
      PipelineOptionsFactory.register(DatacenterPipeline.Options.class);
      DatacenterPipeline.Options options =
          PipelineOptionsFactory.fromArgs(flags.toArray(String[]::new))
              .withValidation()
              .as(DatacenterPipeline.Options.class);
      if (runner.endsWith("FlinkRunner")
          && flagValue(flags, "savepointPath").isEmpty()
          && options.getKafkaBootstrapServers() != null
          && DatacenterPipeline.exactlyOnce(options)) {
        // A new job, not a restore: it must not take over another job's sink progress.
        WriteToKafka.refuseUsedSinkGroups(
            new KafkaClients(options.getKafkaBootstrapServers(), options.getKafkaPropertiesFile()),
            options.getDeploymentId(),
            List.of(
                options.getKafkaAlertsTopic(),
                options.getKafkaAnswersTopic(),
                options.getKafkaDeadLettersTopic()));
      }
      PipelineResult result = DatacenterPipeline.start(options);
      err.printf(
          "dctwin: job '%s' submitted with the %s (%s)%n",
          options.getJobName(), options.getRunner().getSimpleName(), state(result));
      out.println("JOB_ID=" + jobId(result).orElse("unknown"));
      out.println("JOB_NAME=" + options.getJobName());
      return EXIT_OK;
    } catch (IllegalArgumentException e) {
      err.println("dctwin submit: " + oneLine(e));
      return EXIT_USAGE;
    } catch (RuntimeException e) {
      // UsageException (package-private in dev.dctwin.pipeline) is a bad command line too.
      boolean usage = e.getClass().getSimpleName().equals("UsageException");
      err.println("dctwin submit" + (usage ? "" : " failed") + ": " + oneLine(e));
      return usage ? EXIT_USAGE : EXIT_FAILED;
    }
  }

  /**
   * The flags with every directory of {@code --filesToStage} replaced by a jar of this submission's
   * own. Beam zips a staged directory to a jar named by the directory's content hash in the shared
   * temp folder, overwriting it: two submissions of the same classes at once (a resumed job and its
   * reference run, say) staged each other's half-written jar ("zip file is empty").
   */
  static List<String> withDirectoriesPackaged(List<String> flags) {
    List<String> result = new ArrayList<>();
    Path folder = null;
    for (String flag : flags) {
      if (!flag.startsWith("--filesToStage=")) {
        result.add(flag);
        continue;
      }
      List<String> files = new ArrayList<>();
      for (String file : flag.substring("--filesToStage=".length()).split(",")) {
        File directory = new File(file);
        if (!directory.isDirectory()) {
          files.add(file);
          continue;
        }
        try {
          if (folder == null) {
            folder = Files.createTempDirectory("dctwin-stage-");
            folder.toFile().deleteOnExit();
          }
          File jar = folder.resolve(files.size() + "-" + directory.getName() + ".jar").toFile();
          jar.deleteOnExit();
          ZipFiles.zipDirectory(directory, jar);
          files.add(jar.getPath());
        } catch (IOException e) {
          throw new UncheckedIOException("cannot package " + file + " for staging", e);
        }
      }
      result.add("--filesToStage=" + String.join(",", files));
    }
    return result;
  }

  /**
   * The job id of a submission, where the runner tells: DataflowPipelineJob has {@code getJobId()};
   * FlinkDetachedRunnerResult keeps its JobClient in a private field and exposes neither it nor the
   * id.
   */
  static Optional<String> jobId(PipelineResult result) {
    try {
      Object id = result.getClass().getMethod("getJobId").invoke(result);
      if (id != null) {
        return Optional.of(id.toString());
      }
    } catch (ReflectiveOperationException | RuntimeException e) {
      // Not a Dataflow job.
    }
    try {
      Field field = result.getClass().getDeclaredField("jobClient");
      field.setAccessible(true);
      Object client = field.get(result);
      return client == null
          ? Optional.empty()
          : Optional.of(client.getClass().getMethod("getJobID").invoke(client).toString());
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /** The job's state, if the result knows it (a Dataflow template "job" refuses to tell). */
  private static String state(PipelineResult result) {
    try {
      return String.valueOf(result.getState());
    } catch (RuntimeException e) {
      return "state unknown";
    }
  }

  private static Optional<String> flagValue(List<String> flags, String name) {
    String prefix = "--" + name + "=";
    return flags.stream()
        .filter(flag -> flag.startsWith(prefix))
        .map(flag -> flag.substring(prefix.length()))
        .reduce((first, last) -> last);
  }

  /** The message and, if different, the root cause's: "Pipeline execution failed" says little. */
  private static String oneLine(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = describe(error);
    if (root != error && !message.contains(describe(root))) {
      message += " (cause: " + describe(root) + ")";
    }
    return Stream.of(message.split("\\R")).map(String::strip).collect(Collectors.joining(" "));
  }

  private static String describe(Throwable error) {
    return error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage();
  }
}

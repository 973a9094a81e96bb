package dev.dctwin.pipeline.runners;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Drives the scripts of {@code runner-configs/flink-cluster/} (cluster.sh, submit.sh, savepoint.sh)
 * as an operator would, with a work directory of its own, and reads the cluster's REST API. Every
 * script run and every wait is bounded; script output goes to {@code scripts.log} in the work
 * directory.
 */
public final class FlinkClusterScripts {
  /** The REST port of flink-conf.yaml. */
  static final int DEFAULT_REST_PORT = 8081;

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JOB_ID = Pattern.compile("(?m)^JOB_ID=([0-9a-f]{32})$");
  private static final Pattern SAVEPOINT = Pattern.compile("(?m)^SAVEPOINT=(\\S+)$");

  private final Path repo;
  private final Path scripts;
  private final Path work;
  private final int restPort;
  private final String rest;
  private final Map<String, String> env;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  /** The cluster of flink-conf.yaml (REST on 8081, RPC on 6123). */
  public FlinkClusterScripts(Path repo, Path work) {
    this(repo, work, DEFAULT_REST_PORT, Map.of());
  }

  /**
   * A cluster on ports of its own (cluster.sh's DCTWIN_FLINK_REST_PORT and DCTWIN_FLINK_RPC_PORT),
   * which runs beside one on the default ports.
   */
  FlinkClusterScripts(Path repo, Path work, int restPort, int rpcPort) {
    this(
        repo,
        work,
        restPort,
        Map.of(
            "DCTWIN_FLINK_REST_PORT",
            String.valueOf(restPort),
            "DCTWIN_FLINK_RPC_PORT",
            String.valueOf(rpcPort)));
  }

  /**
   * The cluster of flink-conf.yaml with further environment for every script, e.g. {@code
   * DCTWIN_FLINK_CONF_DIR} (a configuration folder of the caller's).
   */
  public FlinkClusterScripts(Path repo, Path work, Map<String, String> env) {
    this(repo, work, DEFAULT_REST_PORT, env);
  }

  private FlinkClusterScripts(Path repo, Path work, int restPort, Map<String, String> env) {
    this.repo = repo;
    this.scripts = repo.resolve("runner-configs/flink-cluster");
    this.work = work;
    this.restPort = restPort;
    this.rest = "http://127.0.0.1:" + restPort;
    this.env = env;
  }

  /** The repository root, found from the module directory surefire runs in. */
  public static Path findRepo() {
    Path dir = Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();
    for (Path candidate = dir; candidate != null; candidate = candidate.getParent()) {
      if (Files.exists(candidate.resolve("runner-configs/flink-cluster/cluster.sh"))) {
        return candidate;
      }
    }
    throw new IllegalStateException("no runner-configs/flink-cluster/cluster.sh above " + dir);
  }

  public Path work() {
    return work;
  }

  /** The value of {@code --flinkMaster} for this cluster. */
  String flinkMaster() {
    return "127.0.0.1:" + restPort;
  }

  // ---- scripts ---------------------------------------------------------------------------

  /** {@code cluster.sh ARGS}. */
  public String cluster(Duration timeout, String... args) {
    return cluster(timeout, Map.of(), args);
  }

  /** {@code cluster.sh ARGS} with further environment, e.g. {@code DCTWIN_FLINK_TM_SLOTS}. */
  public String cluster(Duration timeout, Map<String, String> env, String... args) {
    List<String> command = new ArrayList<>(List.of(scripts.resolve("cluster.sh").toString()));
    command.addAll(Arrays.asList(args));
    return run(command, env, timeout);
  }

  /** The classpath of the cluster's JVMs, as cluster.sh resolves it. */
  public Set<Path> clusterClasspath() {
    String classpath = cluster(Duration.ofMinutes(5), "classpath").strip();
    return Stream.of(classpath.split(File.pathSeparator))
        .filter(entry -> !entry.isBlank())
        .map(entry -> Path.of(entry).toAbsolutePath().normalize())
        .collect(Collectors.toCollection(LinkedHashSet::new));
  }

  /** submit.sh with these jars and flags; returns the job id it printed. */
  public String submit(List<Path> jars, List<String> flags, Duration timeout) {
    List<String> command = new ArrayList<>(List.of(scripts.resolve("submit.sh").toString()));
    command.add("--jar=" + jars.stream().map(Path::toString).collect(Collectors.joining(",")));
    command.addAll(flags);
    String out = run(command, Map.of(), timeout);
    Matcher id = JOB_ID.matcher(out);
    if (!id.find()) {
      throw new IllegalStateException("submit.sh printed no JOB_ID:\n" + out);
    }
    return id.group(1);
  }

  /** savepoint.sh stop: stop with a savepoint; returns its location. */
  public String stopWithSavepoint(String jobId, Path targetDir, Duration timeout) {
    String out =
        run(
            List.of(
                scripts.resolve("savepoint.sh").toString(), "stop", jobId, targetDir.toString()),
            Map.of("DCTWIN_SAVEPOINT_TIMEOUT", String.valueOf(timeout.toSeconds())),
            timeout.plusSeconds(30));
    Matcher location = SAVEPOINT.matcher(out);
    if (!location.find()) {
      throw new IllegalStateException("savepoint.sh printed no SAVEPOINT:\n" + out);
    }
    return location.group(1);
  }

  /** savepoint.sh resume: submits again from a savepoint; returns the new job id. */
  public String resume(String savepoint, List<Path> jars, List<String> flags, Duration timeout) {
    List<String> command =
        new ArrayList<>(List.of(scripts.resolve("savepoint.sh").toString(), "resume", savepoint));
    command.add("--jar=" + jars.stream().map(Path::toString).collect(Collectors.joining(",")));
    command.addAll(flags);
    String out = run(command, Map.of(), timeout);
    Matcher id = JOB_ID.matcher(out);
    if (!id.find()) {
      throw new IllegalStateException("savepoint.sh resume printed no JOB_ID:\n" + out);
    }
    return id.group(1);
  }

  private String run(List<String> command, Map<String, String> env, Duration timeout) {
    try {
      Files.createDirectories(work);
      Path output = Files.createTempFile(work, "script-", ".out");
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(repo.toFile())
              .redirectErrorStream(true)
              .redirectOutput(output.toFile());
      builder.environment().put("DCTWIN_FLINK_DIR", work.toString());
      builder.environment().putAll(this.env);
      builder.environment().putAll(env);
      log("$ " + shortCommand(command));
      long started = System.nanoTime();
      Process process = builder.start();
      boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      String out = Files.readString(output, StandardCharsets.UTF_8);
      Files.writeString(
          work.resolve("scripts.log"),
          "$ " + String.join(" ", command) + "\n" + out + "\n",
          StandardCharsets.UTF_8,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
      Files.delete(output);
      if (!done) {
        throw new IllegalStateException(
            "timed out after " + timeout.toSeconds() + " s: " + shortCommand(command) + "\n" + out);
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(
            "exit " + process.exitValue() + ": " + shortCommand(command) + "\n" + tail(out, 60));
      }
      log(String.format(Locale.ROOT, "  done in %.1f s", (System.nanoTime() - started) / 1e9));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String shortCommand(List<String> command) {
    return command.stream()
        .map(arg -> arg.length() > 120 ? arg.substring(0, 117) + "..." : arg)
        .collect(Collectors.joining(" "));
  }

  private static String tail(String text, int lines) {
    List<String> all = text.lines().toList();
    return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
  }

  public static void log(String message) {
    System.out.println(
        LocalTime.now().format(DateTimeFormatter.ofPattern("HH:mm:ss.SSS")) + " " + message);
  }

  // ---- REST API ---------------------------------------------------------------------------

  public Optional<JsonNode> get(String path) {
    try {
      HttpResponse<String> response =
          http.send(
              HttpRequest.newBuilder(URI.create(rest + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          ? Optional.of(JSON.readTree(response.body()))
          : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Cancels a job (PATCH /jobs/:id?mode=cancel); ignores every error. */
  public void cancel(String jobId) {
    try {
      http.send(
          HttpRequest.newBuilder(URI.create(rest + "/jobs/" + jobId + "?mode=cancel"))
              .method("PATCH", HttpRequest.BodyPublishers.noBody())
              .timeout(Duration.ofSeconds(10))
              .build(),
          HttpResponse.BodyHandlers.discarding());
    } catch (IOException e) {
      // The cluster is gone already.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** The job's state as /jobs lists it (the acceptance check), or "" if it is not listed. */
  public String stateInJobList(String jobId) {
    JsonNode jobs = get("/jobs").map(node -> node.path("jobs")).orElse(JSON.missingNode());
    for (JsonNode job : jobs) {
      if (job.path("id").asText().equals(jobId)) {
        return job.path("status").asText();
      }
    }
    return "";
  }

  public String state(String jobId) {
    return get("/jobs/" + jobId).map(job -> job.path("state").asText()).orElse("");
  }

  /** Whether the job is RUNNING with every task RUNNING (or FINISHED: idle sources end). */
  public boolean allTasksRunning(String jobId) {
    return get("/jobs/" + jobId)
        .map(
            job -> {
              if (!job.path("state").asText().equals("RUNNING")) {
                return false;
              }
              JsonNode tasks = job.path("status-counts");
              int total = 0;
              int up = tasks.path("RUNNING").asInt() + tasks.path("FINISHED").asInt();
              for (JsonNode count : tasks) {
                total += count.asInt();
              }
              return total > 0 && up == total;
            })
        .orElse(false);
  }

  /** Checkpoint counts: completed, restored, failed; and the latest restore's kind. */
  public JsonNode checkpoints(String jobId) {
    return get("/jobs/" + jobId + "/checkpoints").orElse(JSON.createObjectNode());
  }

  public long completedCheckpoints(String jobId) {
    return checkpoints(jobId).path("counts").path("completed").asLong();
  }

  /** The ids of the TaskManagers that run the job's tasks. */
  Set<String> taskManagersOf(String jobId) {
    Set<String> ids = new LinkedHashSet<>();
    JsonNode job = get("/jobs/" + jobId).orElse(JSON.createObjectNode());
    for (JsonNode vertex : job.path("vertices")) {
      get("/jobs/" + jobId + "/vertices/" + vertex.path("id").asText() + "/taskmanagers")
          .ifPresent(
              node -> {
                for (JsonNode tm : node.path("taskmanagers")) {
                  ids.add(tm.path("taskmanager-id").asText());
                }
              });
    }
    return ids;
  }

  /** The lowest input watermark of the job's vertices whose name starts with a prefix. */
  public long minInputWatermark(String jobId, String vertexPrefix) {
    long min = Long.MAX_VALUE;
    boolean found = false;
    JsonNode job = get("/jobs/" + jobId).orElse(JSON.createObjectNode());
    for (JsonNode vertex : job.path("vertices")) {
      if (!vertex.path("name").asText().startsWith(vertexPrefix)) {
        continue;
      }
      int parallelism = vertex.path("parallelism").asInt();
      String names =
          Stream.iterate(0, i -> i + 1)
              .limit(parallelism)
              .map(i -> i + ".currentInputWatermark")
              .collect(Collectors.joining(","));
      JsonNode metrics =
          get("/jobs/"
                  + jobId
                  + "/vertices/"
                  + vertex.path("id").asText()
                  + "/metrics?get="
                  + names)
              .orElse(JSON.createArrayNode());
      if (metrics.size() < parallelism) {
        return Long.MIN_VALUE; // not reported yet
      }
      for (JsonNode metric : metrics) {
        found = true;
        min = Math.min(min, Long.parseLong(metric.path("value").asText()));
      }
    }
    return found ? min : Long.MIN_VALUE;
  }

  /**
   * How often the job restarted: Flink's job metric {@code numRestarts}, or the number of failures
   * in its exception history when the metric is not served (a job that has ended).
   */
  public long restarts(String jobId) {
    JsonNode metrics =
        get("/jobs/" + jobId + "/metrics?get=numRestarts").orElse(JSON.createArrayNode());
    for (JsonNode metric : metrics) {
      if (metric.path("id").asText().equals("numRestarts")) {
        return Long.parseLong(metric.path("value").asText());
      }
    }
    return get("/jobs/" + jobId + "/exceptions")
        .map(node -> (long) node.path("exceptionHistory").path("entries").size())
        .orElse(-1L);
  }

  /** The stack traces of the job's root failures, newest first (empty if none). */
  public String failureTraces(String jobId) {
    JsonNode node = get("/jobs/" + jobId + "/exceptions").orElse(JSON.createObjectNode());
    StringBuilder traces = new StringBuilder(node.path("root-exception").asText(""));
    for (JsonNode entry : node.path("exceptionHistory").path("entries")) {
      traces.append('\n').append(entry.path("stacktrace").asText(""));
    }
    return traces.toString();
  }

  /** The root causes of the job's failures so far, for assertion messages. */
  public String exceptions(String jobId) {
    JsonNode history =
        get("/jobs/" + jobId + "/exceptions")
            .map(node -> node.path("exceptionHistory").path("entries"))
            .orElse(JSON.createArrayNode());
    Map<String, Integer> causes = new HashMap<>();
    for (JsonNode entry : history) {
      String trace = entry.path("stacktrace").asText();
      String cause =
          trace
              .lines()
              .filter(line -> line.startsWith("Caused by:"))
              .reduce((first, last) -> last)
              .orElse(trace.lines().findFirst().orElse(""));
      causes.merge(cause, 1, Integer::sum);
    }
    return causes.isEmpty() ? "none" : causes.toString();
  }

  /** Polls until the condition holds; false after the timeout. */
  public static boolean await(Duration timeout, Duration every, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (condition.getAsBoolean()) {
        return true;
      }
      if (System.nanoTime() > deadline) {
        return false;
      }
      try {
        Thread.sleep(every.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
  }
}

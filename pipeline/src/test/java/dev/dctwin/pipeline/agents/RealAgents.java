package dev.dctwin.pipeline.agents;

import dev.dctwin.pipeline.testing.LocalServices;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The real monitoring agents of Debian's packages (installed by {@code
 * runner-configs/local/services.sh}), run by the tests with the configs of {@code
 * runner-configs/agents/} as they are, and what the tests share to read what they send.
 */
final class RealAgents {
  static final File COLLECTD = new File("/usr/sbin/collectd");
  static final File PROMETHEUS = new File("/usr/bin/prometheus");
  static final File PROMTOOL = new File("/usr/bin/promtool");
  static final File STRESS_NG = new File("/usr/bin/stress-ng");

  /** Where prometheus.yml scrapes node_exporter and sends remote write. */
  static final int NODE_EXPORTER_PORT = 9100;

  static final int RECEIVER_PORT = 9201;

  /** The topic of collectd.conf. */
  static final String COLLECTD_TOPIC = "collectd";

  /**
   * Set to a folder (e.g. {@code -Ddctwin.captureAgents=transforms/src/test/resources/agents/real})
   * to keep what the agents sent as fixtures for the decoders.
   */
  static final String CAPTURE_PROPERTY = "dctwin.captureAgents";

  private RealAgents() {}

  /** Fails in CI, skips elsewhere, unless {@code binary} is installed. */
  static void require(File binary) {
    LocalServices.require(
        binary + " (runner-configs/local/services.sh start installs it)", binary.canExecute());
  }

  static Path repo() {
    Path here = Paths.get("").toAbsolutePath();
    return Files.isDirectory(here.resolve("runner-configs")) ? here : here.getParent();
  }

  static Path config(String name) {
    return repo().resolve("runner-configs/agents").resolve(name);
  }

  /** The folder to capture fixtures into, or null. */
  static Path captureDir() {
    String dir = System.getProperty(CAPTURE_PROPERTY);
    if (dir == null || dir.isBlank()) {
      return null;
    }
    Path path = Paths.get(dir);
    return path.isAbsolute() ? path : repo().resolve(path);
  }

  /** The machine's name as {@code hostname} prints it: collectd's {@code host} (FQDNLookup off). */
  static String hostname() {
    try {
      Process process = new ProcessBuilder("hostname").redirectErrorStream(true).start();
      String name = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      process.waitFor(10, TimeUnit.SECONDS);
      return name.strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code command} to the end; its exit code and output. */
  static Result run(Duration timeout, String... command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish:\n" + output);
    }
    return new Result(process.exitValue(), output);
  }

  record Result(int exitCode, String output) {}

  /** A long-running agent, its output in {@code log}. */
  static final class Agent implements AutoCloseable {
    private final Process process;
    private final Path log;
    private final String name;

    Agent(String name, Path log, String... command) throws IOException {
      this.name = name;
      this.log = log;
      this.process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
              .start();
    }

    boolean isAlive() {
      return process.isAlive();
    }

    /** The end of its output, for failure messages. */
    String logTail() {
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return name
            + " log ("
            + log
            + "):\n"
            + String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
      } catch (IOException e) {
        return name + " log unreadable: " + e;
      }
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  /**
   * Prometheus in agent mode with runner-configs/agents/prometheus.yml, its web UI on a free port.
   */
  static Agent prometheus(Path dir) throws IOException {
    return new Agent(
        "prometheus",
        dir.resolve("prometheus.log"),
        PROMETHEUS.getPath(),
        "--enable-feature=agent",
        "--config.file=" + config("prometheus.yml"),
        "--storage.agent.path=" + dir.resolve("prometheus-agent"),
        "--web.listen-address=127.0.0.1:" + freePort());
  }

  /** collectd in the foreground with runner-configs/agents/collectd.conf. */
  static Agent collectd(Path dir) throws IOException {
    return new Agent(
        "collectd",
        dir.resolve("collectd.log"),
        COLLECTD.getPath(),
        "-f",
        "-C",
        config("collectd.conf").toString());
  }

  /** A consumer of raw records, assigned to every partition of {@code topic} at its end. */
  static KafkaConsumer<byte[], byte[]> consumerAtEnd(String bootstrapServers, String topic) {
    return consumer(bootstrapServers, topic, true);
  }

  /** A consumer of raw records, assigned to every partition of {@code topic} at its start. */
  static KafkaConsumer<byte[], byte[]> consumerFromStart(String bootstrapServers, String topic) {
    return consumer(bootstrapServers, topic, false);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(
      String bootstrapServers, String topic, boolean atEnd) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic, Duration.ofSeconds(10)).stream()
            .map(info -> new TopicPartition(topic, info.partition()))
            .toList();
    consumer.assign(partitions);
    if (atEnd) {
      consumer.seekToEnd(partitions);
    } else {
      consumer.seekToBeginning(partitions);
    }
    partitions.forEach(consumer::position); // resolve the end now, before the agent starts
    return consumer;
  }

  /**
   * Polls until {@code done} holds for what arrived, or {@code timeout}, while {@code agent} runs.
   */
  static List<byte[]> pollUntil(
      KafkaConsumer<byte[], byte[]> consumer,
      Agent agent,
      Duration timeout,
      Predicate<List<byte[]>> done) {
    List<byte[]> values = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(values)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "the agent's records did not arrive in "
                + timeout
                + " ("
                + values.size()
                + " records)\n"
                + agent.logTail());
      }
      if (!agent.isAlive()) {
        throw new AssertionError("the agent stopped\n" + agent.logTail());
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
        values.add(record.value());
      }
    }
    return values;
  }
}

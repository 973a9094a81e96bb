package dev.dctwin.pipeline.agents;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.testing.DirectPipelines;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.testing.LocalServices;
import dev.dctwin.twins.DatacenterTwins;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Issue 19 end to end, with nothing simulated: this machine's real collectd (write_kafka) and real
 * Prometheus (scraping node_exporter, remote write through {@link PrometheusReceiver}), with the
 * configs of runner-configs/agents/ as they are, feed the datacenter pipeline ({@code
 * --source=kafka --topicFormats=collectd=collectd,...=prometheus-remote-write}, Kafka sinks) on the
 * DirectRunner.
 *
 * <p>The machine is commissioned as two servers: one whose {@code hostname} is collectd's {@code
 * host} (the output of {@code hostname}), one whose {@code hostname} is Prometheus' {@code
 * instance} host (127.0.0.1, as prometheus.yml scrapes node_exporter). Each agent alone feeds its
 * own twin, so one run shows that either is enough. A third server, commissioned with a host name
 * no agent reports, is the control: its SERVER_SILENT shows that silence was checked, so the
 * absence of SERVER_SILENT on the other two means their twins were fed.
 *
 * <ol>
 *   <li>Within about two minutes both twins evaluate real reports: the control falls silent, the
 *       agents' servers do not, the twins' {@code server_reports} counter grows, and no payload of
 *       an agent (nor anything else) becomes a dead letter.
 *   <li>{@code stress-ng --cpu <cores> --timeout 180s} opens CPU_SATURATION on both servers, and
 *       both resolve after the load ends.
 *   <li>Ten idle minutes open nothing, while reports keep being evaluated.
 * </ol>
 *
 * About 16 minutes. Needs the services of runner-configs/local/services.sh (Kafka, node_exporter,
 * the agents' packages).
 */
@RunWith(JUnit4.class)
public class RealAgentsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String DATACENTER = "dc-real";
  private static final String COLLECTD_SERVER = "real-collectd";
  private static final String PROMETHEUS_SERVER = "real-prometheus";
  private static final String CONTROL_SERVER = "real-control";

  /** Prometheus' instance of node_exporter without the port (prometheus.yml). */
  private static final String PROMETHEUS_HOST = "127.0.0.1";

  private static final Duration STRESS = Duration.ofSeconds(180);
  private static final Duration IDLE = Duration.ofMinutes(10);

  static {
    for (String noisy :
        new String[] {
          "org.apache.kafka", "kafka", "state.change.logger", "org.apache.beam.sdk.io.kafka"
        }) {
      System.setProperty("org.slf4j.simpleLogger.log." + noisy, "warn");
    }
  }

  @Rule public TemporaryFolder folder = new TemporaryFolder();

  private final String run = "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  private final long started = System.nanoTime();
  private LocalKafka kafka;
  private PrometheusReceiver receiver;
  private PipelineResult pipeline;
  private RealAgents.Agent collectd;
  private RealAgents.Agent prometheus;
  private Process stress;
  private TopicTail alerts;
  private TopicTail deadLetters;

  private String topic(String name) {
    return "dctwin-" + run + "." + name;
  }

  @Before
  public void setUp() throws Exception {
    RealAgents.require(RealAgents.COLLECTD);
    RealAgents.require(RealAgents.PROMETHEUS);
    RealAgents.require(RealAgents.STRESS_NG);
    kafka = LocalKafka.require();
    LocalServices.require("node_exporter", RealAgents.NODE_EXPORTER_PORT);

    // collectd.conf's topic is fixed: start it empty, so that no record of an earlier run (same
    // host, older times) reaches this pipeline.
    recreate(RealAgents.COLLECTD_TOPIC);
    kafka.createTopics(
        1,
        topic("prometheus"),
        topic("provisioning"),
        topic("alerts"),
        topic("answers"),
        topic("dead-letters"));
    alerts = new TopicTail(kafka.bootstrapServers(), topic("alerts"));
    deadLetters = new TopicTail(kafka.bootstrapServers(), topic("dead-letters"));

    receiver =
        new PrometheusReceiver(
                new InetSocketAddress("127.0.0.1", RealAgents.RECEIVER_PORT),
                PrometheusReceiver.kafkaProducer(
                    new KafkaClients(kafka.bootstrapServers(), null), 1_000_000),
                topic("prometheus"),
                1_000_000,
                RemoteWriteValidator.snappy(32_000_000))
            .start();
    pipeline = DatacenterPipeline.start(options());
    log("pipeline started");
  }

  @After
  public void tearDown() throws Exception {
    if (stress != null) {
      stress.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    for (RealAgents.Agent agent : new RealAgents.Agent[] {prometheus, collectd}) {
      if (agent != null) {
        agent.close();
      }
    }
    if (receiver != null) {
      receiver.close();
    }
    DirectPipelines.cancel(pipeline);
    for (TopicTail tail : new TopicTail[] {alerts, deadLetters}) {
      if (tail != null) {
        tail.close();
      }
    }
    if (kafka != null) {
      kafka.deleteTopics(
          topic("prometheus"),
          topic("provisioning"),
          topic("alerts"),
          topic("answers"),
          topic("dead-letters"));
    }
  }

  private DatacenterPipeline.Options options() {
    PipelineOptionsFactory.register(DatacenterPipeline.Options.class);
    return PipelineOptionsFactory.fromArgs(
            "--source=kafka",
            "--sinks=kafka",
            "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
            "--kafkaTopics="
                + String.join(
                    ",", RealAgents.COLLECTD_TOPIC, topic("prometheus"), topic("provisioning")),
            "--topicFormats="
                + RealAgents.COLLECTD_TOPIC
                + "=collectd,"
                + topic("prometheus")
                + "=prometheus-remote-write",
            "--kafkaConsumerGroup=dctwin-" + run,
            "--kafkaMaxOutOfOrdernessSeconds=10",
            "--kafkaAlertsTopic=" + topic("alerts"),
            "--kafkaAnswersTopic=" + topic("answers"),
            "--kafkaDeadLettersTopic=" + topic("dead-letters"),
            "--kafkaDelivery=AT_LEAST_ONCE",
            "--targetParallelism=2",
            // run() returns at once: the test feeds the stream.
            "--blockOnRun=false")
        .withValidation()
        .as(DatacenterPipeline.Options.class);
  }

  @Test
  public void realAgentsFeedTwoTwinsThatSeeCpuSaturationAndNothingWhenIdle() throws Exception {
    String host = RealAgents.hostname();
    long commissionedAt = System.currentTimeMillis();
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      commission(producer, COLLECTD_SERVER, "rack-collectd", host, commissionedAt);
      commission(producer, PROMETHEUS_SERVER, "rack-prometheus", PROMETHEUS_HOST, commissionedAt);
      commission(
          producer, CONTROL_SERVER, "rack-control", "no-agent-" + run + ".invalid", commissionedAt);
      producer.flush();
    }
    Path dir = folder.newFolder("agents").toPath();
    collectd = RealAgents.collectd(dir);
    prometheus = RealAgents.prometheus(dir);
    log("agents started; collectd reports as " + host + ", Prometheus as " + PROMETHEUS_HOST);

    // 1. Both twins evaluate real reports.
    await(
        Duration.ofSeconds(150),
        "the control server's SERVER_SILENT",
        () -> !alerts(opened(CONTROL_SERVER, "SERVER_SILENT")).isEmpty());
    assertThat(
        "the agents' servers were fed: " + alerts.values(),
        alerts(
            opened(COLLECTD_SERVER, "SERVER_SILENT")
                .or(opened(PROMETHEUS_SERVER, "SERVER_SILENT"))),
        empty());
    long reportsBefore = serverReports();
    assertThat("reports the twins evaluated", reportsBefore, greaterThanOrEqualTo(6L));
    assertThat(
        "dead letters (the input is the agents' payloads and three commissions)",
        deadLetters.values(),
        empty());
    log("both twins evaluate real reports (" + reportsBefore + " so far)");

    // 2. A saturated CPU opens CPU_SATURATION on both servers; it resolves after the load.
    int cores = Runtime.getRuntime().availableProcessors();
    stress =
        new ProcessBuilder(
                RealAgents.STRESS_NG.getPath(),
                "--cpu",
                String.valueOf(cores),
                "--timeout",
                STRESS.toSeconds() + "s")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("stress-ng.log").toFile())
            .start();
    log("stress-ng --cpu " + cores + " --timeout " + STRESS.toSeconds() + "s");
    await(
        STRESS,
        "CPU_SATURATION opened on both servers during the load",
        () ->
            !alerts(opened(COLLECTD_SERVER, "CPU_SATURATION")).isEmpty()
                && !alerts(opened(PROMETHEUS_SERVER, "CPU_SATURATION")).isEmpty());
    log("CPU_SATURATION opened on both servers");
    assertThat(
        "stress-ng ended",
        stress.waitFor(STRESS.toSeconds() + 30, TimeUnit.SECONDS),
        equalTo(true));
    log("load ended");
    await(
        Duration.ofSeconds(150),
        "CPU_SATURATION resolved on both servers after the load",
        () ->
            !alerts(resolved(COLLECTD_SERVER, "CPU_SATURATION")).isEmpty()
                && !alerts(resolved(PROMETHEUS_SERVER, "CPU_SATURATION")).isEmpty());
    long idleFrom =
        alerts(
                resolved(COLLECTD_SERVER, "CPU_SATURATION")
                    .or(resolved(PROMETHEUS_SERVER, "CPU_SATURATION")))
            .stream()
            .mapToLong(alert -> alert.path("eventTime").asLong())
            .max()
            .orElseThrow();
    log("CPU_SATURATION resolved on both servers");

    // 3. Idle: nothing opens, while the twins keep evaluating reports.
    long reportsAtIdle = serverReports();
    long idleUntil = System.nanoTime() + IDLE.toNanos();
    // The machine's own busy share, from /proc/stat, so that a failure tells an alert on an idle
    // machine (a false positive) from one on a machine that other work kept busy.
    List<String> busy = new ArrayList<>();
    long[] previous = procStatCpu();
    while (System.nanoTime() < idleUntil) {
      assertThat(collectd.logTail(), collectd.isAlive(), equalTo(true));
      assertThat(prometheus.logTail(), prometheus.isAlive(), equalTo(true));
      Thread.sleep(10_000);
      long[] now = procStatCpu();
      busy.add(String.format("%.0f%%", busyPercent(previous, now)));
      previous = now;
    }
    List<JsonNode> openedWhileIdle =
        alerts(
            alert ->
                alert.path("status").asText().equals("OPENED")
                    && alert.path("openedAt").asLong() > idleFrom);
    assertThat(
        "alerts opened in the idle minutes (machine busy per 10 s: " + busy + ")",
        openedWhileIdle,
        empty());
    // Two servers, one report each every 10 s: about 120 in ten minutes.
    assertThat("reports evaluated while idle", serverReports() - reportsAtIdle, greaterThan(80L));
    assertThat(
        "dead letters (the input is the agents' payloads and three commissions)",
        deadLetters.values(),
        empty());
    assertThat(
        "the agents' servers never fell silent",
        alerts(
            opened(COLLECTD_SERVER, "SERVER_SILENT")
                .or(opened(PROMETHEUS_SERVER, "SERVER_SILENT"))),
        empty());
    assertThat(receiver.refused(), equalTo(0L));
    log("ten idle minutes opened nothing");
  }

  /** The aggregate {@code cpu} line of /proc/stat: user nice system idle iowait irq ... */
  private static long[] procStatCpu() throws IOException {
    String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
    return Arrays.stream(line.substring("cpu".length()).trim().split("\\s+"))
        .mapToLong(Long::parseLong)
        .toArray();
  }

  /**
   * Percent of time not idle (the 4th field) between two readings, as the health model counts busy
   * (100 - idle: I/O wait and steal are busy).
   */
  private static double busyPercent(long[] before, long[] after) {
    long total = 0;
    for (int i = 0; i < Math.min(before.length, 8); i++) {
      total += after[i] - before[i];
    }
    long idle = after[3] - before[3];
    return total == 0 ? 0 : 100.0 * (total - idle) / total;
  }

  private void commission(
      KafkaProducer<String, String> producer,
      String serverId,
      String rackId,
      String hostname,
      long eventTime)
      throws Exception {
    ObjectNode message = JSON.createObjectNode();
    message.put("type", "commission");
    message.put("serverId", serverId);
    message.put("rackId", rackId);
    message.put("datacenterId", DATACENTER);
    message.put("hostname", hostname);
    message.put("eventTime", eventTime);
    producer.send(new ProducerRecord<>(topic("provisioning"), serverId, message.toString())).get();
  }

  private static Predicate<JsonNode> opened(String serverId, String type) {
    return alert(serverId, type, "OPENED");
  }

  private static Predicate<JsonNode> resolved(String serverId, String type) {
    return alert(serverId, type, "RESOLVED");
  }

  private static Predicate<JsonNode> alert(String serverId, String type, String status) {
    return alert ->
        alert.path("level").asText().equals("SERVER")
            && alert.path("entity").asText().equals(serverId)
            && alert.path("incidentType").asText().equals(type)
            && alert.path("status").asText().equals(status);
  }

  private List<JsonNode> alerts(Predicate<JsonNode> which) {
    return alerts.values().stream().filter(which).toList();
  }

  /** The server twins' count of accepted reports, as the runner has it so far. */
  private long serverReports() {
    long reports = 0;
    for (MetricResult<Long> counter :
        pipeline
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(DatacenterTwins.class, "server_reports"))
                    .build())
            .getCounters()) {
      reports += counter.getAttempted();
    }
    return reports;
  }

  private void await(Duration timeout, String what, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "not within "
                + timeout
                + ": "
                + what
                + "\nalerts: "
                + alerts.values()
                + "\ndead letters: "
                + deadLetters.values()
                + "\nserver reports: "
                + serverReports()
                + "\n"
                + collectd.logTail()
                + "\n"
                + prometheus.logTail());
      }
      Thread.sleep(1_000);
    }
  }

  /** Deletes {@code topic} if it exists, waits until it is gone, and creates it again. */
  private void recreate(String topic) throws Exception {
    try (Admin admin = kafka.admin()) {
      if (admin.listTopics().names().get().contains(topic)) {
        admin.deleteTopics(List.of(topic)).all().get();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (admin.listTopics().names().get().contains(topic)) {
          assertThat("topic " + topic + " deleted", System.nanoTime(), lessThan(deadline));
          Thread.sleep(200);
        }
      }
    }
    kafka.createTopics(1, topic);
  }

  private void log(String what) {
    System.err.printf(
        "RealAgentsIT %4d s: %s%n",
        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started), what);
  }

  /** Every JSON record of a topic from its start, read in the background. */
  private static final class TopicTail implements AutoCloseable {
    private final List<JsonNode> values = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    TopicTail(String bootstrapServers, String topic) {
      Map<String, Object> config = new HashMap<>();
      config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
      config.put(ConsumerConfig.GROUP_ID_CONFIG, "dctwin-check-" + UUID.randomUUID());
      config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      thread =
          new Thread(
              () -> {
                try (KafkaConsumer<String, String> consumer =
                    new KafkaConsumer<>(
                        config, new StringDeserializer(), new StringDeserializer())) {
                  consumer.subscribe(List.of(topic));
                  while (running) {
                    for (ConsumerRecord<String, String> record :
                        consumer.poll(Duration.ofMillis(200))) {
                      try {
                        values.add(JSON.readTree(record.value()));
                      } catch (IOException e) {
                        values.add(JSON.createObjectNode().put("unreadable", record.value()));
                      }
                    }
                  }
                }
              },
              "tail-" + topic);
      thread.setDaemon(true);
      thread.start();
    }

    List<JsonNode> values() {
      return new ArrayList<>(values);
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(10_000);
    }
  }
}

package dev.dctwin.pipeline.agents;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.not;

import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.testing.LocalServices;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Debian's Prometheus (agent mode, runner-configs/agents/prometheus.yml as it is) scrapes the
 * node_exporter of services.sh and remote-writes through the receiver into the local Kafka broker.
 * The topic does not exist at first: the receiver answers 503 and Prometheus retries, so that the
 * samples of that time arrive once the topic does.
 */
@RunWith(JUnit4.class)
public class PrometheusReceiverIT {
  /** The series that prometheus.yml keeps, and those Prometheus adds about each scrape. */
  private static final Pattern KEPT =
      Pattern.compile(
          "node_cpu_seconds_total|node_memory_\\w+_bytes|node_disk_\\w+_total"
              + "|node_network_\\w+_total|node_edac_\\w+_total|node_procs_(running|blocked)"
              + "|node_hwmon_temp_celsius|node_load(1|5|15)|up|scrape_\\w+");

  @Rule public TemporaryFolder folder = new TemporaryFolder();

  private final String topic = "dctwin-prw-" + UUID.randomUUID();
  private LocalKafka kafka;
  private PrometheusReceiver receiver;

  @Before
  public void setUp() {
    RealAgents.require(RealAgents.PROMETHEUS);
    kafka = LocalKafka.require();
    LocalServices.require("node_exporter", RealAgents.NODE_EXPORTER_PORT);
  }

  @After
  public void tearDown() {
    if (receiver != null) {
      receiver.close();
    }
    if (kafka != null) {
      try {
        kafka.deleteTopics(topic);
      } catch (IllegalStateException e) {
        // never created
      }
    }
  }

  @Test
  public void theConfigIsValid() throws Exception {
    RealAgents.require(RealAgents.PROMTOOL);
    RealAgents.Result check =
        RealAgents.run(
            Duration.ofSeconds(30),
            RealAgents.PROMTOOL.getPath(),
            "check",
            "config",
            RealAgents.config("prometheus.yml").toString());
    assertThat(check.output(), check.exitCode(), equalTo(0));
  }

  @Test
  public void prometheusRemoteWritesNodeExporterThroughTheReceiverAndRetriesAnOutage()
      throws Exception {
    receiver =
        new PrometheusReceiver(
                new InetSocketAddress("127.0.0.1", RealAgents.RECEIVER_PORT),
                PrometheusReceiver.kafkaProducer(
                    new KafkaClients(kafka.bootstrapServers(), null), 1_000_000),
                topic,
                1_000_000,
                RemoteWriteValidator.snappy(32_000_000))
            .start();
    Path dir = folder.newFolder("prometheus").toPath();
    try (RealAgents.Agent prometheus = RealAgents.prometheus(dir)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (receiver.unavailable() == 0) {
        assertThat(prometheus.logTail(), System.nanoTime(), lessThan(deadline));
        assertThat(prometheus.logTail(), prometheus.isAlive(), equalTo(true));
        Thread.sleep(500);
      }
      assertThat(receiver.published(), equalTo(0L));
      kafka.createTopics(1, topic);
      long created = System.currentTimeMillis();

      List<RemoteWriteBodies.Series> series = new ArrayList<>();
      List<byte[]> bodies;
      try (KafkaConsumer<byte[], byte[]> consumer =
          RealAgents.consumerFromStart(kafka.bootstrapServers(), topic)) {
        bodies =
            RealAgents.pollUntil(
                consumer,
                prometheus,
                Duration.ofSeconds(120),
                values -> {
                  series.clear();
                  for (byte[] value : values) {
                    series.addAll(decode(value));
                  }
                  // Two scrapes after the topic exists: counters can be rated.
                  return series.stream()
                          .filter(s -> s.name().equals("node_cpu_seconds_total"))
                          .flatMap(s -> s.samples().stream())
                          .filter(sample -> sample.timestamp() > created)
                          .count()
                      >= 2;
                });
      }
      assertThat(receiver.refused(), equalTo(0L));

      List<String> names = series.stream().map(RemoteWriteBodies.Series::name).toList();
      assertThat(names, hasItem("node_cpu_seconds_total"));
      assertThat(names, hasItem("node_memory_MemTotal_bytes"));
      assertThat(names, hasItem("node_network_receive_bytes_total"));
      assertThat(
          "only what prometheus.yml keeps",
          names.stream().filter(name -> !KEPT.matcher(name).matches()).toList(),
          empty());
      assertThat(
          "no loopback",
          series.stream()
              .filter(s -> s.name().startsWith("node_network_"))
              .map(s -> s.labels().get("device"))
              .toList(),
          not(hasItem("lo")));
      RemoteWriteBodies.Series cpu =
          series.stream()
              .filter(s -> s.name().equals("node_cpu_seconds_total"))
              .findFirst()
              .orElseThrow();
      assertThat(cpu.labels().get("instance"), equalTo("127.0.0.1:9100"));
      assertThat(cpu.labels().get("job"), equalTo("node"));
      assertThat(cpu.labels().keySet(), hasItem("mode"));
      assertThat(
          "samples of the outage arrived after it",
          series.stream()
              .flatMap(s -> s.samples().stream())
              .mapToLong(RemoteWriteBodies.Sample::timestamp)
              .min()
              .orElseThrow(),
          lessThan(created));
      assertThat(receiver.published(), greaterThan(0L));
      capture(bodies);
    }
  }

  private static List<RemoteWriteBodies.Series> decode(byte[] body) {
    try {
      List<RemoteWriteBodies.Series> series = RemoteWriteBodies.decode(body);
      assertThat("a request with no series", series, not(empty()));
      return series;
    } catch (IOException e) {
      throw new AssertionError("not a snappy protobuf WriteRequest: " + e, e);
    }
  }

  /**
   * With -Ddctwin.captureAgents: the bodies (at most six), as the decoders' fixtures. Prometheus
   * may split one scrape over two requests.
   */
  private static void capture(List<byte[]> bodies) throws IOException {
    Path dir = RealAgents.captureDir();
    if (dir == null) {
      return;
    }
    Files.createDirectories(dir);
    for (int i = 0; i < Math.min(6, bodies.size()); i++) {
      Files.write(dir.resolve("prometheus-remote-write-" + (i + 1) + ".bin"), bodies.get(i));
    }
    System.err.println(
        "PrometheusReceiverIT: captured " + Map.of("bodies", bodies.size(), "dir", dir));
  }
}

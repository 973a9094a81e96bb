package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.testing.LocalKafka;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.PipelineResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * A Mosquitto of the test's own (with persistence) restarts while messages flow. Two paths from the
 * same publisher into one pipeline: MqttIO directly (clean session: what is published while it is
 * not subscribed is lost, the test measures how much), and a persistent-session bridge into Kafka
 * (nothing the broker accepted is lost). Every message is malformed on purpose, so that each comes
 * out as a dead letter that names its source and carries its sequence number.
 */
@RunWith(JUnit4.class)
public class MqttBrokerRestartIT {
  private static final long PUBLISH_EVERY_MS = 50;
  private static final int MESSAGES = 240;

  @Rule public final TemporaryFolder folder = new TemporaryFolder();
  private final String run = IoTestSupport.runId();
  private final String mqttTopic = "dctwin-" + run + "/metrics";
  private final String kafkaTopic = MqttKafkaBridge.kafkaTopic(mqttTopic);
  private final String deadLetters = "dctwin-" + run + ".dead-letters";
  private LocalKafka kafka;
  private Path config;
  private Process broker;
  private int port;

  @Before
  public void setUp() throws Exception {
    org.junit.Assume.assumeTrue(
        "mosquitto binary (runner-configs/local/services.sh installs it)",
        Files.isExecutable(Path.of("/usr/sbin/mosquitto")));
    kafka = IoTestSupport.kafka();
    kafka.createTopics(1, kafkaTopic, deadLetters);
    port = freePort();
    Path data = folder.newFolder("mosquitto").toPath();
    config = data.resolve("mosquitto.conf");
    Files.writeString(
        config,
        String.join(
            "\n",
            // The test's folder is private: without this, mosquitto started as root drops to
            // its own user and cannot read (or persist into) it.
            "user " + System.getProperty("user.name"),
            "listener " + port + " 127.0.0.1",
            "allow_anonymous true",
            "persistence true",
            "persistence_location " + data + "/",
            "log_dest none",
            ""));
    startBroker();
  }

  @After
  public void tearDown() {
    if (broker != null) {
      broker.destroy();
    }
    if (kafka != null) {
      kafka.deleteTopics(kafkaTopic, deadLetters);
    }
  }

  private void startBroker() throws Exception {
    broker = new ProcessBuilder("/usr/sbin/mosquitto", "-c", config.toString()).start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
        return;
      } catch (IOException notYet) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("mosquitto did not start on port " + port);
  }

  @Test
  public void mqttIoResumesAfterABrokerRestartAndTheBridgeLosesNothing() throws Exception {
    String uri = "tcp://127.0.0.1:" + port;
    DatacenterPipeline.Options options =
        IoTestSupport.options(
            "--source=both",
            "--sinks=kafka",
            "--mqttServerUri=" + uri,
            "--mqttTopics=" + mqttTopic,
            "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
            "--kafkaTopics=" + kafkaTopic,
            "--kafkaConsumerGroup=" + run,
            "--kafkaAlertsTopic=" + deadLetters,
            "--kafkaAnswersTopic=" + deadLetters,
            "--kafkaDeadLettersTopic=" + deadLetters,
            "--targetParallelism=2");
    List<Integer> accepted = new ArrayList<>();
    long restartedAt;
    long downMs;
    try (MqttKafkaBridge bridge =
            new MqttKafkaBridge(
                MqttBroker.anonymous(uri),
                "dctwin-bridge-" + run,
                List.of(mqttTopic),
                new KafkaClients(kafka.bootstrapServers(), null));
        Publisher publisher = new Publisher(uri)) {
      PipelineResult pipeline = DatacenterPipeline.start(options);
      try {
        Thread.sleep(4_000); // MqttIO must be subscribed before anything counts
        long restartAfter = MESSAGES / 3;
        restartedAt = 0;
        downMs = 0;
        for (int seq = 0; seq < MESSAGES; seq++) {
          if (seq == restartAfter) {
            long down = System.nanoTime();
            broker.destroy();
            broker.waitFor(10, TimeUnit.SECONDS);
            Thread.sleep(3_000);
            startBroker();
            downMs = (System.nanoTime() - down) / 1_000_000;
            restartedAt = seq;
          }
          if (publisher.tryPublish(mqttTopic, "{\"seq\":" + seq + "}")) {
            accepted.add(seq);
          }
          Thread.sleep(PUBLISH_EVERY_MS);
        }
        // The bridge path delivers every accepted message; MqttIO's copies come at the same time.
        List<ConsumerRecord<String, String>> letters =
            kafka.readCommitted(
                deadLetters, 2 * accepted.size(), Duration.ofSeconds(30), Duration.ofSeconds(3));
        TreeSet<Integer> viaKafka = new TreeSet<>();
        TreeSet<Integer> viaMqtt = new TreeSet<>();
        ObjectMapper json = new ObjectMapper();
        for (ConsumerRecord<String, String> record : letters) {
          JsonNode letter = json.readTree(record.value());
          int seq =
              json.readTree(
                      new String(
                          Base64.getDecoder().decode(letter.get("payloadBase64").asText()),
                          StandardCharsets.UTF_8))
                  .get("seq")
                  .asInt();
          (letter.get("source").asText().startsWith("kafka:") ? viaKafka : viaMqtt).add(seq);
        }
        List<Integer> lostByBridge = accepted.stream().filter(s -> !viaKafka.contains(s)).toList();
        List<Integer> lostByMqttIo = accepted.stream().filter(s -> !viaMqtt.contains(s)).toList();
        System.out.printf(
            "MqttBrokerRestartIT: broker down %d ms; %d of %d publishes accepted; bridge lost %d;"
                + " MqttIO lost %d (%s), a window of about %d ms after the restart%n",
            downMs,
            accepted.size(),
            MESSAGES,
            lostByBridge.size(),
            lostByMqttIo.size(),
            lostByMqttIo,
            lostByMqttIo.size() * PUBLISH_EVERY_MS);
        assertThat(lostByBridge, empty());
        long afterRestart = restartedAt;
        assertThat(
            "MqttIO resumed after the restart",
            viaMqtt.stream().filter(s -> s > afterRestart).count(),
            greaterThan(0L));
        assertThat(pipeline.getState(), equalTo(PipelineResult.State.RUNNING));
      } finally {
        IoTestSupport.cancel(pipeline);
      }
    }
  }

  /** Publishes QoS 1 and reconnects by itself; a publish counts only when the broker acked it. */
  private static final class Publisher implements AutoCloseable {
    private final MqttClient client;

    Publisher(String uri) throws MqttException {
      client = new MqttClient(uri, "dctwin-pub-" + UUID.randomUUID(), new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setAutomaticReconnect(true);
      options.setMaxReconnectDelay(500);
      options.setCleanSession(true);
      client.connect(options);
    }

    boolean tryPublish(String topic, String payload) {
      try {
        client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
        return true;
      } catch (MqttException e) {
        return false;
      }
    }

    @Override
    public void close() throws MqttException {
      if (client.isConnected()) {
        client.disconnect();
      }
      client.close();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}

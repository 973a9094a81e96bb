package dev.dctwin.simulator.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertTrue;

import dev.dctwin.pipeline.io.MqttKafkaBridge;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.After;
import org.junit.Assume;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The {@code mqtt-kafka-bridge} command as an operator runs it, in a process of its own, between a
 * Mosquitto and a Kafka broker of this test's own (the shared ones must not restart). While a
 * publisher sends a numbered message every 50 ms, Kafka is away for longer than the bridge's
 * delivery timeout and then Mosquitto restarts: every message the broker accepted reaches Kafka,
 * and the bridge logs exactly one line when each outage starts and one when it ends. A second test
 * runs the bridge over TLS with a password, with a certificate authority made by the test.
 */
public class MqttKafkaBridgeIT {
  private static final Path MOSQUITTO = Path.of("/usr/sbin/mosquitto");
  private static final long PUBLISH_EVERY_MS = 50;
  private static final Pattern SEQ = Pattern.compile("\"seq\":(\\d+)");

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private final String run = Long.toString(System.nanoTime(), 36);
  private final String mqttTopic = "dctwin-bridge-" + run + "/metrics";
  private final String kafkaTopic = MqttKafkaBridge.kafkaTopic(mqttTopic);
  private final String deadLetterTopic = "dctwin-bridge-" + run + ".dead-letters";
  private final List<String> bridgedTopics = new ArrayList<>(List.of(mqttTopic));
  private final List<String> bridgeLog = new CopyOnWriteArrayList<>();
  private EmbeddedKafka kafka;
  private Process mosquitto;
  private Process bridge;
  private Path mosquittoConfig;
  private int mqttPort;

  @Before
  public void setUp() throws Exception {
    boolean ci = "true".equals(System.getenv("CI"));
    if (!Files.isExecutable(MOSQUITTO)) {
      if (ci) {
        throw new IllegalStateException("mosquitto is missing (runner-configs/local/services.sh)");
      }
      Assume.assumeTrue("SKIPPED: no " + MOSQUITTO + " (runner-configs/local/services.sh)", false);
    }
    kafka = EmbeddedKafka.create().start();
    kafka.createTopics(1, kafkaTopic, deadLetterTopic);
    mqttPort = EmbeddedKafka.freePort();
  }

  @After
  public void tearDown() throws Exception {
    if (bridge != null) {
      bridge.destroy();
      if (!bridge.waitFor(15, TimeUnit.SECONDS)) {
        bridge.destroyForcibly();
      }
    }
    if (mosquitto != null) {
      mosquitto.destroy();
      mosquitto.waitFor(10, TimeUnit.SECONDS);
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  public void bothBrokersRestartDuringTrafficAndNothingIsLost() throws Exception {
    Path data = folder.newFolder("mosquitto").toPath();
    writeMosquittoConfig(
        data,
        "listener " + mqttPort + " 127.0.0.1",
        "allow_anonymous true",
        "persistence true",
        "persistence_location " + data + "/");
    startMosquitto();
    startBridge("--mqttServerUri=tcp://127.0.0.1:" + mqttPort);

    Set<Integer> accepted = new ConcurrentSkipListSet<>();
    Set<Integer> attempted = new ConcurrentSkipListSet<>();
    AtomicBoolean publishing = new AtomicBoolean(true);
    Thread publisherThread;
    try (Publisher publisher = new Publisher("tcp://127.0.0.1:" + mqttPort, null)) {
      publisherThread =
          new Thread(
              () -> {
                for (int seq = 0; publishing.get(); seq++) {
                  attempted.add(seq);
                  if (publisher.tryPublish(
                      mqttTopic, "{\"serverId\":\"s1\",\"seq\":" + seq + "}")) {
                    accepted.add(seq);
                  }
                  sleep(PUBLISH_EVERY_MS);
                }
              },
              "publisher");
      publisherThread.start();
      sleep(3_000);
      // Longer than --kafkaDeliveryTimeout: sends fail and are sent again, not only delayed.
      kafka.restart(Duration.ofSeconds(9));
      sleep(5_000);
      mosquitto.destroy();
      mosquitto.waitFor(10, TimeUnit.SECONDS);
      sleep(3_000);
      startMosquitto();
      sleep(5_000);
      publishing.set(false);
      publisherThread.join();
    }

    List<Integer> received = readSeqs(accepted.size(), Duration.ofSeconds(60));
    TreeSet<Integer> distinct = new TreeSet<>(received);
    List<Integer> lost = accepted.stream().filter(seq -> !distinct.contains(seq)).toList();
    List<Integer> neverSent = distinct.stream().filter(seq -> !attempted.contains(seq)).toList();
    System.out.printf(
        "MqttKafkaBridgeIT: %d published, %d accepted by Mosquitto, %d in Kafka (%d distinct),"
            + " lost %s%n",
        attempted.size(), accepted.size(), received.size(), distinct.size(), lost);
    assertThat(lost, empty());
    assertThat(neverSent, empty());
    // A publish whose PUBACK the restart cut off may still have reached the broker: at most one.
    assertThat(distinct.size() - accepted.size(), lessThanOrEqualTo(1));
    assertThat(count("bridge: Kafka unreachable"), equalTo(1L));
    assertThat(count("bridge: Kafka back after"), equalTo(1L));
    assertThat(count("bridge: MQTT connection to .* lost"), equalTo(1L));
    assertThat(count("bridge: MQTT connection to .* back after"), equalTo(1L));
    assertTrue("the bridge still runs", bridge.isAlive());
  }

  @Test
  public void theBridgeConnectsOverTlsWithAPassword() throws Exception {
    Path dir = folder.newFolder("tls").toPath();
    Path trustStore = makeCertificates(dir);
    String password = "mqtt-" + UUID.randomUUID();
    Path passwordFile = dir.resolve("mqtt-password");
    Files.writeString(passwordFile, password + "\n");
    Path passwords = dir.resolve("mosquitto.passwd");
    Process passwd =
        new ProcessBuilder("mosquitto_passwd", "-b", "-c", passwords.toString(), "bridge", password)
            .redirectErrorStream(true)
            .start();
    assertThat(passwd.waitFor(), equalTo(0));
    writeMosquittoConfig(
        dir,
        "listener " + mqttPort + " 127.0.0.1",
        "cafile " + dir.resolve("ca.crt"),
        "certfile " + dir.resolve("server.crt"),
        "keyfile " + dir.resolve("server.key"),
        "allow_anonymous false",
        "password_file " + passwords);
    startMosquitto();
    String uri = "ssl://127.0.0.1:" + mqttPort;
    startBridge(
        "--mqttServerUri=" + uri,
        "--mqttUsername=bridge",
        "--mqttPasswordFile=" + passwordFile,
        "--mqttTrustStore=" + trustStore);

    int messages = 50;
    MqttConnectOptions publisherOptions = new MqttConnectOptions();
    publisherOptions.setUserName("bridge");
    publisherOptions.setPassword(password.toCharArray());
    publisherOptions.setSocketFactory(sslSocketFactory(trustStore));
    try (Publisher publisher = new Publisher(uri, publisherOptions)) {
      for (int seq = 0; seq < messages; seq++) {
        assertTrue(publisher.tryPublish(mqttTopic, "{\"serverId\":\"s1\",\"seq\":" + seq + "}"));
      }
    }
    List<Integer> received = readSeqs(messages, Duration.ofSeconds(30));
    assertThat(new TreeSet<>(received).size(), equalTo(messages));
    assertThat(bridgeLog, not(hasItem(org.hamcrest.Matchers.containsString(password))));
  }

  @Test
  public void recordsKafkaRefusesForGoodBecomeDeadLettersAndTheRestFlows() throws Exception {
    // The metrics topic takes records of up to 20 kB; the provisioning topic is compacted, so a
    // record without key is invalid there: a payload that is no valid message (this maintenance
    // window has no level, entity or times) and names no server or datacenter has none.
    String provisioning = "dctwin-bridge-" + run + "/provisioning";
    bridgedTopics.add(provisioning);
    try (Admin admin = kafka.admin()) {
      admin
          .incrementalAlterConfigs(
              Map.of(
                  new ConfigResource(ConfigResource.Type.TOPIC, kafkaTopic),
                  List.of(
                      new AlterConfigOp(
                          new ConfigEntry("max.message.bytes", "20000"),
                          AlterConfigOp.OpType.SET))))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin
          .createTopics(
              List.of(
                  new NewTopic(MqttKafkaBridge.kafkaTopic(provisioning), 1, (short) 1)
                      .configs(Map.of("cleanup.policy", "compact"))))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    Path data = folder.newFolder("mosquitto").toPath();
    writeMosquittoConfig(data, "listener " + mqttPort + " 127.0.0.1", "allow_anonymous true");
    startMosquitto();
    startBridge("--mqttServerUri=tcp://127.0.0.1:" + mqttPort);

    int messages = 40;
    int tooLargeSeq = 10;
    String filler = "x".repeat(100_000);
    String tooLarge =
        "{\"serverId\":\"s1\",\"seq\":" + tooLargeSeq + ",\"filler\":\"" + filler + "\"}";
    String unkeyable = "{\"type\":\"maintenance\",\"rackId\":\"r1\",\"reason\":\"fans\"}";
    try (Publisher publisher = new Publisher("tcp://127.0.0.1:" + mqttPort, null)) {
      for (int seq = 0; seq < messages; seq++) {
        String payload =
            seq == tooLargeSeq ? tooLarge : "{\"serverId\":\"s1\",\"seq\":" + seq + "}";
        assertTrue(publisher.tryPublish(mqttTopic, payload));
        if (seq == tooLargeSeq + 1) {
          assertTrue(publisher.tryPublish(provisioning, unkeyable));
        }
      }
    }

    // Every message but the refused one arrives, those after it too, in order.
    List<Integer> received = readSeqs(messages - 1, Duration.ofSeconds(60));
    List<Integer> expected = new ArrayList<>();
    for (int seq = 0; seq < messages; seq++) {
      if (seq != tooLargeSeq) {
        expected.add(seq);
      }
    }
    assertThat(received, equalTo(expected));

    Map<String, Map<String, String>> letters = readDeadLetters(2, Duration.ofSeconds(30));
    assertThat(letters.keySet(), equalTo(Set.of(mqttTopic, provisioning)));
    Map<String, String> large = letters.get(mqttTopic);
    assertThat(large.get("dctwin.errors.reason"), equalTo("SINK_REJECTED"));
    assertThat(large.get("dctwin.errors.source"), equalTo("mqtt:" + mqttTopic));
    assertThat(
        large.get("dctwin.errors.payload.length"),
        equalTo(Integer.toString(tooLarge.getBytes(StandardCharsets.UTF_8).length)));
    assertThat(large.get("value"), containsString("RecordTooLargeException"));
    Map<String, String> keyless = letters.get(provisioning);
    assertThat(keyless.get("dctwin.errors.reason"), equalTo("SINK_REJECTED"));
    assertThat(keyless.get("value"), containsString("InvalidRecordException"));
    // Logged once per kind of refusal, not once per message, and never taken for an outage (a
    // slow acknowledgement on a busy machine may be: --kafkaOutageAfter is 2 s here).
    assertThat(count("bridge: Kafka refused a record from"), equalTo(2L));
    assertThat(count("bridge: Kafka unreachable.*(RecordTooLarge|InvalidRecord)"), equalTo(0L));
    assertTrue("the bridge still runs", bridge.isAlive());
  }

  /**
   * The dead letters' headers, and their JSON as {@code value}, by origin topic, once {@code
   * expected} are there.
   */
  private Map<String, Map<String, String>> readDeadLetters(int expected, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "check-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    Map<String, Map<String, String>> letters = new TreeMap<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(deadLetterTopic));
      long deadline = System.nanoTime() + timeout.toNanos();
      while (letters.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          Map<String, String> headers = new TreeMap<>();
          for (Header header : record.headers()) {
            headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
          }
          headers.put("value", record.value());
          letters.put(headers.get("dctwin.errors.topic"), headers);
        }
      }
    }
    return letters;
  }

  private void writeMosquittoConfig(Path dir, String... lines) throws IOException {
    mosquittoConfig = dir.resolve("mosquitto.conf");
    List<String> all = new ArrayList<>();
    // The test's folder is private: mosquitto started as root would drop to its own user.
    all.add("user " + System.getProperty("user.name"));
    all.addAll(List.of(lines));
    all.add("log_dest none");
    Files.writeString(mosquittoConfig, String.join("\n", all) + "\n");
  }

  private void startMosquitto() throws Exception {
    mosquitto =
        new ProcessBuilder(MOSQUITTO.toString(), "-c", mosquittoConfig.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      try (Socket socket = new Socket("127.0.0.1", mqttPort)) {
        return;
      } catch (IOException notYet) {
        sleep(100);
      }
    }
    throw new IllegalStateException("mosquitto did not start on port " + mqttPort);
  }

  /** Runs {@code dctwin-pipeline mqtt-kafka-bridge} in a JVM of its own; waits until it runs. */
  private void startBridge(String... mqttFlags) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("dev.dctwin.pipeline.Main");
    command.add("mqtt-kafka-bridge");
    command.addAll(List.of(mqttFlags));
    command.add("--mqttClientId=dctwin-bridge-" + run);
    command.add("--mqttTopics=" + String.join(",", bridgedTopics));
    command.add("--deadLetterTopic=" + deadLetterTopic);
    command.add("--kafkaBootstrapServers=" + kafka.bootstrapServers());
    command.add("--kafkaOutageAfter=2s");
    command.add("--kafkaDeliveryTimeout=4s");
    bridge = new ProcessBuilder(command).redirectErrorStream(true).start();
    Thread reader = new Thread(() -> collect(bridge.getInputStream()), "bridge-log");
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (System.nanoTime() < deadline) {
      if (bridgeLog.stream().anyMatch(line -> line.contains("bridge: copying"))) {
        return;
      }
      if (!bridge.isAlive()) {
        sleep(200);
        throw new IllegalStateException("the bridge stopped: " + bridgeLog);
      }
      sleep(100);
    }
    throw new IllegalStateException("the bridge did not start: " + bridgeLog);
  }

  private void collect(InputStream output) {
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(output, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        bridgeLog.add(line);
        System.out.println("[bridge] " + line);
      }
    } catch (IOException closed) {
      // The process ended.
    }
  }

  private long count(String regex) {
    Pattern pattern = Pattern.compile(regex);
    return bridgeLog.stream().filter(line -> pattern.matcher(line).find()).count();
  }

  /** The sequence numbers in the Kafka topic, once {@code expected} distinct ones are there. */
  private List<Integer> readSeqs(int expected, Duration timeout) {
    Map<String, Object> config =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            kafka.bootstrapServers(),
            ConsumerConfig.GROUP_ID_CONFIG,
            "check-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest",
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            "read_committed");
    List<Integer> seqs = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(kafkaTopic));
      long deadline = System.nanoTime() + timeout.toNanos();
      long settleUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
          Matcher seq = SEQ.matcher(record.value());
          assertTrue(record.value(), seq.find());
          seqs.add(Integer.parseInt(seq.group(1)));
        }
        if (new TreeSet<>(seqs).size() >= expected && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + 3_000_000_000L;
        }
      }
    }
    return Collections.unmodifiableList(seqs);
  }

  /**
   * A certificate authority, a server certificate for 127.0.0.1 signed by it (PEM, for Mosquitto),
   * and a JKS trust store with the authority, for the bridge.
   */
  private static Path makeCertificates(Path dir) throws Exception {
    exec(
        dir,
        "openssl",
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=dctwin test CA",
        "-keyout",
        "ca.key",
        "-out",
        "ca.crt",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign");
    exec(
        dir,
        "openssl",
        "req",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-subj",
        "/CN=127.0.0.1",
        "-keyout",
        "server.key",
        "-out",
        "server.csr");
    Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\n");
    exec(
        dir,
        "openssl",
        "x509",
        "-req",
        "-in",
        "server.csr",
        "-CA",
        "ca.crt",
        "-CAkey",
        "ca.key",
        "-CAcreateserial",
        "-days",
        "1",
        "-out",
        "server.crt",
        "-extfile",
        "server.ext");
    Path trustStore = dir.resolve("truststore.jks");
    exec(
        dir,
        "keytool",
        "-importcert",
        "-noprompt",
        "-alias",
        "dctwin-test-ca",
        "-file",
        "ca.crt",
        "-storetype",
        "JKS",
        "-keystore",
        trustStore.toString(),
        "-storepass",
        "changeit");
    return trustStore;
  }

  private static void exec(Path dir, String... command) throws Exception {
    List<String> line = new ArrayList<>(List.of(command));
    if (line.get(0).equals("keytool")) {
      line.set(0, Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    }
    Process process =
        new ProcessBuilder(line).directory(dir.toFile()).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(String.join(" ", command) + ": " + output, process.waitFor(), equalTo(0));
  }

  private static SocketFactory sslSocketFactory(Path trustStore) throws Exception {
    KeyStore store = KeyStore.getInstance("JKS");
    try (InputStream in = Files.newInputStream(trustStore)) {
      store.load(in, "changeit".toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context.getSocketFactory();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Publishes QoS 1 and reconnects by itself; a publish counts only when the broker acked it. */
  private static final class Publisher implements AutoCloseable {
    private final MqttClient client;

    Publisher(String uri, MqttConnectOptions given) throws MqttException {
      client = new MqttClient(uri, "dctwin-pub-" + UUID.randomUUID(), new MemoryPersistence());
      MqttConnectOptions options = given != null ? given : new MqttConnectOptions();
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
}

package dev.dctwin.pipeline.alertmanager;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.Severity;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.testing.LocalServices;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The relay with the real Alertmanager of Debian's {@code prometheus-alertmanager}, started by the
 * test on a free port with {@code runner-configs/alertmanager/alertmanager-test.yml}, and alert
 * records written to a topic of the local Kafka broker as the pipeline writes them.
 */
@RunWith(JUnit4.class)
public class AlertmanagerRelayIT {
  private static final File BINARY = new File("/usr/bin/prometheus-alertmanager");
  private static final long T0 = 1_763_719_200_000L;
  private static final String RACK = "dc1-r04";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String topic = "dctwin-am-" + UUID.randomUUID() + ".alerts";
  private final List<JsonNode> notifications = new CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();
  private LocalKafka kafka;
  private HttpServer webhook;
  private Path dir;
  private int port;
  private Process alertmanager;
  private AlertmanagerRelay relay;
  private Thread relayThread;
  private volatile String phase = "start";

  @Before
  public void setUp() throws Exception {
    LocalServices.require(
        "Alertmanager (apt-get install prometheus-alertmanager)", BINARY.canExecute());
    kafka = LocalKafka.require();
    kafka.createTopics(1, topic);
    webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    webhook.createContext(
        "/hook",
        exchange -> {
          JsonNode body = JSON.readTree(exchange.getRequestBody());
          ((com.fasterxml.jackson.databind.node.ObjectNode) body).put("testPhase", phase);
          notifications.add(body);
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    webhook.start();
    dir = Files.createTempDirectory("dctwin-alertmanager");
    String config =
        Files.readString(
                repo().resolve("runner-configs/alertmanager/alertmanager-test.yml"),
                StandardCharsets.UTF_8)
            .replace("WEBHOOK_URL", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hook");
    Files.writeString(dir.resolve("alertmanager.yml"), config, StandardCharsets.UTF_8);
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    startAlertmanager();
  }

  @After
  public void tearDown() throws Exception {
    stopRelay();
    stopAlertmanager();
    if (webhook != null) {
      webhook.stop(0);
    }
    if (kafka != null) {
      kafka.deleteTopics(topic);
    }
  }

  @Test
  public void aTorFailureIsOneActiveRackAlertWithItsServersInhibitedAndOnePage() throws Exception {
    startRelay();
    Alert rack = rackAlert(AlertStatus.OPENED);
    List<Alert> servers = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      servers.add(serverAlert(i, IncidentType.NIC_PACKET_LOSS, rack.incidentId(), false));
    }
    // As the pipeline writes them: the explained server alerts before the rack alert, which the
    // datacenter twin holds for 30 s.
    produce(servers);
    produce(List.of(rack));
    awaitAlerts(this::oneActiveRackAndThirtyInhibited, "ToR incident");
    Thread.sleep(4_000); // several group_wait and group_interval: no other notification
    assertThat(notifications.toString(), firingNotifications(), hasSize(1));
    assertThat(
        firingNotifications()
            .get(0)
            .path("alerts")
            .get(0)
            .path("labels")
            .path("alertname")
            .asText(),
        equalTo("TOR_SWITCH"));

    // Restart both in the middle: the relay rebuilds its open set from the topic, the new
    // Alertmanager gets the alerts again.
    phase = "restart";
    stopRelay();
    stopAlertmanager();
    startAlertmanager();
    startRelay();
    awaitAlerts(this::oneActiveRackAndThirtyInhibited, "after the restart");

    phase = "recovery";
    // The rack incident resolves while 10 of its servers still lose packets: they must not page.
    List<Alert> resolved = new ArrayList<>();
    servers.subList(0, 20).forEach(server -> resolved.add(resolvedOf(server)));
    resolved.add(resolvedOf(rack));
    produce(resolved);
    Thread.sleep(3_000);
    assertThat(notifications.toString(), firingNotifications(), hasSize(1));
    resolved.clear();
    servers.subList(20, 30).forEach(server -> resolved.add(resolvedOf(server)));
    produce(resolved);
    awaitAlerts(JsonNode::isEmpty, "no alert after recovery");
    Thread.sleep(3_000);
    assertThat(alerts().toString(), alerts().size(), equalTo(0));
    assertThat(notifications.toString(), firingNotifications(), hasSize(1));
    assertThat(
        "every notification is of the rack",
        notifications.stream()
            .allMatch(n -> n.path("groupLabels").path("alertname").asText().equals("TOR_SWITCH")),
        equalTo(true));
  }

  @Test
  public void aDiskFailureInMaintenanceIsNotPostedAndTheSameAfterTheWindowPages() throws Exception {
    startRelay();
    Alert inWindow = serverAlert(5, IncidentType.DISK_FAILURE, null, true);
    Alert after = serverAlert(5, IncidentType.DISK_FAILURE, null, false);
    after =
        new Alert(
            Alert.incidentId(Level.SERVER, after.entity(), after.incidentType(), T0 + 7_200_000),
            AlertStatus.OPENED,
            Level.SERVER,
            after.entity(),
            "dc1",
            RACK,
            IncidentType.DISK_FAILURE,
            Severity.CRITICAL,
            T0 + 7_200_000,
            T0 + 7_200_000,
            null,
            null,
            "failedDevices 1",
            List.of(),
            false);
    produce(List.of(inWindow, resolvedOf(inWindow), after));
    String afterId = after.incidentId();
    JsonNode alerts =
        awaitAlerts(
            list ->
                list.size() == 1
                    && list.get(0).path("labels").path("incident_id").asText().equals(afterId),
            "only the disk failure after the window");
    assertThat(alerts.get(0).path("status").path("state").asText(), equalTo("active"));
    Thread.sleep(3_000);
    assertThat(firingNotifications(), hasSize(1));
    assertThat(
        firingNotifications()
            .get(0)
            .path("alerts")
            .get(0)
            .path("labels")
            .path("incident_id")
            .asText(),
        equalTo(afterId));
  }

  private boolean oneActiveRackAndThirtyInhibited(JsonNode alerts) {
    int active = 0;
    int inhibited = 0;
    for (JsonNode alert : alerts) {
      String level = alert.path("labels").path("level").asText();
      String state = alert.path("status").path("state").asText();
      if (level.equals("RACK") && state.equals("active")) {
        active++;
      } else if (level.equals("SERVER")
          && state.equals("suppressed")
          && alert.path("status").path("inhibitedBy").size() == 1) {
        inhibited++;
      }
    }
    return alerts.size() == 31 && active == 1 && inhibited == 30;
  }

  private List<JsonNode> firingNotifications() {
    return notifications.stream().filter(n -> n.path("status").asText().equals("firing")).toList();
  }

  private JsonNode awaitAlerts(Predicate<JsonNode> done, String what) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    JsonNode alerts = alerts();
    while (!done.test(alerts)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("Alertmanager did not reach: " + what + "\n" + alerts);
      }
      Thread.sleep(250);
      alerts = alerts();
    }
    return alerts;
  }

  /** Alertmanager's alerts, active, inhibited and silenced, not resolved. */
  private JsonNode alerts() throws Exception {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(
                        "http://127.0.0.1:"
                            + port
                            + "/api/v2/alerts?active=true&inhibited=true&silenced=true"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.body(), response.statusCode(), equalTo(200));
    return JSON.readTree(response.body());
  }

  private void produce(List<Alert> alerts) {
    WireCodec codec = WireCodec.withDefaults();
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      for (Alert alert : alerts) {
        producer.send(new ProducerRecord<>(topic, alert.id(), codec.encodeToString(alert)));
      }
      producer.flush();
    }
  }

  private static Alert rackAlert(AlertStatus status) {
    return new Alert(
        Alert.incidentId(Level.RACK, RACK, IncidentType.TOR_SWITCH, T0 + 20_000),
        status,
        Level.RACK,
        RACK,
        "dc1",
        RACK,
        IncidentType.TOR_SWITCH,
        Severity.CRITICAL,
        T0 + 20_000,
        T0 + 50_000,
        IncidentType.TOR_SWITCH,
        null,
        "30 of 40 servers lose packets or are silent");
  }

  private static Alert serverAlert(
      int server, IncidentType type, String explainedBy, boolean inMaintenance) {
    String id = String.format("%s-s%02d", RACK, server);
    return new Alert(
        Alert.incidentId(Level.SERVER, id, type, T0 + server * 100),
        AlertStatus.OPENED,
        Level.SERVER,
        id,
        "dc1",
        RACK,
        type,
        Severity.MAJOR,
        T0 + server * 100,
        T0 + 20_000,
        explainedBy == null ? null : IncidentType.TOR_SWITCH,
        explainedBy,
        "packets dropped",
        List.of(),
        inMaintenance);
  }

  private static Alert resolvedOf(Alert opened) {
    return new Alert(
        opened.incidentId(),
        AlertStatus.RESOLVED,
        opened.level(),
        opened.entity(),
        opened.datacenterId(),
        opened.rackId(),
        opened.incidentType(),
        opened.severity(),
        opened.openedAt(),
        opened.openedAt() + 600_000,
        opened.rootCause(),
        opened.explainedBy(),
        opened.context(),
        opened.evidence(),
        opened.inMaintenance());
  }

  private void startRelay() {
    relay =
        new AlertmanagerRelay(
            new KafkaClients(kafka.bootstrapServers(), null),
            topic,
            URI.create("http://127.0.0.1:" + port),
            Duration.ofSeconds(2),
            Duration.ofSeconds(30),
            "http://127.0.0.1/dctwin/incidents/");
    relayThread = new Thread(relay::run, "relay");
    relayThread.start();
  }

  private void stopRelay() throws InterruptedException {
    if (relay != null) {
      relay.close();
      relayThread.join(10_000);
      relay = null;
    }
  }

  private void startAlertmanager() throws Exception {
    alertmanager =
        new ProcessBuilder(
                BINARY.getPath(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
            .redirectErrorStream(true)
            .redirectOutput(
                ProcessBuilder.Redirect.appendTo(dir.resolve("alertmanager.log").toFile()))
            .start();
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (true) {
      try {
        HttpResponse<Void> ready =
            http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                HttpResponse.BodyHandlers.discarding());
        if (ready.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // starting
      }
      if (System.nanoTime() > deadline || !alertmanager.isAlive()) {
        throw new AssertionError(
            "Alertmanager did not start:\n" + Files.readString(dir.resolve("alertmanager.log")));
      }
      Thread.sleep(200);
    }
  }

  private void stopAlertmanager() throws InterruptedException {
    if (alertmanager != null) {
      alertmanager.destroy();
      if (!alertmanager.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        alertmanager.destroyForcibly().waitFor();
      }
      alertmanager = null;
    }
  }

  private static Path repo() {
    Path here = Paths.get("").toAbsolutePath();
    return Files.isDirectory(here.resolve("runner-configs")) ? here : here.getParent();
  }
}

package dev.dctwin.simulator.web;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricEvidence;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.WriteDeadLetters;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.view.ViewService;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebElement;

/**
 * The web view in Debian's headless Chromium against the state of a large fleet published to the
 * local Kafka broker: 10 datacenters of 100 racks of 40 servers render in under a second, and names
 * from messages are shown as text, never as markup.
 */
public class LargeFleetWebViewIT {
  static final Path SHOTS = Path.of("target", "web-view");
  private static final WireCodec CODEC = WireCodec.withDefaults();

  @Rule public TemporaryFolder folder = new TemporaryFolder();

  private final List<String> topics = new ArrayList<>();
  private LocalKafka kafka;

  @After
  public void deleteTopics() {
    if (kafka != null && !topics.isEmpty()) {
      kafka.deleteTopics(topics.toArray(String[]::new));
    }
  }

  /** Creates this test's topics: provisioning, alerts, dead-letters, metrics. */
  private String topicsOf(String test) {
    kafka = LocalKafka.require();
    String prefix =
        "dctwin-view-it-" + test + "-" + Long.toString(System.currentTimeMillis(), 36) + ".";
    for (String topic : List.of("provisioning", "alerts", "dead-letters", "metrics")) {
      topics.add(prefix + topic);
    }
    kafka.createTopics(1, topics.toArray(String[]::new));
    return prefix;
  }

  private ViewService startView(String prefix) {
    return startView(prefix, 0);
  }

  private ViewService startView(String prefix, int port) {
    return startView(new KafkaClients(kafka.bootstrapServers(), null), prefix, port);
  }

  /** The view of the topics {@code prefix*} on a port (0: any), once it has caught up. */
  static ViewService startView(KafkaClients clients, String prefix, int port) {
    ViewService view =
        ViewService.start(
            new ViewService.Settings(
                clients,
                new InetSocketAddress("127.0.0.1", port),
                prefix + "alerts",
                prefix + "provisioning",
                prefix + "dead-letters",
                List.of(prefix + "metrics"),
                prefix + "pipeline"));
    Chromium.await(
        "the view caught up with the topics",
        Duration.ofSeconds(120),
        view::caughtUp,
        () -> "still reading");
    return view;
  }

  @Test
  public void tenDatacentersOfAHundredRacksOfFortyServersRenderInUnderASecond() throws Exception {
    String prefix = topicsOf("large");
    long now = System.currentTimeMillis();
    List<Message> provisioning = new ArrayList<>();
    List<Alert> alerts = new ArrayList<>();
    for (int d = 1; d <= 10; d++) {
      String dc = "dc" + d;
      for (int r = 1; r <= 100; r++) {
        String rack = String.format(Locale.ROOT, "%s-r%03d", dc, r);
        for (int s = 1; s <= 40; s++) {
          String server = String.format(Locale.ROOT, "%s-s%02d", rack, s);
          provisioning.add(new CommissionServer(server, rack, dc, now - 3_600_000));
        }
        long opened = now - 600_000 + r * 1_000L;
        if (r % 33 == 0) { // three ToR failures per datacenter, each explaining 30 servers
          Alert tor = alert(Level.RACK, rack, dc, rack, IncidentType.TOR_SWITCH, opened, null);
          alerts.add(tor);
          for (int s = 1; s <= 30; s++) {
            String server = String.format(Locale.ROOT, "%s-s%02d", rack, s);
            alerts.add(
                alert(
                    Level.SERVER,
                    server,
                    dc,
                    rack,
                    s % 10 == 0 ? IncidentType.SERVER_SILENT : IncidentType.NIC_PACKET_LOSS,
                    opened - 20_000,
                    tor.incidentId()));
          }
        } else if (r % 5 == 0) { // a disk here and there
          alerts.add(
              alert(
                  Level.SERVER, rack + "-s07", dc, rack, IncidentType.DISK_FAILURE, opened, null));
        } else if (r % 7 == 0) {
          alerts.add(
              alert(Level.SERVER, rack + "-s11", dc, rack, IncidentType.THERMAL, opened, null));
        } else if (r % 11 == 0) {
          Alert anomaly =
              alert(
                  Level.SERVER, rack + "-s21", dc, rack, IncidentType.METRIC_ANOMALY, opened, null);
          alerts.add(
              new Alert(
                  anomaly.incidentId(),
                  anomaly.status(),
                  anomaly.level(),
                  anomaly.entity(),
                  anomaly.datacenterId(),
                  anomaly.rackId(),
                  anomaly.incidentType(),
                  anomaly.severity(),
                  anomaly.openedAt(),
                  anomaly.eventTime(),
                  null,
                  null,
                  "score 9.1 above its learned threshold 4.2",
                  List.of(new MetricEvidence("disk.timeRead", 41.5, 0.8)),
                  false));
        }
      }
      String maintained = dc + "-r052";
      provisioning.add(
          new MaintenanceWindow(
              Level.RACK,
              maintained,
              dc,
              null,
              now - 900_000,
              now + 2_700_000,
              "ToR firmware",
              "netops",
              now - 900_000));
      alerts.add(
          alert(
                  Level.SERVER,
                  maintained + "-s03",
                  dc,
                  maintained,
                  IncidentType.SERVER_SILENT,
                  now - 600_000,
                  null)
              .withInMaintenance(true));
    }
    // A resolved incident leaves its rack healthy.
    Alert resolvedDisk =
        alert(
            Level.SERVER,
            "dc1-r001-s01",
            "dc1",
            "dc1-r001",
            IncidentType.DISK_FAILURE,
            now - 900_000,
            null);
    alerts.add(resolvedDisk);
    alerts.add(resolved(resolvedDisk, now - 800_000));

    publish(prefix, provisioning, alerts);
    List<String> letters = new ArrayList<>();
    for (DeadLetterReason reason :
        List.of(
            DeadLetterReason.NOT_JSON,
            DeadLetterReason.NOT_JSON,
            DeadLetterReason.UNCOMMISSIONED)) {
      letters.add(
          WriteDeadLetters.toJson(
              DeadLetter.of(
                  "kafka:metrics", reason, "test", "{".getBytes(StandardCharsets.UTF_8), now)));
    }
    send(prefix + "dead-letters", letters);

    try (ViewService view = startView(prefix);
        Chromium chromium = Chromium.start(folder.newFolder("profile").toPath())) {
      chromium.driver().get(view.url().toString());
      Chromium.await(
          "the page's first frame",
          Duration.ofSeconds(30),
          () -> chromium.script("return window.dctwinView.firstFrameMs !== null").equals(true),
          () -> chromium.script("return JSON.stringify(window.dctwinView)"));
      @SuppressWarnings("unchecked")
      Map<String, Object> metrics =
          (Map<String, Object>) chromium.script("return window.dctwinView");
      double firstLoad = ((Number) metrics.get("firstLoadMs")).doubleValue();
      System.out.printf(
          Locale.ROOT,
          "web view, 10 x 100 x 40 fleet: %d racks, snapshot %,d bytes: fetched, parsed, rendered"
              + " and laid out in %.0f ms (rendering and layout %.0f ms); first frame %.0f ms after"
              + " navigation%n",
          ((Number) metrics.get("racks")).longValue(),
          ((Number) metrics.get("snapshotBytes")).longValue(),
          firstLoad,
          ((Number) metrics.get("lastRenderMs")).doubleValue(),
          ((Number) metrics.get("firstFrameMs")).doubleValue());
      assertEquals(1L, ((Number) metrics.get("renders")).longValue());
      assertEquals(1000L, ((Number) metrics.get("racks")).longValue());
      assertEquals(1000, chromium.driver().findElements(By.cssSelector(".rack")).size());
      assertThat(firstLoad, lessThan(1000.0));

      chromium.screenshot(SHOTS.resolve("large-fleet.png"));

      // What a person sees: ToR racks solid red with one rack incident, servers counted.
      WebElement tor = rack(chromium, "dc4", "dc4-r066");
      chromium.script("arguments[0].scrollIntoView({block: 'center'})", tor);
      assertEquals("CRITICAL", tor.getAttribute("data-severity"));
      assertTrue(tor.getAttribute("class"), tor.getAttribute("class").contains("own"));
      assertEquals("1", tor.getAttribute("data-rack-incidents"));
      assertEquals("▲1", tor.getAttribute("data-inc"));
      assertEquals("r066\n30/40", tor.getText());
      assertEquals(
          "rgb(211, 47, 47)",
          chromium.script("return getComputedStyle(arguments[0]).backgroundColor", tor));
      assertEquals("none", rack(chromium, "dc1", "dc1-r001").getAttribute("data-severity"));
      WebElement maintained = rack(chromium, "dc1", "dc1-r052");
      assertThat(maintained.getAttribute("class"), containsString("maint"));
      assertEquals("none", maintained.getAttribute("data-severity"));
      assertThat(
          chromium.driver().findElement(By.id("stat-dead")).getText(),
          containsString("3 (NOT_JSON 2, UNCOMMISSIONED 1)"));

      // Responsive: a rack's servers come up at once.
      long clicked = System.nanoTime();
      chromium.click(() -> rack(chromium, "dc4", "dc4-r066"));
      Chromium.await(
          "the rack's servers",
          Duration.ofSeconds(5),
          () ->
              chromium.driver().findElements(By.cssSelector("#detail .server-entry")).size() == 30,
          () -> chromium.driver().findElement(By.id("detail")).getText());
      double detailMs = (System.nanoTime() - clicked) / 1e6;
      assertEquals(
          30L,
          chromium.script(
              "return [...document.querySelectorAll('#detail .server')]"
                  + ".filter(e => e.dataset.severity !== 'none'"
                  + " && getComputedStyle(e).backgroundColor !== 'rgb(207, 233, 212)').length"));
      System.out.printf(
          Locale.ROOT, "web view: a rack's 40 servers shown %.0f ms after the click%n", detailMs);
      assertThat(detailMs, lessThan(1000.0));

      // Live: a new rack incident shows without a reload.
      chromium.script("window.dctwinNotReloaded = true");
      Alert fresh =
          alert(Level.RACK, "dc9-r012", "dc9", "dc9-r012", IncidentType.RACK_COOLING, now, null);
      long sent = System.nanoTime();
      send(prefix + "alerts", List.of(CODEC.encodeToString(fresh)));
      Chromium.await(
          "the new rack incident on the page",
          Duration.ofSeconds(10),
          () -> "CRITICAL".equals(severity(chromium, "dc9", "dc9-r012")),
          () -> severity(chromium, "dc9", "dc9-r012"));
      double liveMs = (System.nanoTime() - sent) / 1e6;
      System.out.printf(
          Locale.ROOT,
          "web view: a new alert shown %.0f ms after its send returned (re-render %.1f ms)%n",
          liveMs,
          ((Number) chromium.script("return window.dctwinView.lastLoadMs")).doubleValue());
      assertThat(liveMs, lessThan(2000.0));
      assertEquals(true, chromium.script("return window.dctwinNotReloaded === true"));
    }
  }

  @Test
  public void namesFromMessagesAreShownAsTextNeverAsMarkup() throws Exception {
    String prefix = topicsOf("xss");
    long now = System.currentTimeMillis();
    String server = "<script>alert(1)</script>";
    String rackId = "<img src=x onerror=alert(2)>";
    String dc = "dc<b>x</b>";
    Alert disk =
        alert(Level.SERVER, server, dc, rackId, IncidentType.DISK_FAILURE, now - 60_000, null);
    Alert withContext =
        new Alert(
            disk.incidentId(),
            disk.status(),
            disk.level(),
            disk.entity(),
            disk.datacenterId(),
            disk.rackId(),
            disk.incidentType(),
            disk.severity(),
            disk.openedAt(),
            disk.eventTime(),
            null,
            null,
            "<iframe src=javascript:alert(3)></iframe>",
            List.of(new MetricEvidence("<svg onload=alert(4)>", 1, 0)),
            false);
    publish(
        prefix,
        List.of(
            new CommissionServer(server, rackId, dc, now - 600_000),
            new MaintenanceWindow(
                Level.RACK,
                rackId,
                dc,
                null,
                now - 600_000,
                now + 600_000,
                "<b>why</b>",
                "<i>who</i>",
                now - 600_000)),
        List.of(withContext));

    try (ViewService view = startView(prefix);
        Chromium chromium = Chromium.start(folder.newFolder("profile").toPath())) {
      chromium.driver().get(view.url().toString());
      Chromium.await(
          "the rack",
          Duration.ofSeconds(30),
          () -> !chromium.driver().findElements(By.cssSelector(".rack")).isEmpty(),
          () -> chromium.driver().findElement(By.id("fleet")).getText());
      WebElement cell = chromium.driver().findElement(By.cssSelector(".rack"));
      assertEquals(rackId, cell.getAttribute("data-rack"));
      assertEquals(rackId + "\n1/1", cell.getText());
      assertEquals(dc, chromium.driver().findElement(By.cssSelector(".dc-head h2")).getText());
      cell.click();
      Chromium.await(
          "the server's incident",
          Duration.ofSeconds(10),
          () -> !chromium.driver().findElements(By.cssSelector("#detail .server-name")).isEmpty(),
          () -> chromium.driver().findElement(By.id("detail")).getText());
      assertEquals(
          server, chromium.driver().findElement(By.cssSelector("#detail .server-name")).getText());
      String detail = chromium.driver().findElement(By.id("detail")).getText();
      assertThat(detail, containsString("DISK_FAILURE on " + server));
      assertThat(detail, containsString("<iframe src=javascript:alert(3)></iframe>"));
      assertThat(detail, containsString("<b>why</b>, by <i>who</i>"));
      chromium.driver().findElement(By.cssSelector("#detail .server-entry .incident")).click();
      Chromium.await(
          "the incident's evidence",
          Duration.ofSeconds(10),
          () -> !chromium.driver().findElements(By.cssSelector("table.evidence td")).isEmpty(),
          () -> chromium.driver().findElement(By.id("detail")).getText());
      assertEquals(
          "<svg onload=alert(4)>",
          chromium.driver().findElement(By.cssSelector("table.evidence td")).getText());
      assertThat(
          chromium.driver().findElement(By.id("timeline")).getText(), containsString(server));
      chromium.screenshot(SHOTS.resolve("names-as-text.png"));

      // Nothing ran and nothing was parsed: no dialog, only the page's own script, no injected
      // element.
      assertThrows(NoAlertPresentException.class, () -> chromium.driver().switchTo().alert());
      assertEquals(1L, chromium.script("return document.scripts.length"));
      assertEquals(
          0L,
          chromium.script(
              "return document.querySelectorAll('img, iframe, svg, b, i, #fleet script').length"));
    }
  }

  @Test
  public void aPageFindsARestartedServiceAgainWithTheFullState() throws Exception {
    String prefix = topicsOf("restart");
    long now = System.currentTimeMillis();
    List<Message> fleet = new ArrayList<>();
    for (String rack : List.of("dc1-r01", "dc1-r02")) {
      for (int s = 1; s <= 4; s++) {
        fleet.add(new CommissionServer(rack + "-s0" + s, rack, "dc1", now - 600_000));
      }
    }
    publish(
        prefix,
        fleet,
        List.of(
            alert(
                Level.SERVER,
                "dc1-r01-s01",
                "dc1",
                "dc1-r01",
                IncidentType.DISK_FAILURE,
                now - 60_000,
                null)));
    ViewService first = startView(prefix);
    int port = first.url().getPort();
    try (Chromium chromium = Chromium.start(folder.newFolder("profile").toPath())) {
      chromium.driver().get(first.url().toString());
      Chromium.await(
          "the disk failure",
          Duration.ofSeconds(30),
          () -> "CRITICAL".equals(severity(chromium, "dc1", "dc1-r01")),
          () -> severity(chromium, "dc1", "dc1-r01"));
      chromium.script("window.dctwinNotReloaded = true");

      first.close();
      Chromium.await(
          "the page noticing the service is gone",
          Duration.ofSeconds(10),
          () -> chromium.driver().findElement(By.id("conn")).getText().equals("reconnecting"),
          () -> chromium.driver().findElement(By.id("conn")).getText());
      // A rack incident opens while the service is down: the page learns it from the restarted
      // service, which rebuilds its state from the topics.
      Alert tor =
          alert(
              Level.RACK, "dc1-r02", "dc1", "dc1-r02", IncidentType.TOR_SWITCH, now - 30_000, null);
      send(prefix + "alerts", List.of(CODEC.encodeToString(tor)));
      try (ViewService second = startView(prefix, port)) {
        Chromium.await(
            "the new incident after the reconnect",
            Duration.ofSeconds(30),
            () -> "CRITICAL".equals(severity(chromium, "dc1", "dc1-r02")),
            () -> chromium.driver().findElement(By.id("conn")).getText());
        assertEquals("CRITICAL", severity(chromium, "dc1", "dc1-r01"));
        assertEquals("live", chromium.driver().findElement(By.id("conn")).getText());
        assertEquals(true, chromium.script("return window.dctwinNotReloaded === true"));
      }
    } finally {
      first.close();
    }
  }

  /** The rack's cell, found in the page (one script, not a round trip per cell). */
  static WebElement rack(Chromium chromium, String dc, String rack) {
    Object cell =
        chromium.script(
            "return [...document.querySelectorAll('.rack')]"
                + ".find(e => e.dataset.dc === arguments[0] && e.dataset.rack === arguments[1])"
                + " || null",
            dc,
            rack);
    if (cell == null) {
      throw new AssertionError("no rack " + rack + " on the page");
    }
    return (WebElement) cell;
  }

  /** The severity the rack's cell shows, or null while it is not on the page. */
  static String severity(Chromium chromium, String dc, String rack) {
    return (String)
        chromium.script(
            "const cell = [...document.querySelectorAll('.rack')]"
                + ".find(e => e.dataset.dc === arguments[0] && e.dataset.rack === arguments[1]);"
                + " return cell ? cell.dataset.severity : null",
            dc,
            rack);
  }

  static Alert alert(
      Level level,
      String entity,
      String dc,
      String rack,
      IncidentType type,
      long openedAt,
      String explainedBy) {
    return new Alert(
        Alert.incidentId(level, entity, type, openedAt),
        AlertStatus.OPENED,
        level,
        entity,
        dc,
        rack,
        type,
        type.defaultSeverity(),
        openedAt,
        openedAt + 20_000,
        level == Level.SERVER ? null : type,
        explainedBy,
        level == Level.RACK ? "30 of 40 servers lose packets or are silent" : null);
  }

  private static Alert resolved(Alert alert, long at) {
    return new Alert(
        alert.incidentId(),
        AlertStatus.RESOLVED,
        alert.level(),
        alert.entity(),
        alert.datacenterId(),
        alert.rackId(),
        alert.incidentType(),
        alert.severity(),
        alert.openedAt(),
        at,
        alert.rootCause(),
        alert.explainedBy(),
        alert.context());
  }

  private void publish(String prefix, List<Message> provisioning, List<Alert> alerts)
      throws Exception {
    List<String> values = new ArrayList<>();
    provisioning.forEach(message -> values.add(CODEC.encodeToString(message)));
    send(prefix + "provisioning", values);
    values.clear();
    alerts.forEach(alert -> values.add(CODEC.encodeToString(alert)));
    send(prefix + "alerts", values);
  }

  private void send(String topic, List<String> values)
      throws InterruptedException, ExecutionException {
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      send(producer, topic, values);
    }
  }

  /** Sends the values and waits until the broker acknowledged every one. */
  static void send(KafkaProducer<String, String> producer, String topic, List<String> values)
      throws InterruptedException, ExecutionException {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (String value : values) {
      sent.add(producer.send(new ProducerRecord<>(topic, null, value)));
    }
    producer.flush();
    for (Future<RecordMetadata> result : sent) {
      result.get();
    }
  }
}

package dev.dctwin.simulator.web;

import static dev.dctwin.simulator.web.LargeFleetWebViewIT.alert;
import static dev.dctwin.simulator.web.LargeFleetWebViewIT.severity;
import static org.junit.Assert.assertEquals;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.Message;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.view.ViewService;
import dev.dctwin.simulator.local.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.After;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.openqa.selenium.By;

/**
 * The web view in headless Chromium while its Kafka broker restarts: the view keeps serving what it
 * knows, reads on when the broker is back, and the open page shows an alert committed after the
 * restart without a reload; a page opened afterwards shows the full state. The broker is a private
 * one of this test (restarting the shared broker would disturb the other tests).
 */
public class KafkaRestartWebViewIT {
  private static final WireCodec CODEC = WireCodec.withDefaults();
  private static final String PREFIX = "dctwin-view-restart.";

  @Rule public TemporaryFolder folder = new TemporaryFolder();

  private EmbeddedKafka kafka;

  @Before
  public void startKafka() {
    kafka = EmbeddedKafka.create().start();
    kafka.createTopics(
        1, PREFIX + "provisioning", PREFIX + "alerts", PREFIX + "dead-letters", PREFIX + "metrics");
  }

  @After
  public void stopKafka() {
    kafka.close();
  }

  @Test
  public void anOpenPageShowsAlertsCommittedAfterTheBrokerRestarted() throws Exception {
    long now = System.currentTimeMillis();
    List<String> fleet = new ArrayList<>();
    for (String rack : List.of("dc1-r01", "dc1-r02", "dc1-r03")) {
      for (int s = 1; s <= 4; s++) {
        Message commission = new CommissionServer(rack + "-s0" + s, rack, "dc1", now - 600_000);
        fleet.add(CODEC.encodeToString(commission));
      }
    }
    send(PREFIX + "provisioning", fleet);
    send(
        PREFIX + "alerts",
        List.of(
            CODEC.encodeToString(
                alert(
                    Level.SERVER,
                    "dc1-r01-s01",
                    "dc1",
                    "dc1-r01",
                    IncidentType.DISK_FAILURE,
                    now - 60_000,
                    null))));

    try (ViewService view = startView();
        Chromium chromium = Chromium.start(folder.newFolder("profile").toPath())) {
      chromium.driver().get(view.url().toString());
      Chromium.await(
          "the disk failure before the restart",
          Duration.ofSeconds(30),
          () -> "CRITICAL".equals(severity(chromium, "dc1", "dc1-r01")),
          () -> severity(chromium, "dc1", "dc1-r01"));
      chromium.script("window.dctwinNotReloaded = true");

      kafka.restart();
      // While the view's consumer finds the broker again, the page keeps what it showed.
      assertEquals("CRITICAL", severity(chromium, "dc1", "dc1-r01"));

      Alert tor =
          alert(Level.RACK, "dc1-r02", "dc1", "dc1-r02", IncidentType.TOR_SWITCH, now, null);
      send(PREFIX + "alerts", List.of(CODEC.encodeToString(tor)));
      Chromium.await(
          "the rack incident committed after the broker restarted",
          Duration.ofSeconds(60),
          () -> "CRITICAL".equals(severity(chromium, "dc1", "dc1-r02")),
          () -> chromium.driver().findElement(By.id("conn")).getText());
      assertEquals(true, chromium.script("return window.dctwinNotReloaded === true"));
      assertEquals("live", chromium.driver().findElement(By.id("conn")).getText());

      // A page opened now gets the full state from the view: both incidents, the healthy rack.
      chromium.driver().navigate().refresh();
      Chromium.await(
          "the full state in a new page",
          Duration.ofSeconds(30),
          () -> "CRITICAL".equals(severity(chromium, "dc1", "dc1-r02")),
          () -> severity(chromium, "dc1", "dc1-r02"));
      assertEquals("CRITICAL", severity(chromium, "dc1", "dc1-r01"));
      assertEquals("none", severity(chromium, "dc1", "dc1-r03"));
      chromium.screenshot(LargeFleetWebViewIT.SHOTS.resolve("after-kafka-restart.png"));
    }
  }

  private ViewService startView() {
    return LargeFleetWebViewIT.startView(
        new KafkaClients(kafka.bootstrapServers(), null), PREFIX, 0);
  }

  private void send(String topic, List<String> values) throws Exception {
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      LargeFleetWebViewIT.send(producer, topic, values);
    }
  }
}

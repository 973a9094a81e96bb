package dev.dctwin.simulator.web;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.matchesPattern;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.pipeline.io.JdbcOptions;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.SchemaMigrations;
import dev.dctwin.pipeline.io.Secret;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.testing.LocalServices;
import dev.dctwin.pipeline.view.ViewService;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.openqa.selenium.By;

/**
 * The web view with the local PostgreSQL's {@code server_status} table, in Debian's headless
 * Chromium: a rack's servers show their lifecycle, how long ago they last reported and whether
 * their baseline is ready, as text; a server that stopped reporting stands out; a changed row
 * reaches an open page without a reload; and when the table cannot be read the page says so and
 * keeps what it showed.
 */
public class ServerStatusWebViewIT {
  private static final WireCodec CODEC = WireCodec.withDefaults();
  private static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";
  private static final String DC = "dc1";
  private static final String RACK = "dc1-r01";
  private static final String MARKUP = RACK + "-<img src=x onerror=alert(1)>";
  private static final long HOUR = 3_600_000L;

  @Rule public TemporaryFolder folder = new TemporaryFolder();

  private final List<String> topics = new ArrayList<>();
  private LocalKafka kafka;
  private JdbcTarget database;

  @After
  public void cleanUp() throws SQLException {
    if (kafka != null && !topics.isEmpty()) {
      kafka.deleteTopics(topics.toArray(String[]::new));
    }
    if (database != null) {
      try (Connection connection = database.connect();
          Statement statement = connection.createStatement()) {
        statement.execute("DROP SCHEMA IF EXISTS " + database.schema() + " CASCADE");
      }
    }
  }

  @Test
  public void aRackShowsEachServersLastReportAndBaselineAndSurvivesAnOutage() throws Exception {
    LocalServices.require("PostgreSQL", LocalServices.POSTGRESQL);
    kafka = LocalKafka.require();
    String run = Long.toString(System.currentTimeMillis(), 36);
    String prefix = "dctwin-view-status-it-" + run + ".";
    for (String topic : List.of("provisioning", "alerts", "dead-letters", "metrics")) {
      topics.add(prefix + topic);
    }
    kafka.createTopics(1, topics.toArray(String[]::new));
    database =
        new JdbcTarget(
            POSTGRES,
            "postgres",
            new Secret(null, JdbcOptions.PASSWORD_ENV),
            "view_status_it_" + run,
            org.joda.time.Duration.standardSeconds(10));
    SchemaMigrations.apply(database);

    long now = System.currentTimeMillis();
    String reporting = RACK + "-s01";
    String learning = RACK + "-s02";
    String silent = RACK + "-s03";
    String gone = RACK + "-s04";
    String noRow = RACK + "-s05";
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      for (String server : List.of(reporting, learning, silent, gone, noRow, MARKUP)) {
        producer.send(
            new ProducerRecord<>(
                prefix + "provisioning",
                CODEC.encodeToString(new CommissionServer(server, RACK, DC, now - 5 * HOUR))));
      }
      producer.flush();
    }
    upsert(reporting, "COMMISSIONED", now - 12_000, true, null, now - 12_000);
    upsert(learning, "COMMISSIONED", now - 5_000, false, now + 3 * HOUR, now - 5_000);
    upsert(silent, "COMMISSIONED", now - 10 * 60_000, true, null, now - 10 * 60_000);
    upsert(gone, "GONE", now - 8 * 24 * HOUR, true, null, now - HOUR);
    upsert(MARKUP, "COMMISSIONED", now - 2_000, null, null, now - 2_000);

    try (ViewService view =
            ViewService.start(
                new ViewService.Settings(
                    new KafkaClients(kafka.bootstrapServers(), null),
                    new InetSocketAddress("127.0.0.1", 0),
                    prefix + "alerts",
                    prefix + "provisioning",
                    prefix + "dead-letters",
                    List.of(prefix + "metrics"),
                    prefix + "pipeline",
                    database));
        Chromium chromium = Chromium.start(folder.newFolder("profile").toPath())) {
      chromium.driver().get(view.url().toString());
      Chromium.await(
          "the rack",
          Duration.ofSeconds(60),
          () -> !chromium.driver().findElements(By.cssSelector(".rack")).isEmpty(),
          () -> chromium.driver().findElement(By.id("fleet")).getText());
      chromium.script("window.dctwinNotReloaded = true");
      chromium.click(() -> chromium.driver().findElement(By.cssSelector(".rack")));
      Chromium.await(
          "the servers' statuses from the database",
          Duration.ofSeconds(30),
          () ->
              statuses(chromium).size() == 6
                  && !status(chromium, reporting).get("baseline").isEmpty(),
          () -> chromium.driver().findElement(By.id("detail")).getText());

      Map<String, String> s01 = status(chromium, reporting);
      assertEquals(s01.toString(), "commissioned", s01.get("lifecycle"));
      assertThat(
          s01.toString(), s01.get("lastReport"), matchesPattern("last report [1-5][0-9] s ago"));
      assertEquals(s01.toString(), "ready", s01.get("baseline"));
      assertEquals(s01.toString(), "false", s01.get("stale"));

      Map<String, String> s02 = status(chromium, learning);
      assertEquals(s02.toString(), "learning, ready in ~3 h", s02.get("baseline"));
      assertThat(s02.toString(), s02.get("lastReport"), matchesPattern("last report [0-9]+ s ago"));

      Map<String, String> s03 = status(chromium, silent);
      assertEquals(s03.toString(), "true", s03.get("stale"));
      assertEquals(s03.toString(), "last report 10 min ago, not reporting", s03.get("lastReport"));
      assertEquals(
          "the silent server's cell stands out",
          Boolean.TRUE,
          chromium.script(
              "return [...document.querySelectorAll('#detail .server')]"
                  + ".find(e => e.dataset.server === arguments[0]).classList.contains('stale')",
              silent));

      Map<String, String> s04 = status(chromium, gone);
      assertEquals(s04.toString(), "gone", s04.get("lifecycle"));
      assertEquals(s04.toString(), "last report 192 h ago, not reporting", s04.get("lastReport"));

      Map<String, String> withoutRow = status(chromium, noRow);
      assertEquals(withoutRow.toString(), "no row", withoutRow.get("lifecycle"));
      assertEquals(withoutRow.toString(), "–", withoutRow.get("lastReport"));

      Map<String, String> markup = status(chromium, MARKUP);
      assertEquals(markup.toString(), MARKUP, markup.get("name"));
      assertEquals(markup.toString(), "no learned baseline", markup.get("baseline"));
      assertEquals(0L, chromium.script("return document.querySelectorAll('#detail img').length"));

      assertThat(
          chromium.driver().findElement(By.id("stat-db")).getText(), containsString("5 servers"));
      chromium.screenshot(LargeFleetWebViewIT.SHOTS.resolve("server-status.png"));

      // The learning server's baseline becomes ready: the open page shows it without a reload.
      long later = System.currentTimeMillis();
      upsert(learning, "COMMISSIONED", later, true, null, later);
      Chromium.await(
          "the new baseline on the open page",
          Duration.ofSeconds(15),
          () -> status(chromium, learning).get("baseline").equals("ready"),
          () -> status(chromium, learning));

      // The table cannot be read (as when the database is away): the header says so, the page
      // keeps what it showed.
      try (Connection connection = database.connect();
          Statement statement = connection.createStatement()) {
        statement.execute("ALTER TABLE " + database.table("server_status") + " RENAME TO away");
      }
      Chromium.await(
          "the header says the database is unreachable",
          Duration.ofSeconds(15),
          () ->
              chromium
                  .driver()
                  .findElement(By.id("stat-db"))
                  .getText()
                  .startsWith("unreachable since"),
          () -> chromium.driver().findElement(By.id("stat-db")).getText());
      chromium.click(() -> chromium.driver().findElement(By.cssSelector(".rack")));
      Chromium.await(
          "the rack says since when it shows old statuses",
          Duration.ofSeconds(15),
          () ->
              chromium
                  .driver()
                  .findElement(By.id("detail"))
                  .getText()
                  .contains("The database does not answer since"),
          () -> chromium.driver().findElement(By.id("detail")).getText());
      assertEquals("ready", status(chromium, reporting).get("baseline"));
      assertEquals("ready", status(chromium, learning).get("baseline"));

      try (Connection connection = database.connect();
          Statement statement = connection.createStatement()) {
        statement.execute("ALTER TABLE " + database.table("away") + " RENAME TO server_status");
      }
      Chromium.await(
          "the header says it answers again",
          Duration.ofSeconds(15),
          () -> chromium.driver().findElement(By.id("stat-db")).getText().equals("5 servers"),
          () -> chromium.driver().findElement(By.id("stat-db")).getText());
      assertTrue(
          "no reload", (Boolean) chromium.script("return window.dctwinNotReloaded === true"));
      Chromium.await(
          "the open rack no longer says the database does not answer",
          Duration.ofSeconds(10),
          () -> !chromium.driver().findElement(By.id("detail")).getText().contains("not answer"),
          () -> chromium.driver().findElement(By.id("detail")).getText());
    }
  }

  private void upsert(
      String server,
      String lifecycle,
      long lastReportAt,
      Boolean ready,
      Long expectedReadyAt,
      long changedAt)
      throws SQLException {
    try (Connection connection = database.connect();
        PreparedStatement statement =
            connection.prepareStatement(
                "INSERT INTO "
                    + database.table("server_status")
                    + " (server_id, rack_id, datacenter_id, lifecycle, open_incidents,"
                    + " incident_types, last_report_at, baseline_ready,"
                    + " baseline_expected_ready_at, changed_at) VALUES (?, ?, ?, ?, 0, '', ?, ?,"
                    + " ?, ?) ON CONFLICT (server_id) DO UPDATE SET lifecycle ="
                    + " EXCLUDED.lifecycle, last_report_at = EXCLUDED.last_report_at,"
                    + " baseline_ready = EXCLUDED.baseline_ready, baseline_expected_ready_at ="
                    + " EXCLUDED.baseline_expected_ready_at, changed_at = EXCLUDED.changed_at")) {
      statement.setString(1, server);
      statement.setString(2, RACK);
      statement.setString(3, DC);
      statement.setString(4, lifecycle);
      statement.setObject(5, time(lastReportAt));
      statement.setObject(6, ready);
      statement.setObject(7, expectedReadyAt == null ? null : time(expectedReadyAt));
      statement.setObject(8, time(changedAt));
      statement.executeUpdate();
    }
  }

  private static OffsetDateTime time(long epochMillis) {
    return OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC);
  }

  /** Each status row of the open rack, read in one script. */
  @SuppressWarnings("unchecked")
  private static List<Map<String, String>> statuses(Chromium chromium) {
    return (List<Map<String, String>>)
        chromium.script(
            "return [...document.querySelectorAll('#detail table.server-status tr[data-server]')]"
                + ".map(r => ({server: r.dataset.server,"
                + " name: r.querySelector('.server-name').textContent,"
                + " lifecycle: r.querySelector('.lifecycle').textContent,"
                + " lastReport: r.querySelector('.last-report').textContent,"
                + " baseline: r.querySelector('.baseline').textContent,"
                + " stale: String(r.classList.contains('stale'))}))");
  }

  private static Map<String, String> status(Chromium chromium, String server) {
    return statuses(chromium).stream()
        .filter(row -> row.get("server").equals(server))
        .findFirst()
        .orElse(Map.of("baseline", ""));
  }
}

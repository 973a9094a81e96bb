package dev.dctwin.simulator.demo;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.MessageType;
import dev.dctwin.simulator.local.TopicWatcher;
import dev.dctwin.simulator.web.Chromium;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

/**
 * The demo's pipeline with a ToR switch failure in rack dc1-r02 and a disk failure on dc1-r04-s07,
 * watched in the operator web view in Debian's headless Chromium as a person would: the failed rack
 * turns red with one rack incident, its servers' alerts are shown as explained by it, the disk
 * failure appears on its server, and both clear after recovery, all without a reload. The
 * screenshots land in {@code target/web-view/}; {@code demo-tor-failure.png} is the README's.
 */
public class DemoWebViewIT {
  private static final Path SHOTS = Path.of("target", "web-view");
  private static final String TOR_RACK = "dc1-r02";
  private static final String DISK_RACK = "dc1-r04";
  private static final String DISK_SERVER = "dc1-r04-s07";

  /** The page's colour of a healthy rack or server. */
  private static final String HEALTHY = "rgb(207, 233, 212)";

  private static final Pattern VIEW = Pattern.compile("view: +(http://\\S+)");
  private static final Pattern KAFKA = Pattern.compile("kafka: +(\\S+) \\(embedded");

  @Rule public TemporaryFolder folder = new TemporaryFolder();

  @Test
  public void anOperatorSeesTheTorAndDiskFailuresLiveAndTheirRecovery() throws Exception {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(captured, true, StandardCharsets.UTF_8);
    AtomicInteger exit = new AtomicInteger(-1);
    // 4 min of history (the twins' baselines), then the faults 20 s into the live part, for 2 min,
    // and a minute for the incidents to resolve.
    String[] flags = {
      "--database=none",
      "--view=127.0.0.1:0",
      "--history=4m",
      "--duration=3m30s",
      "--faults=TOR_SWITCH_FAILURE:"
          + TOR_RACK
          + "@4m20s+2m,DISK_FAILURE:"
          + DISK_SERVER
          + "@4m20s+2m",
      "--outDir=" + folder.newFolder("demo"),
    };
    Thread demo = new Thread(() -> exit.set(DemoCommand.run(flags, out)), "demo-under-test");
    demo.setDaemon(true);
    demo.start();

    String url = awaitLine(captured, VIEW, demo);
    String kafka = awaitLine(captured, KAFKA, demo);
    try (TopicWatcher alerts = new TopicWatcher(kafka, "dctwin.alerts", true);
        Chromium chromium = Chromium.start(folder.newFolder("profile").toPath())) {
      chromium.driver().get(url);
      Chromium.await(
          "the datacenter's four racks",
          Duration.ofSeconds(60),
          () -> chromium.driver().findElements(By.cssSelector(".rack")).size() == 4,
          () -> chromium.driver().findElement(By.id("fleet")).getText());
      chromium.script("window.dctwinNotReloaded = true");

      // The ToR failure: committed on the topic, then on the page within 2 s.
      Alert tor =
          awaitAlert(
              alerts, AlertStatus.OPENED, IncidentType.TOR_SWITCH, TOR_RACK, Duration.ofMinutes(5));
      long committedAt = receivedAt(alerts, tor);
      long shownAt = awaitShown(chromium, TOR_RACK, "CRITICAL", Duration.ofSeconds(10));
      System.out.printf(
          Locale.ROOT,
          "web view: the ToR incident on the page %d ms after a consumer read it committed%n",
          shownAt - committedAt);
      assertThat(shownAt - committedAt, lessThanOrEqualTo(2_000L));

      Map<String, Object> rack = rackState(chromium, TOR_RACK);
      assertEquals(rack.toString(), "1", rack.get("rackIncidents"));
      assertThat(rack.toString(), (String) rack.get("className"), containsString("own"));
      assertEquals(rack.toString(), "rgb(211, 47, 47)", rack.get("background"));
      chromium.click(() -> rack(chromium, TOR_RACK));
      Chromium.await(
          "the rack's incident and its servers' incidents explained by it",
          Duration.ofSeconds(30),
          () -> explainedServerIncidents(chromium, tor) >= 5,
          () -> chromium.driver().findElement(By.id("detail")).getText());
      // One script, so that a live re-render cannot come between the reads.
      @SuppressWarnings("unchecked")
      List<List<String>> shown =
          (List<List<String>>)
              chromium.script(
                  "return [[...document.querySelectorAll('#detail .rack-incidents .incident')]"
                      + ".map(e => e.textContent),"
                      + " [...document.querySelectorAll('#detail .server-entry .incident')]"
                      + ".map(e => (e.dataset.explainedBy || 'unexplained') + ' ' + e.textContent)]");
      assertEquals(shown.get(0).toString(), 1, shown.get(0).size());
      assertThat(shown.get(0).get(0), containsString("TOR_SWITCH on " + TOR_RACK));
      for (String incident : shown.get(1)) {
        assertThat(incident, startsWith(tor.incidentId() + " "));
        assertThat(incident, containsString("explained by TOR_SWITCH on " + TOR_RACK));
      }
      // The rack's servers, coloured as their incidents: pale, since the rack incident explains
      // them.
      @SuppressWarnings("unchecked")
      List<String> servers =
          (List<String>)
              chromium.script(
                  "return [...document.querySelectorAll('#detail .server')]"
                      + ".filter(e => e.dataset.severity !== 'none')"
                      + ".map(e => e.dataset.severity + ' ' + getComputedStyle(e).backgroundColor)");
      assertThat(servers.toString(), servers.size(), greaterThanOrEqualTo(5));
      for (String server : servers) {
        assertThat(server, not(containsString(HEALTHY)));
      }
      chromium.screenshot(SHOTS.resolve("demo-tor-failure.png"));

      // The disk failure, on its server, a page of its own.
      Alert disk =
          awaitAlert(
              alerts,
              AlertStatus.OPENED,
              IncidentType.DISK_FAILURE,
              DISK_SERVER,
              Duration.ofMinutes(3));
      awaitShown(chromium, DISK_RACK, "CRITICAL", Duration.ofSeconds(10));
      Map<String, Object> diskRack = rackState(chromium, DISK_RACK);
      assertEquals(diskRack.toString(), "1", diskRack.get("unhealthy"));
      assertEquals(diskRack.toString(), "0", diskRack.get("rackIncidents"));
      chromium.click(() -> rack(chromium, DISK_RACK));
      Chromium.await(
          "the disk failure on " + DISK_SERVER,
          Duration.ofSeconds(30),
          () -> serverEntryText(chromium, DISK_SERVER).contains("DISK_FAILURE on " + DISK_SERVER),
          () -> chromium.driver().findElement(By.id("detail")).getText());
      chromium.click(
          () ->
              chromium
                  .driver()
                  .findElement(
                      By.cssSelector(
                          "#detail .server-entry[data-server='" + DISK_SERVER + "'] .incident")));
      Chromium.await(
          "the disk incident's detail",
          Duration.ofSeconds(30),
          () ->
              chromium
                  .driver()
                  .findElement(By.id("detail"))
                  .getText()
                  .contains("nothing: this incident is a page of its own"),
          () -> chromium.driver().findElement(By.id("detail")).getText());
      chromium.screenshot(SHOTS.resolve("demo-disk-failure.png"));

      // Recovery: both clear, live.
      awaitAlert(
          alerts, AlertStatus.RESOLVED, IncidentType.TOR_SWITCH, TOR_RACK, Duration.ofMinutes(5));
      awaitAlert(
          alerts,
          AlertStatus.RESOLVED,
          IncidentType.DISK_FAILURE,
          DISK_SERVER,
          Duration.ofMinutes(3));
      awaitShown(chromium, TOR_RACK, "none", Duration.ofSeconds(10));
      awaitShown(chromium, DISK_RACK, "none", Duration.ofSeconds(10));
      Map<String, Object> recovered = rackState(chromium, TOR_RACK);
      assertEquals(recovered.toString(), "0", recovered.get("rackIncidents"));
      assertEquals(recovered.toString(), HEALTHY, recovered.get("background"));
      Chromium.await(
          "the resolved incident's detail",
          Duration.ofSeconds(10),
          () -> chromium.driver().findElement(By.id("detail")).getText().contains("resolved"),
          () -> chromium.driver().findElement(By.id("detail")).getText());
      for (Alert incident : List.of(tor, disk)) {
        assertEquals(
            "the timeline shows " + incident.incidentType() + " resolved",
            1L,
            chromium.script(
                "return [...document.querySelectorAll('#timeline li')].filter(e =>"
                    + " e.dataset.incident === arguments[0] && e.dataset.status === 'RESOLVED')"
                    + ".length",
                incident.incidentId()));
      }
      assertEquals(true, chromium.script("return window.dctwinNotReloaded === true"));
      chromium.screenshot(SHOTS.resolve("demo-recovered.png"));
    }
    demo.join(Duration.ofMinutes(6).toMillis());
    String output = captured.toString(StandardCharsets.UTF_8);
    assertEquals(output, 0, exit.get());
  }

  private static String awaitLine(ByteArrayOutputStream captured, Pattern pattern, Thread demo) {
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while (System.nanoTime() < deadline && demo.isAlive()) {
      Matcher m = pattern.matcher(captured.toString(StandardCharsets.UTF_8));
      if (m.find()) {
        return m.group(1);
      }
      sleep(200);
    }
    throw new AssertionError(
        "the demo printed no " + pattern + ": " + captured.toString(StandardCharsets.UTF_8));
  }

  /** The first alert of this status, type and entity on the topic. */
  private static Alert awaitAlert(
      TopicWatcher alerts, AlertStatus status, IncidentType type, String entity, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (TopicWatcher.Seen seen : alerts.seen()) {
        Alert alert = decode(seen.value());
        if (alert != null
            && alert.status() == status
            && alert.incidentType() == type
            && alert.entity().equals(entity)) {
          return alert;
        }
      }
      sleep(50);
    }
    throw new AssertionError("no " + status + " " + type + " of " + entity + " within " + timeout);
  }

  private static long receivedAt(TopicWatcher alerts, Alert alert) {
    for (TopicWatcher.Seen seen : alerts.seen()) {
      Alert read = decode(seen.value());
      if (read != null && read.id().equals(alert.id())) {
        return seen.receivedAtMs();
      }
    }
    throw new AssertionError("not read: " + alert);
  }

  private static Alert decode(String json) {
    try {
      return (Alert)
          WireCodec.withDefaults().decode(json.getBytes(StandardCharsets.UTF_8), MessageType.ALERT);
    } catch (InvalidMessageException e) {
      return null;
    }
  }

  /** Polls the page every 50 ms until the rack shows {@code severity}; returns the wall time. */
  private static long awaitShown(
      Chromium chromium, String rack, String severity, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    String shown = null;
    while (System.nanoTime() < deadline) {
      shown =
          (String)
              chromium.script(
                  "const cell = [...document.querySelectorAll('.rack')]"
                      + ".find(e => e.dataset.rack === arguments[0]);"
                      + " return cell ? cell.dataset.severity : null",
                  rack);
      if (severity.equals(shown)) {
        return System.currentTimeMillis();
      }
      sleep(50);
    }
    throw new AssertionError(
        rack + " is " + shown + ", not " + severity + ", " + timeout + " after the alert");
  }

  /** What the rack's cell shows, read in one script. */
  @SuppressWarnings("unchecked")
  private static Map<String, Object> rackState(Chromium chromium, String rack) {
    return (Map<String, Object>)
        chromium.script(
            "const e = [...document.querySelectorAll('.rack')].find(e => e.dataset.rack ="
                + "== arguments[0]);"
                + " return {severity: e.dataset.severity, rackIncidents: e.dataset.rackIncidents,"
                + " unhealthy: e.dataset.unhealthy, className: e.className,"
                + " background: getComputedStyle(e).backgroundColor}",
            rack);
  }

  private static WebElement rack(Chromium chromium, String rack) {
    return (WebElement)
        chromium.script(
            "return [...document.querySelectorAll('.rack')].find(e => e.dataset.rack ="
                + "== arguments[0])",
            rack);
  }

  private static long explainedServerIncidents(Chromium chromium, Alert tor) {
    return ((Number)
            chromium.script(
                "return [...document.querySelectorAll('#detail .server-entry .incident')]"
                    + ".filter(e => e.dataset.explainedBy === arguments[0]"
                    + " && e.textContent.includes('explained by TOR_SWITCH on ' + arguments[1]))"
                    + ".length",
                tor.incidentId(),
                TOR_RACK))
        .longValue();
  }

  private static String serverEntryText(Chromium chromium, String server) {
    Object text =
        chromium.script(
            "const entry = [...document.querySelectorAll('#detail .server-entry')]"
                + ".find(e => e.dataset.server === arguments[0]);"
                + " return entry ? entry.textContent : ''",
            server);
    return text == null ? "" : text.toString();
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted");
    }
  }
}

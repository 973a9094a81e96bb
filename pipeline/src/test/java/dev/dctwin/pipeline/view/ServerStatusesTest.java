package dev.dctwin.pipeline.view;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The view's copy of server_status: which row wins, what a full scan drops, what the page gets. */
@RunWith(JUnit4.class)
public class ServerStatusesTest {
  static ServerStatus row(String server, String lifecycle, Long lastReportAt, long changedAt) {
    return new ServerStatus(
        server,
        "dc1-r01",
        "dc1",
        lifecycle,
        0,
        "",
        lastReportAt,
        Boolean.FALSE,
        lastReportAt == null ? null : lastReportAt + 3 * 3_600_000L,
        changedAt);
  }

  @Test
  public void aRowReplacesTheStoredOneUnlessThatIsNewer() {
    ServerStatuses statuses = new ServerStatuses(true);
    assertEquals(1, statuses.merge(List.of(row("s1", "COMMISSIONED", 1_000L, 1_000))));
    assertEquals(1, statuses.merge(List.of(row("s1", "COMMISSIONED", 61_000L, 61_000))));
    assertEquals(61_000L, (long) statuses.get("s1").lastReportAt());

    // A late, older row (a lookback poll, a retried batch) does not take the server back in time.
    assertEquals(0, statuses.merge(List.of(row("s1", "COMMISSIONED", 1_000L, 1_000))));
    assertEquals(61_000L, (long) statuses.get("s1").lastReportAt());

    // The same row read again by the next poll's lookback is no change.
    assertEquals(0, statuses.merge(List.of(row("s1", "COMMISSIONED", 61_000L, 61_000))));

    // Of two rows with the same changed_at, the one read last wins, as in the table.
    assertEquals(1, statuses.merge(List.of(row("s1", "GONE", 61_000L, 61_000))));
    assertEquals("GONE", statuses.get("s1").lifecycle());
  }

  @Test
  public void aFullScanDropsServersTheTableNoLongerHolds() {
    ServerStatuses statuses = new ServerStatuses(true);
    statuses.merge(
        List.of(row("s1", "COMMISSIONED", 1_000L, 1_000), row("s2", "DECOMMISSIONED", 2L, 2)));
    assertEquals(
        "s2 dropped, s1 unchanged, s3 added",
        2,
        statuses.replaceAll(
            List.of(row("s1", "COMMISSIONED", 1_000L, 1_000), row("s3", "COMMISSIONED", null, 5))));
    assertNull(statuses.get("s2"));
    assertEquals(2, statuses.size());
  }

  @Test
  public void anOutageKeepsTheRowsAndSaysSinceWhen() {
    ServerStatuses statuses = new ServerStatuses(true);
    JsonNode before = statuses.stats();
    assertFalse("not reachable before it answered once", before.get("reachable").asBoolean());
    assertEquals(-1, before.get("polledAt").asLong());

    statuses.merge(List.of(row("s1", "COMMISSIONED", 1_000L, 1_000)));
    assertFalse(statuses.answered(10_000));
    assertTrue(statuses.stats().get("reachable").asBoolean());

    assertTrue("the outage starts", statuses.unreachable(13_000));
    assertFalse("and goes on", statuses.unreachable(16_000));
    JsonNode during = statuses.stats();
    assertFalse(during.get("reachable").asBoolean());
    assertEquals(13_000, during.get("unreachableSince").asLong());
    assertEquals(10_000, during.get("polledAt").asLong());
    assertEquals(1, during.get("servers").asInt());
    assertEquals(1_000L, (long) statuses.get("s1").lastReportAt());

    assertTrue("the outage ends", statuses.answered(19_000));
    assertTrue(statuses.stats().get("reachable").asBoolean());
    assertEquals(-1, statuses.stats().get("unreachableSince").asLong());
  }

  @Test
  public void withoutADatabaseTheStatsSayNotConfigured() {
    JsonNode stats = new ServerStatuses(false).stats();
    assertFalse(stats.get("configured").asBoolean());
    assertFalse(stats.has("reachable"));
  }

  @Test
  public void eachServerOfARackGetsItsRowAsData() {
    ServerStatuses statuses = new ServerStatuses(true);
    String markup = "<img src=x onerror=alert(1)>";
    statuses.merge(
        List.of(
            new ServerStatus(
                "s1", "dc1-r01", "dc1", "COMMISSIONED", 1, markup, 5_000L, null, null, 6_000),
            row("s2", "COMMISSIONED", 7_000L, 7_000)));
    ArrayNode servers = JsonNodeFactory.instance.arrayNode();
    servers.addObject().put("id", "s1");
    servers.addObject().put("id", "s2");
    servers.addObject().put("id", "s3");
    statuses.describe(servers);

    JsonNode s1 = servers.get(0).get("status");
    assertEquals("COMMISSIONED", s1.get("lifecycle").asText());
    assertEquals(5_000, s1.get("lastReportAt").asLong());
    assertTrue("no learned baseline", s1.get("baselineReady").isNull());
    assertEquals(markup, s1.get("incidentTypes").asText());
    JsonNode s2 = servers.get(1).get("status");
    assertFalse(s2.get("baselineReady").asBoolean());
    assertEquals(7_000 + 3 * 3_600_000L, s2.get("baselineExpectedReadyAt").asLong());
    assertFalse("no row, no status", servers.get(2).has("status"));
  }
}

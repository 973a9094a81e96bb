package dev.dctwin.pipeline.view;

import static dev.dctwin.pipeline.view.ServerStatusesTest.row;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertTrue;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The poller against an in-memory table: what it asks for (everything, or the rows changed since
 * the newest it read less the lookback), what it keeps through an outage, and that it reads
 * everything again after one.
 */
@RunWith(JUnit4.class)
public class ServerStatusPollerTest {
  /** A table in memory that records the {@code since} of every read and fails when told. */
  private static final class FakeTable implements ServerStatusPoller.Source {
    final List<ServerStatus> rows = new ArrayList<>();
    final List<Long> reads = new ArrayList<>();
    boolean down;

    @Override
    public List<ServerStatus> read(Long since) throws SQLException {
      reads.add(since);
      if (down) {
        throw new SQLException("Connection refused", "08001");
      }
      return rows.stream().filter(row -> since == null || row.changedAt() >= since).toList();
    }

    @Override
    public String describe() {
      return "fake";
    }

    void upsert(ServerStatus row) {
      rows.removeIf(stored -> stored.serverId().equals(row.serverId()));
      rows.add(row);
    }
  }

  private final FakeTable table = new FakeTable();
  private final ServerStatuses statuses = new ServerStatuses(true);
  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final ServerStatusPoller poller =
      new ServerStatusPoller(table, statuses, new Object(), clock::get);

  private ServerStatusPoller.Outcome pollAfter(long ms) {
    clock.addAndGet(ms);
    return poller.poll();
  }

  @Test
  public void readsEverythingFirstThenWhatChangedSinceTheNewestLessTheLookback() {
    table.upsert(row("s1", "COMMISSIONED", 990_000L, 990_000));
    table.upsert(row("s2", "COMMISSIONED", 995_000L, 995_000));
    ServerStatusPoller.Outcome first = poller.poll();
    assertTrue(first.fullScan());
    assertEquals(2, first.changed());
    assertNull(table.reads.get(0));

    table.upsert(row("s1", "COMMISSIONED", 1_001_000L, 1_001_000));
    ServerStatusPoller.Outcome second = pollAfter(3_000);
    assertFalse(second.fullScan());
    assertEquals(995_000 - ServerStatusPoller.LOOKBACK.toMillis(), (long) table.reads.get(1));
    assertEquals("s1 changed; s2, read again, did not", 1, second.changed());
    assertEquals(1_001_000L, (long) statuses.get("s1").lastReportAt());

    // A row stamped in the future does not carry the cursor past the rows still to come.
    table.upsert(row("s2", "COMMISSIONED", 9_000_000L, 9_000_000));
    pollAfter(3_000);
    pollAfter(3_000);
    assertEquals(clock.get() - ServerStatusPoller.LOOKBACK.toMillis(), (long) table.reads.get(3));
  }

  @Test
  public void aRowLandingLaterThanTheLookbackIsReadByTheNextFullScan() {
    table.upsert(row("s1", "COMMISSIONED", 1_000_000L, 1_000_000));
    poller.poll();
    // A pipeline catching up writes a row stamped long before the newest one read.
    table.upsert(row("s2", "COMMISSIONED", 900_000L, 900_000));
    pollAfter(3_000);
    assertNull("not in the lookback", statuses.get("s2"));
    long untilFullScan = ServerStatusPoller.FULL_SCAN_EVERY.toMillis();
    ServerStatusPoller.Outcome scan = pollAfter(untilFullScan);
    assertTrue(scan.fullScan());
    assertEquals(900_000L, (long) statuses.get("s2").lastReportAt());
  }

  @Test
  public void anOutageKeepsTheLastStateAndEndsWithAFullScan() {
    table.upsert(row("s1", "COMMISSIONED", 1_000_000L, 1_000_000));
    poller.poll();

    table.down = true;
    ServerStatusPoller.Outcome failed = pollAfter(3_000);
    assertFalse(failed.answered());
    assertTrue("the outage starts: logged, the pages told", failed.reachabilityChanged());
    assertFalse("once per outage", pollAfter(3_000).reachabilityChanged());
    assertEquals(1_000_000L, (long) statuses.get("s1").lastReportAt());
    assertFalse(statuses.stats().get("reachable").asBoolean());
    assertEquals(clock.get() - 3_000, statuses.stats().get("unreachableSince").asLong());

    table.down = false;
    table.upsert(row("s1", "GONE", 1_000_000L, 1_006_000));
    ServerStatusPoller.Outcome back = pollAfter(3_000);
    assertTrue(back.answered());
    assertTrue(back.reachabilityChanged());
    assertTrue("everything again after an outage", back.fullScan());
    assertEquals("GONE", statuses.get("s1").lifecycle());
    assertTrue(statuses.stats().get("reachable").asBoolean());
  }

  @Test
  public void aDatabaseThatNeverAnsweredIsUnreachableWithNothingShown() {
    table.down = true;
    ServerStatusPoller.Outcome failed = poller.poll();
    assertTrue(failed.reachabilityChanged());
    assertEquals(0, statuses.size());
    assertEquals(-1, statuses.stats().get("polledAt").asLong());
  }
}

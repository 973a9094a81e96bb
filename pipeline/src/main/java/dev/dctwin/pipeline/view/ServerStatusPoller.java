package dev.dctwin.pipeline.view;

import java.time.Duration;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code server_status} into {@link ServerStatuses}, one poll at a time (the caller schedules
 * {@link #poll()} every {@link #POLL_EVERY}): the whole table every {@link #FULL_SCAN_EVERY} and
 * after an outage, in between only the rows whose {@code changed_at} is at most {@link #LOOKBACK}
 * older than the newest one read. Why both: {@code pipeline/VIEW.md}.
 *
 * <p>A failed poll keeps the last rows, marks the database unreachable and logs once per outage.
 */
final class ServerStatusPoller {
  private static final Logger LOG = LoggerFactory.getLogger(ServerStatusPoller.class);

  static final Duration POLL_EVERY = Duration.ofSeconds(3);
  static final Duration FULL_SCAN_EVERY = Duration.ofSeconds(60);

  /**
   * {@code changed_at} is event time, and rows land in the table out of that order (the twins'
   * timers, the sink's batches): an incremental poll reads back this far before the newest row
   * read. A row that lands later than that is read by the next full scan.
   */
  static final Duration LOOKBACK = Duration.ofSeconds(30);

  /** Where the rows come from: the table, or a fake in tests. */
  interface Source {
    /** The rows whose {@code changed_at} is at or after {@code since}; all when null. */
    List<ServerStatus> read(Long since) throws Exception;

    /** What to call it in the log: never with credentials. */
    String describe();
  }

  /** What a poll did, for the caller (events to the pages) and the tests. */
  record Outcome(boolean fullScan, boolean answered, int changed, boolean reachabilityChanged) {}

  private final Source source;
  private final ServerStatuses statuses;
  private final Object lock;
  private final LongSupplier clock;
  private long newestChangedAt = Long.MIN_VALUE;
  private long fullScanAt;
  private boolean fullScanDue = true;

  /**
   * @param lock held around every access to {@code statuses}
   */
  ServerStatusPoller(Source source, ServerStatuses statuses, Object lock, LongSupplier clock) {
    this.source = source;
    this.statuses = statuses;
    this.lock = lock;
    this.clock = clock;
  }

  /** One poll; never throws (a scheduled task that throws is not run again). */
  Outcome poll() {
    long now = clock.getAsLong();
    boolean full =
        fullScanDue
            || newestChangedAt == Long.MIN_VALUE
            || now - fullScanAt >= FULL_SCAN_EVERY.toMillis();
    // A row stamped in the future (a device's clock) must not move the cursor past the rows to
    // come: it reads back from now at the latest.
    Long since = full ? null : Math.min(newestChangedAt, now) - LOOKBACK.toMillis();
    List<ServerStatus> rows;
    try {
      rows = source.read(since);
    } catch (Exception e) {
      boolean outage;
      synchronized (lock) {
        outage = statuses.unreachable(now);
      }
      if (outage) {
        LOG.warn(
            "view: cannot read server_status from {} ({}); keeping the last {} statuses,"
                + " retrying every {} s",
            source.describe(),
            firstLine(e),
            size(),
            POLL_EVERY.toSeconds());
      }
      fullScanDue = true; // read everything once it answers again
      return new Outcome(full, false, 0, outage);
    }
    int changed;
    boolean recovered;
    synchronized (lock) {
      changed = full ? statuses.replaceAll(rows) : statuses.merge(rows);
      recovered = statuses.answered(now);
    }
    if (recovered) {
      LOG.info("view: server_status answers again ({} rows)", rows.size());
    }
    if (full) {
      fullScanAt = now;
      fullScanDue = false;
    }
    for (ServerStatus row : rows) {
      newestChangedAt = Math.max(newestChangedAt, row.changedAt());
    }
    return new Outcome(full, true, changed, recovered);
  }

  /** One log line per outage: PostgreSQL's messages go on with a "Position:" line. */
  private static String firstLine(Exception e) {
    return e.toString().lines().findFirst().orElse("").strip();
  }

  private int size() {
    synchronized (lock) {
      return statuses.size();
    }
  }
}

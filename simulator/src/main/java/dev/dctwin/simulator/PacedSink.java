package dev.dctwin.simulator;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Hands every message to all of its sinks, no faster than {@code rate} messages per second and
 * event time running {@code speed} times as fast as real time (0 for either: no limit), and shows
 * the progress on a status line when asked.
 */
final class PacedSink implements MessageSink {
  private static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);
  private static final long MIN_SLEEP_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

  private final List<MessageSink> sinks;
  private final double rate;
  private final double speed;
  private final PrintWriter progress;
  private final String label;

  private long startNanos = -1;
  private long firstEventTime;
  private long sent;
  private long lastReportNanos;
  private long sentAtLastReport;
  private long lastEventTime;

  /**
   * @param progress where the status line goes, or null for none
   */
  PacedSink(
      List<MessageSink> sinks, double rate, double speed, PrintWriter progress, String label) {
    if (rate < 0 || speed < 0) {
      throw new IllegalArgumentException("--rate and --speed must not be negative");
    }
    this.sinks = List.copyOf(sinks);
    this.rate = rate;
    this.speed = speed;
    this.progress = progress;
    this.label = label;
  }

  @Override
  public void send(Topic topic, String key, long eventTime, String json) throws IOException {
    long now = System.nanoTime();
    if (startNanos < 0) {
      startNanos = now;
      lastReportNanos = now;
      firstEventTime = eventTime;
    }
    long due = startNanos;
    if (rate > 0) {
      due = Math.max(due, startNanos + (long) (sent * SECOND_NANOS / rate));
    }
    if (speed > 0) {
      due =
          Math.max(
              due,
              startNanos
                  + (long)
                      ((eventTime - firstEventTime) * TimeUnit.MILLISECONDS.toNanos(1) / speed));
    }
    // Sleeping below a millisecond is not precise; such small debts are paid with the next one.
    if (due - now >= MIN_SLEEP_NANOS) {
      LockSupport.parkNanos(due - now);
      now = System.nanoTime();
    }
    for (MessageSink sink : sinks) {
      sink.send(topic, key, eventTime, json);
    }
    sent++;
    lastEventTime = eventTime;
    if (progress != null && now - lastReportNanos >= SECOND_NANOS) {
      report(now);
    }
  }

  private void report(long now) {
    double perSecond = (sent - sentAtLastReport) * (double) SECOND_NANOS / (now - lastReportNanos);
    progress.printf(
        Locale.ROOT,
        "\r%s: %,d messages, %,.0f msg/s, event time %s   ",
        label,
        sent,
        perSecond,
        Instant.ofEpochMilli(lastEventTime));
    progress.flush();
    lastReportNanos = now;
    sentAtLastReport = sent;
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (MessageSink sink : sinks) {
      try {
        sink.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (progress != null && startNanos >= 0) {
      long now = System.nanoTime();
      double seconds = Math.max(1e-9, (now - startNanos) / (double) SECOND_NANOS);
      progress.printf(
          Locale.ROOT,
          "\r%s: %,d messages in %.1f s, %,.0f msg/s%n",
          label,
          sent,
          seconds,
          sent / seconds);
      progress.flush();
    }
    if (first != null) {
      throw first;
    }
  }
}

package dev.dctwin.pipeline.io;

/**
 * When {@link WriteToJdbc} tries an unreachable database again: after {@code first}, doubling per
 * failed attempt, never longer than {@code longest}. As a circuit, it also tells a writer whether
 * to try at all: after a failure, rows skip the database until the wait is over, and the first
 * failure of a run of them is the start of an outage (logged once, not per row or per retry). Plain
 * Java, with the time passed in, so that it is tested without waiting.
 */
final class OutageBackoff {
  private final long firstMs;
  private final long longestMs;
  private boolean down;
  private int failures;
  private long retryAtMs;

  OutageBackoff(long firstMs, long longestMs) {
    this.firstMs = firstMs;
    this.longestMs = longestMs;
  }

  /** The wait after {@code failures} failed attempts in a row (1 or more). */
  long delayAfter(int failures) {
    long delay = firstMs;
    for (int i = 1; i < failures && delay < longestMs; i++) {
      delay *= 2;
    }
    return Math.min(delay, longestMs);
  }

  /** Whether a write may touch the database now: no outage, or its wait is over. */
  boolean mayTry(long nowMs) {
    return !down || nowMs >= retryAtMs;
  }

  /** Records a failed attempt; true when it starts an outage. */
  boolean failed(long nowMs) {
    boolean starts = !down;
    down = true;
    failures++;
    retryAtMs = nowMs + delayAfter(failures);
    return starts;
  }

  /** Records a successful attempt; true when it ends an outage. */
  boolean succeeded() {
    boolean ends = down;
    down = false;
    failures = 0;
    return ends;
  }

  boolean down() {
    return down;
  }
}

package dev.dctwin.testing;

/**
 * One line of the state benchmark: what one stateful DoFn kept during a flood of distinct keys and
 * what it left once event time had passed them (STATE-BENCH.md beside this class).
 *
 * @param flood what was sent
 * @param stage the DoFn measured
 * @param keys distinct keys sent (servers, hosts, join keys)
 * @param complete whether every input of the flood was processed before the time limit
 * @param peakKeys the most keys with state seen during the flood
 * @param peakBytes the bytes of state at that moment (see {@link KeyedDoFnHarness#stateBytes()})
 * @param peakKeysBound the most keys the stage may hold during the flood, or {@code -1} for no
 *     bound
 * @param leftKeys keys with state once event time has passed the flood
 * @param leftBytes their bytes
 * @param leftTimers timers still set then
 * @param bound what may be left (nothing once event time passed), for the table
 * @param outputs the outputs that show the flood went through, for the table
 * @param outputsOk whether they are the expected ones
 */
public record StateLine(
    String flood,
    String stage,
    long keys,
    boolean complete,
    long peakKeys,
    long peakBytes,
    long peakKeysBound,
    long leftKeys,
    long leftBytes,
    long leftTimers,
    String bound,
    String outputs,
    boolean outputsOk) {

  public enum Verdict {
    PASS,
    FAIL,
    INVALID
  }

  /**
   * INVALID when the flood did not complete; PASS when no key, byte or timer is left, the peak is
   * within its bound and the outputs are as expected; FAIL otherwise.
   */
  public Verdict verdict() {
    if (!complete) {
      return Verdict.INVALID;
    }
    boolean left = leftTimers == 0 && leftKeys == 0 && leftBytes == 0;
    boolean peak = peakKeysBound < 0 || peakKeys <= peakKeysBound;
    return left && peak && outputsOk ? Verdict.PASS : Verdict.FAIL;
  }

  /** Bytes per key with state at the peak, 0 without any. */
  public long bytesPerKey() {
    return peakKeys == 0 ? 0 : Math.round((double) peakBytes / peakKeys);
  }

  /** The state of a harness now: keys, bytes, timers. */
  public record Snapshot(long keys, long bytes, long timers) {
    public static Snapshot of(KeyedDoFnHarness<?, ?, ?> harness) {
      return new Snapshot(harness.keysWithState(), harness.stateBytes(), harness.pendingTimers());
    }

    /** The larger of the two by keys. */
    public Snapshot max(Snapshot other) {
      return other.keys > keys ? other : this;
    }
  }
}

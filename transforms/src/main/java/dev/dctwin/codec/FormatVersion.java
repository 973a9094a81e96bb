package dev.dctwin.codec;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The format version that starts every encoding dctwin keeps in Beam state or a checkpoint: one
 * byte, written before the value and checked before anything else is read. State outlives the code
 * that wrote it, so a build reads its own version and every older one it still has a reader of, and
 * rejects any other with an error naming the state, the version found and the versions it reads,
 * instead of misreading the bytes. How to add a version: {@code transforms/STATE-VERSIONS.md}.
 *
 * <p>Keep it a constant of the class that encodes, never a field of a coder instance: a Flink
 * savepoint stores each state's coder Java-serialized, and a restore reads the state with that old
 * instance. Plain Java, no Beam: the models use it too.
 */
public final class FormatVersion {
  private final String state;
  private final int current;
  private final int[] readable;

  private FormatVersion(String state, int current, int[] readable) {
    this.state = state;
    this.current = current;
    this.readable = readable;
  }

  /**
   * The format of {@code state}: written at {@code current}, read at {@code current} and at each of
   * {@code older}, for which the state has a reader.
   */
  public static FormatVersion of(String state, int current, int... older) {
    int[] readable = Arrays.copyOf(older, older.length + 1);
    readable[older.length] = current;
    Arrays.sort(readable);
    for (int i = 0; i < readable.length; i++) {
      if (readable[i] < 1 || readable[i] > 255 || (i > 0 && readable[i] == readable[i - 1])) {
        throw new IllegalArgumentException(
            state + ": versions must be distinct and in 1..255: " + Arrays.toString(readable));
      }
    }
    if (current != readable[readable.length - 1]) {
      throw new IllegalArgumentException(
          state + ": the current version " + current + " must be the newest");
    }
    return new FormatVersion(state, current, readable);
  }

  /** What is encoded, for messages. */
  public String state() {
    return state;
  }

  /** The version written. */
  public int current() {
    return current;
  }

  public void write(OutputStream out) throws IOException {
    out.write(current);
  }

  public boolean reads(int version) {
    return Arrays.binarySearch(readable, version) >= 0;
  }

  /** {@code found} if this build reads it; else {@link IllegalArgumentException}. */
  public int check(int found) {
    if (!reads(found)) {
      throw new IllegalArgumentException(unknown(found));
    }
    return found;
  }

  /** Why {@code found} cannot be read: the state, the version found and the versions read. */
  public String unknown(int found) {
    return state
        + ": unknown format version "
        + found
        + "; this build reads "
        + (readable.length == 1 ? "version " : "versions ")
        + Arrays.stream(readable).mapToObj(Integer::toString).collect(Collectors.joining(", "))
        + (found > current
            ? " (written by a newer build, or not a "
            : " (written by an older build whose reader is gone, or not a ")
        + state
        + ")";
  }

  @Override
  public String toString() {
    return state + " v" + current;
  }
}

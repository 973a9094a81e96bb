package dev.dctwin.golden;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * Pins the bytes of a stored encoding to a committed file, {@code
 * src/test/resources/golden/<state>.v<version>.bin} of the module under test. Beam state and
 * checkpoints outlive the code that wrote them, so a change of an encoding must come with a new
 * version and a reader of the old one; this makes the build fail until it does.
 *
 * <p>A file that does not exist yet is written (run the test once and commit the file); set {@code
 * -Ddctwin.golden.rewrite=true} only when a new version is added, never to make a failure go away.
 */
public final class GoldenBytes {
  private static final Path DIR = Paths.get("src", "test", "resources", "golden");

  private GoldenBytes() {}

  /** The committed bytes of {@code state} at {@code version}. */
  public static byte[] read(String state, int version) {
    try {
      return Files.readAllBytes(file(state, version));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Fails unless {@code encoded}, today's encoding of a fixed sample at {@code version}, equals the
   * committed file; writes the file when there is none yet.
   */
  public static void assertPinned(String state, int version, byte[] encoded) {
    Path file = file(state, version);
    try {
      if (!Files.exists(file) || Boolean.getBoolean("dctwin.golden.rewrite")) {
        Files.createDirectories(file.getParent());
        Files.write(file, encoded);
        return;
      }
      byte[] pinned = Files.readAllBytes(file);
      if (pinned.length != encoded.length) {
        fail(message(state, version, pinned, encoded));
      }
      assertArrayEquals(message(state, version, pinned, encoded), pinned, encoded);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Pins {@code coder}'s encoding of {@code sample} at {@code version}, the bytes Beam state holds,
   * and checks that the pinned bytes decode to {@code sample}.
   */
  public static <T> void assertPinned(String state, int version, Coder<T> coder, T sample) {
    try {
      assertPinned(state, version, CoderUtils.encodeToByteArray(coder, sample));
    } catch (CoderException e) {
      throw new AssertionError(state + ": cannot encode the sample", e);
    }
    assertDecodes(state, version, coder, sample);
  }

  /**
   * Checks that the committed bytes of {@code state} at {@code version} decode to {@code expected}
   * with today's {@code coder}: all that remains of a version's test once a newer one is written.
   */
  public static <T> void assertDecodes(String state, int version, Coder<T> coder, T expected) {
    try {
      assertEquals(
          state + " v" + version + " decoded by today's coder",
          expected,
          CoderUtils.decodeFromByteArray(coder, read(state, version)));
    } catch (CoderException e) {
      throw new AssertionError(state + " v" + version + " no longer decodes", e);
    }
  }

  private static String message(String state, int version, byte[] pinned, byte[] encoded) {
    return state
        + " v"
        + version
        + ": the encoding changed. State written by the running version must stay readable: add"
        + " version "
        + (version + 1)
        + " with a reader of version "
        + version
        + ", and pin both.\n  pinned:  "
        + HexFormat.of().formatHex(pinned)
        + "\n  encoded: "
        + HexFormat.of().formatHex(encoded);
  }

  private static Path file(String state, int version) {
    return DIR.resolve(state + ".v" + version + ".bin");
  }
}

package dev.dctwin.golden;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HexFormat;

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

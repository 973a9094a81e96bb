package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import org.apache.beam.sdk.coders.CoderException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class FormatVersionTest {
  private static final FormatVersion WITH_OLD_READERS = FormatVersion.of("RackState", 3, 1, 2);

  @Test
  public void readsTheCurrentAndTheOlderVersionsOnly() {
    assertThat(WITH_OLD_READERS.current(), equalTo(3));
    assertThat(WITH_OLD_READERS.check(1), equalTo(1));
    assertThat(WITH_OLD_READERS.check(3), equalTo(3));
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> WITH_OLD_READERS.check(4));
    assertThat(
        error.getMessage(),
        equalTo(
            "RackState: unknown format version 4; this build reads versions 1, 2, 3 (written by"
                + " a newer build, or not a RackState)"));
  }

  @Test
  public void saysWhetherAnUnknownVersionIsOlderOrNewer() {
    FormatVersion withoutOldReaders = FormatVersion.of("RackState", 3);
    assertThat(
        withoutOldReaders.unknown(2),
        equalTo(
            "RackState: unknown format version 2; this build reads version 3 (written by an older"
                + " build whose reader is gone, or not a RackState)"));
    assertThat(
        withoutOldReaders.unknown(4),
        equalTo(
            "RackState: unknown format version 4; this build reads version 3 (written by a newer"
                + " build, or not a RackState)"));
  }

  @Test
  public void aCoderReadsTheVersionByteAndRejectsAnUnknownOneOrNone() throws Exception {
    assertThat(
        VersionedCoder.readVersion(WITH_OLD_READERS, new ByteArrayInputStream(new byte[] {2})),
        equalTo(2));
    CoderException unknown =
        assertThrows(
            CoderException.class,
            () ->
                VersionedCoder.readVersion(
                    WITH_OLD_READERS, new ByteArrayInputStream(new byte[] {(byte) 200})));
    assertThat(
        unknown.getMessage(),
        equalTo(
            "RackState: unknown format version 200; this build reads versions 1, 2, 3 (written by"
                + " a newer build, or not a RackState)"));
    assertThrows(
        EOFException.class,
        () -> VersionedCoder.readVersion(WITH_OLD_READERS, new ByteArrayInputStream(new byte[0])));
  }

  @Test
  public void versionsAreDistinctBytesAndTheCurrentOneIsTheNewest() {
    assertThrows(IllegalArgumentException.class, () -> FormatVersion.of("X", 1, 2));
    assertThrows(IllegalArgumentException.class, () -> FormatVersion.of("X", 2, 2));
    assertThrows(IllegalArgumentException.class, () -> FormatVersion.of("X", 0));
    assertThrows(IllegalArgumentException.class, () -> FormatVersion.of("X", 256));
  }
}

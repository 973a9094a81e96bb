package dev.dctwin.codec;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * A coder whose encoding is its {@link FormatVersion} byte, then the value's body. A coder that
 * holds many values of another coder (a buffer, a list) writes their version once, with {@link
 * #writeVersionOf}, and then only their bodies: the values do not pay a byte each.
 *
 * <p>Subclasses declare a {@code serialVersionUID}: a Flink savepoint holds each state's coder
 * Java-serialized, and a computed one changes with any new method, which fails the restore.
 */
public abstract class VersionedCoder<T> extends CustomCoder<T> {
  private static final long serialVersionUID = 1L;

  /** The versions written and read: a constant of the class, see {@link FormatVersion}. */
  protected abstract FormatVersion format();

  /** Writes {@code value} at {@code format().current()}, without the version. */
  protected abstract void encodeBody(T value, OutputStream out) throws IOException;

  /** Reads a value that {@code version}, one that {@link #format()} reads, wrote. */
  protected abstract T decodeBody(int version, InputStream in) throws IOException;

  @Override
  public final void encode(T value, OutputStream out) throws IOException {
    format().write(out);
    encodeBody(value, out);
  }

  @Override
  public final T decode(InputStream in) throws IOException {
    return decodeBody(readVersion(format(), in), in);
  }

  /** Reads a version byte of {@code format}; a version it does not read is a CoderException. */
  public static int readVersion(FormatVersion format, InputStream in) throws IOException {
    int found = in.read();
    if (found < 0) {
      throw new EOFException(format + ": the encoding ends before its format version");
    }
    if (!format.reads(found)) {
      throw new CoderException(format.unknown(found));
    }
    return found;
  }

  /** Before values of {@code coder} encoded with {@link #encodeWithoutVersion}: their version. */
  public static void writeVersionOf(Coder<?> coder, OutputStream out) throws IOException {
    if (coder instanceof VersionedCoder<?> versioned) {
      versioned.format().write(out);
    }
  }

  /** What {@link #writeVersionOf} wrote: the values' version, 0 for a coder without one. */
  public static int readVersionOf(Coder<?> coder, InputStream in) throws IOException {
    return coder instanceof VersionedCoder<?> versioned ? readVersion(versioned.format(), in) : 0;
  }

  public static <T> void encodeWithoutVersion(Coder<T> coder, T value, OutputStream out)
      throws IOException {
    if (coder instanceof VersionedCoder<T> versioned) {
      versioned.encodeBody(value, out);
    } else {
      coder.encode(value, out);
    }
  }

  /** Reads a value of {@code coder} at {@code version}, from {@link #readVersionOf}. */
  public static <T> T decodeWithoutVersion(Coder<T> coder, int version, InputStream in)
      throws IOException {
    return coder instanceof VersionedCoder<T> versioned
        ? versioned.decodeBody(version, in)
        : coder.decode(in);
  }
}

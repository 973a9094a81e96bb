package dev.dctwin.codec;

import dev.dctwin.domain.MessageOrigin;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Comparator;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A {@link MessageOrigin} inside an encoding that has a version of its own ({@link ReceivedCoder},
 * the twins' inbox): one byte whose bits say which of topic, partition, offset, file and line
 * follow (0: no origin), then those, as Beam's string, varint and varlong forms. A Kafka origin
 * costs its topic plus about 6 bytes, an absent one a byte.
 */
public final class MessageOriginCoding {
  private static final int TOPIC = 1;
  private static final int PARTITION = 2;
  private static final int OFFSET = 4;
  private static final int FILE = 8;
  private static final int LINE = 16;

  /** Nulls (no origin, absent components) first: the twins' tie order after equal content. */
  public static final Comparator<MessageOrigin> ORDER =
      Comparator.nullsFirst(
          Comparator.comparing(MessageOrigin::topic, Comparator.nullsFirst(String::compareTo))
              .thenComparing(MessageOrigin::partition, Comparator.nullsFirst(Integer::compareTo))
              .thenComparing(MessageOrigin::offset, Comparator.nullsFirst(Long::compareTo))
              .thenComparing(MessageOrigin::file, Comparator.nullsFirst(String::compareTo))
              .thenComparing(MessageOrigin::line, Comparator.nullsFirst(Long::compareTo)));

  private MessageOriginCoding() {}

  public static void write(MessageOrigin origin, OutputStream out) throws IOException {
    if (origin == null) {
      out.write(0);
      return;
    }
    int present =
        (origin.topic() == null ? 0 : TOPIC)
            | (origin.partition() == null ? 0 : PARTITION)
            | (origin.offset() == null ? 0 : OFFSET)
            | (origin.file() == null ? 0 : FILE)
            | (origin.line() == null ? 0 : LINE);
    if (present == 0) {
      throw new CoderException("an origin without components: write null instead");
    }
    out.write(present);
    if (origin.topic() != null) {
      StringUtf8Coder.of().encode(origin.topic(), out);
    }
    if (origin.partition() != null) {
      VarIntCoder.of().encode(origin.partition(), out);
    }
    if (origin.offset() != null) {
      VarLongCoder.of().encode(origin.offset(), out);
    }
    if (origin.file() != null) {
      StringUtf8Coder.of().encode(origin.file(), out);
    }
    if (origin.line() != null) {
      VarLongCoder.of().encode(origin.line(), out);
    }
  }

  public static MessageOrigin read(InputStream in) throws IOException {
    int present = in.read();
    if (present < 0) {
      throw new EOFException("the encoding ends before an origin");
    }
    if (present == 0) {
      return null;
    }
    if (present > (TOPIC | PARTITION | OFFSET | FILE | LINE)) {
      throw new CoderException("corrupt origin: components " + present);
    }
    return new MessageOrigin(
        (present & TOPIC) == 0 ? null : StringUtf8Coder.of().decode(in),
        (present & PARTITION) == 0 ? null : VarIntCoder.of().decode(in),
        (present & OFFSET) == 0 ? null : VarLongCoder.of().decode(in),
        (present & FILE) == 0 ? null : StringUtf8Coder.of().decode(in),
        (present & LINE) == 0 ? null : VarLongCoder.of().decode(in));
  }
}

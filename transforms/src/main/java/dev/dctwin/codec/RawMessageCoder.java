package dev.dctwin.codec;

import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.PayloadCut;
import dev.dctwin.domain.RawMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Keeps a raw payload's exact bytes, whatever they are.
 *
 * <p>Version 2: a {@link FormatVersion} byte, then source, payload and receive time in Beam's
 * string, byte array and varlong forms, then the origin (null, or its topic, partition, offset,
 * file and line, each nullable) and the cut (null, or the full length as a varlong and the SHA-256
 * as a string); nullable values as Beam's {@link NullableCoder} writes them. Version 1 had no
 * origin and no cut: it reads as a whole payload from an unknown origin.
 */
public final class RawMessageCoder extends VersionedCoder<RawMessage> {
  private static final long serialVersionUID = 1L;
  private static final FormatVersion FORMAT = FormatVersion.of("RawMessageCoder", 2, 1);
  private static final RawMessageCoder INSTANCE = new RawMessageCoder();
  private static final Coder<String> STRING = NullableCoder.of(StringUtf8Coder.of());
  private static final Coder<Integer> INT = NullableCoder.of(VarIntCoder.of());
  private static final Coder<Long> LONG = NullableCoder.of(VarLongCoder.of());

  public static RawMessageCoder of() {
    return INSTANCE;
  }

  @Override
  protected FormatVersion format() {
    return FORMAT;
  }

  @Override
  protected void encodeBody(RawMessage value, OutputStream out) throws IOException {
    StringUtf8Coder.of().encode(value.source(), out);
    ByteArrayCoder.of().encode(value.payload(), out);
    VarLongCoder.of().encode(value.receivedAt(), out);
    MessageOrigin origin = value.origin();
    out.write(origin == null ? 0 : 1);
    if (origin != null) {
      STRING.encode(origin.topic(), out);
      INT.encode(origin.partition(), out);
      LONG.encode(origin.offset(), out);
      STRING.encode(origin.file(), out);
      LONG.encode(origin.line(), out);
    }
    PayloadCut cut = value.cut();
    out.write(cut == null ? 0 : 1);
    if (cut != null) {
      VarLongCoder.of().encode(cut.length(), out);
      StringUtf8Coder.of().encode(cut.sha256(), out);
    }
  }

  @Override
  protected RawMessage decodeBody(int version, InputStream in) throws IOException {
    String source = StringUtf8Coder.of().decode(in);
    byte[] payload = ByteArrayCoder.of().decode(in);
    long receivedAt = VarLongCoder.of().decode(in);
    if (version == 1) {
      return new RawMessage(source, payload, receivedAt);
    }
    MessageOrigin origin =
        present(in)
            ? new MessageOrigin(
                STRING.decode(in),
                INT.decode(in),
                LONG.decode(in),
                STRING.decode(in),
                LONG.decode(in))
            : null;
    PayloadCut cut =
        present(in)
            ? new PayloadCut(VarLongCoder.of().decode(in), StringUtf8Coder.of().decode(in))
            : null;
    return new RawMessage(source, payload, receivedAt, origin, cut);
  }

  private static boolean present(InputStream in) throws IOException {
    int flag = in.read();
    if (flag < 0) {
      throw new java.io.EOFException("a raw message ends before its origin or cut");
    }
    return flag == 1;
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object other) {
    return other instanceof RawMessageCoder;
  }

  @Override
  public int hashCode() {
    return RawMessageCoder.class.hashCode();
  }
}

package dev.dctwin.codec;

import dev.dctwin.domain.RawMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Keeps a raw payload's exact bytes, whatever they are. Version 1: a {@link FormatVersion} byte,
 * then source, payload and receive time in Beam's string, byte array and varlong forms.
 */
public final class RawMessageCoder extends VersionedCoder<RawMessage> {
  private static final long serialVersionUID = 1L;
  private static final FormatVersion FORMAT = FormatVersion.of("RawMessageCoder", 1);
  private static final RawMessageCoder INSTANCE = new RawMessageCoder();

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
  }

  @Override
  protected RawMessage decodeBody(int version, InputStream in) throws IOException {
    return new RawMessage(
        StringUtf8Coder.of().decode(in),
        ByteArrayCoder.of().decode(in),
        VarLongCoder.of().decode(in));
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

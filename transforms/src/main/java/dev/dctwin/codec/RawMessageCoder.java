package dev.dctwin.codec;

import dev.dctwin.domain.RawMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;

/** Keeps a raw payload's exact bytes, whatever they are. */
public final class RawMessageCoder extends AtomicCoder<RawMessage> {
  private static final RawMessageCoder INSTANCE = new RawMessageCoder();

  public static RawMessageCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(RawMessage value, OutputStream out) throws IOException {
    StringUtf8Coder.of().encode(value.source(), out);
    ByteArrayCoder.of().encode(value.payload(), out);
    VarLongCoder.of().encode(value.receivedAt(), out);
  }

  @Override
  public RawMessage decode(InputStream in) throws IOException {
    return new RawMessage(
        StringUtf8Coder.of().decode(in),
        ByteArrayCoder.of().decode(in),
        VarLongCoder.of().decode(in));
  }

  @Override
  public void verifyDeterministic() {}
}

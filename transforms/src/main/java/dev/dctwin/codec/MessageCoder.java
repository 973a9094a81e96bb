package dev.dctwin.codec;

import dev.dctwin.domain.Message;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.CoderException;

/** Encodes any {@link Message} in its wire format, which carries the type needed to decode it. */
public final class MessageCoder extends AtomicCoder<Message> {
  private static final MessageCoder INSTANCE = new MessageCoder();
  private static final WireCodec CODEC = new WireCodec(Integer.MAX_VALUE);

  public static MessageCoder of() {
    return INSTANCE;
  }

  @Override
  public void encode(Message value, OutputStream out) throws IOException {
    ByteArrayCoder.of().encode(CODEC.encode(value), out);
  }

  @Override
  public Message decode(InputStream in) throws IOException {
    try {
      return CODEC.decode(ByteArrayCoder.of().decode(in), null);
    } catch (InvalidMessageException e) {
      throw new CoderException("corrupt encoded message: " + e.getMessage(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}
}

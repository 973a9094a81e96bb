package dev.dctwin.codec;

import dev.dctwin.domain.Received;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Encodes a {@link Received} message. Version 1: a {@link FormatVersion} byte, the message as
 * {@link MessageCoder} encodes it (with its own version, so that a new version of messages needs
 * none here), then the origin ({@link MessageOriginCoding}).
 */
public final class ReceivedCoder extends VersionedCoder<Received> {
  private static final long serialVersionUID = 1L;
  private static final FormatVersion FORMAT = FormatVersion.of("ReceivedCoder", 1);
  private static final ReceivedCoder INSTANCE = new ReceivedCoder();

  public static ReceivedCoder of() {
    return INSTANCE;
  }

  @Override
  protected FormatVersion format() {
    return FORMAT;
  }

  @Override
  protected void encodeBody(Received value, OutputStream out) throws IOException {
    MessageCoder.of().encode(value.message(), out);
    MessageOriginCoding.write(value.origin(), out);
  }

  @Override
  protected Received decodeBody(int version, InputStream in) throws IOException {
    return new Received(MessageCoder.of().decode(in), MessageOriginCoding.read(in));
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object other) {
    return other instanceof ReceivedCoder;
  }

  @Override
  public int hashCode() {
    return ReceivedCoder.class.hashCode();
  }
}

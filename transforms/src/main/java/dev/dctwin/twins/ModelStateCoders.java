package dev.dctwin.twins;

import dev.dctwin.models.ServerTwinState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Coders of the models' own compact state formats ({@code toBytes}/{@code fromBytes}). Keeping the
 * objects in state, rather than their bytes, lets a heap state backend hand them back without
 * decoding (the server twin's window alone is 2 KB of 90 reports, read and written on every
 * activation); RocksDB and checkpoints still see the compact bytes.
 */
final class ModelStateCoders {
  private ModelStateCoders() {}

  static final Coder<ServerTwinState> SERVER_TWIN_STATE =
      new CompactBytesCoder<>(ServerTwinState::toBytes, ServerTwinState::fromBytes);

  private static final class CompactBytesCoder<T> extends CustomCoder<T> {
    private final SerializableFunction<T, byte[]> toBytes;
    private final SerializableFunction<byte[], T> fromBytes;

    CompactBytesCoder(
        SerializableFunction<T, byte[]> toBytes, SerializableFunction<byte[], T> fromBytes) {
      this.toBytes = toBytes;
      this.fromBytes = fromBytes;
    }

    @Override
    public void encode(T value, OutputStream out) throws IOException {
      ByteArrayCoder.of().encode(toBytes.apply(value), out);
    }

    @Override
    public T decode(InputStream in) throws IOException {
      return fromBytes.apply(ByteArrayCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}

package dev.dctwin.twins;

import dev.dctwin.models.ServerStatus;
import dev.dctwin.models.ServerWindow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.transforms.SerializableFunction;

/**
 * Coders of the server model's own compact state formats ({@code toBytes}/{@code fromBytes}).
 * Keeping the objects in state, rather than their bytes, lets a heap state backend hand them back
 * without decoding; RocksDB and checkpoints still see the compact bytes.
 */
final class ModelStateCoders {
  private ModelStateCoders() {}

  static final Coder<ServerWindow> SERVER_WINDOW =
      new CompactBytesCoder<>(ServerWindow::toBytes, ServerWindow::fromBytes);

  static final Coder<ServerStatus> SERVER_STATUS =
      new CompactBytesCoder<>(ServerStatus::toBytes, ServerStatus::fromBytes);

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

package dev.dctwin.twins;

import dev.dctwin.models.ServerStatus;
import dev.dctwin.models.ServerWindow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.ByteArrayCoder;

/**
 * Coders of the server model's own compact state formats ({@code toBytes}/{@code fromBytes}).
 * Keeping the objects in state, rather than their bytes, lets a heap state backend hand them back
 * without decoding; RocksDB and checkpoints still see the compact bytes.
 */
final class ModelStateCoders {
  private ModelStateCoders() {}

  static final class ServerWindowCoder extends AtomicCoder<ServerWindow> {
    static final ServerWindowCoder INSTANCE = new ServerWindowCoder();

    @Override
    public void encode(ServerWindow value, OutputStream out) throws IOException {
      ByteArrayCoder.of().encode(value.toBytes(), out);
    }

    @Override
    public ServerWindow decode(InputStream in) throws IOException {
      return ServerWindow.fromBytes(ByteArrayCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  static final class ServerStatusCoder extends AtomicCoder<ServerStatus> {
    static final ServerStatusCoder INSTANCE = new ServerStatusCoder();

    @Override
    public void encode(ServerStatus value, OutputStream out) throws IOException {
      ByteArrayCoder.of().encode(value.toBytes(), out);
    }

    @Override
    public ServerStatus decode(InputStream in) throws IOException {
      return ServerStatus.fromBytes(ByteArrayCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}

package dev.dctwin.twins;

import dev.dctwin.models.ServerTwinState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * Coders of the models' own compact, versioned state formats ({@code toBytes}/{@code fromBytes}).
 * Keeping the objects in state, rather than their bytes, lets a heap state backend hand them back
 * without decoding (the server twin's window alone is 2 KB of 90 reports, read and written on every
 * activation); RocksDB and checkpoints still see the compact bytes.
 *
 * <p>A savepoint keeps each state's coder Java-serialized and restores old state with it, so the
 * coders are plain classes with a fixed {@code serialVersionUID} and no lambdas (whose synthetic
 * names change with the code); the format version lives in the bytes
 * (transforms/STATE-VERSIONS.md).
 */
final class ModelStateCoders {
  private ModelStateCoders() {}

  static final Coder<ServerTwinState> SERVER_TWIN_STATE = new ServerTwinStateCoder();

  private static final class ServerTwinStateCoder extends CustomCoder<ServerTwinState> {
    private static final long serialVersionUID = 1L;

    @Override
    public void encode(ServerTwinState value, OutputStream out) throws IOException {
      ByteArrayCoder.of().encode(value.toBytes(), out);
    }

    @Override
    public ServerTwinState decode(InputStream in) throws IOException {
      return ServerTwinState.fromBytes(ByteArrayCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }
}

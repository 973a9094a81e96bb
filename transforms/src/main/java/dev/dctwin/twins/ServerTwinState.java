package dev.dctwin.twins;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.models.ServerStatus;
import dev.dctwin.models.ServerWindow;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.NullableCoder;

/**
 * What a {@link ServerTwinFn} keeps for a commissioned server, in one state cell: where it is, its
 * BMC's latest reading (or null), its open incidents and its 15-minute window. The model changes
 * the window in place.
 */
record ServerTwinState(
    CommissionServer identity, BmcSensorReading sensors, ServerStatus status, ServerWindow window) {

  static final Coder<ServerTwinState> CODER = new ServerTwinStateCoder();

  private static final class ServerTwinStateCoder extends CustomCoder<ServerTwinState> {
    private static final Coder<CommissionServer> IDENTITY = RecordCoder.of(CommissionServer.class);
    private static final Coder<BmcSensorReading> SENSORS =
        NullableCoder.of(RecordCoder.of(BmcSensorReading.class));

    @Override
    public void encode(ServerTwinState state, OutputStream out) throws IOException {
      IDENTITY.encode(state.identity(), out);
      SENSORS.encode(state.sensors(), out);
      ModelStateCoders.SERVER_STATUS.encode(state.status(), out);
      ModelStateCoders.SERVER_WINDOW.encode(state.window(), out);
    }

    @Override
    public ServerTwinState decode(InputStream in) throws IOException {
      return new ServerTwinState(
          IDENTITY.decode(in),
          SENSORS.decode(in),
          ModelStateCoders.SERVER_STATUS.decode(in),
          ModelStateCoders.SERVER_WINDOW.decode(in));
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of();
    }

    @Override
    public void verifyDeterministic() {}
  }
}

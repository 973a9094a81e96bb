package dev.dctwin.models;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.models.baseline.BaselineConfig;
import dev.dctwin.models.baseline.ServerBaseline;
import java.util.Objects;

/**
 * What the twin of one server knows: where it is commissioned, its BMC's latest reading, its open
 * incidents and hysteresis, and its 15-minute window. Immutable except the window, a mutable buffer
 * that {@link ServerTwin} changes in place: a state handed to the model must not be used again.
 *
 * <p>Encoding, version 3 (versions 2 and 1 are still read: the same layout, their baseline at
 * {@link ServerBaseline}'s encoding 2 and 1, which that reads too): a version byte; a flag and the
 * identity (server, rack and datacenter id, commissioning time); a flag and the BMC reading (its
 * time and the four readings as doubles; its server is the identity's); then the {@link
 * ServerStatus} and the {@link ServerWindow}, each as its own versioned encoding prefixed by its
 * length; then the learned {@link ServerBaseline} the same way (its encoding 3, the compact one),
 * or length 0 when the twin learns none. A commissioned server with a BMC reading, two open
 * incidents and 15 minutes of 10-second reports encodes in about 2.3 KB, 2,078 bytes of which are
 * the window.
 *
 * @param identity the commissioning that placed the server, or null when it is not commissioned
 * @param sensors the BMC's latest reading, or null; never of another server than {@code identity}
 * @param status the open incidents and hysteresis
 * @param window the window of recent reports, changed in place by the model
 * @param baseline the learned baseline of the server's metrics, changed in place by the model, or
 *     null when the twin learns none (switched off, or not commissioned)
 */
public record ServerTwinState(
    CommissionServer identity,
    BmcSensorReading sensors,
    ServerStatus status,
    ServerWindow window,
    ServerBaseline baseline) {

  static final int VERSION = 3;

  private static final FormatVersion FORMAT = FormatVersion.of("ServerTwinState", VERSION, 1, 2);

  public ServerTwinState {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(window, "window");
    if (sensors != null && (identity == null || !identity.serverId().equals(sensors.serverId()))) {
      throw new IllegalArgumentException(
          "a BMC reading of " + sensors.serverId() + " in the state of " + serverIdOf(identity));
    }
  }

  /** The state of a server that is not commissioned: nothing known, nothing seen. */
  public static ServerTwinState notCommissioned() {
    return new ServerTwinState(null, null, ServerStatus.initial(), new ServerWindow(), null);
  }

  public boolean isCommissioned() {
    return identity != null;
  }

  public byte[] toBytes() {
    byte[] statusBytes = status.toBytes();
    byte[] windowBytes = window.toBytes();
    byte[] baselineBytes = baseline == null ? new byte[0] : baseline.toBytes();
    StateWriter out =
        new StateWriter(
            FORMAT, 128 + statusBytes.length + windowBytes.length + baselineBytes.length);
    out.writeBoolean(identity != null);
    if (identity != null) {
      out.writeString(identity.serverId());
      out.writeString(identity.rackId());
      out.writeString(identity.datacenterId());
      out.writeLong(identity.eventTime());
    }
    out.writeBoolean(sensors != null);
    if (sensors != null) {
      out.writeLong(sensors.eventTime());
      SensorReadings readings = sensors.sensors();
      out.writeDouble(readings.voltage());
      out.writeDouble(readings.temperature());
      out.writeDouble(readings.airflow());
      out.writeDouble(readings.inputPower());
    }
    out.writeBytes(statusBytes);
    out.writeBytes(windowBytes);
    out.writeBytes(baselineBytes);
    return out.toByteArray();
  }

  /** Reads a state; its baseline, if any, learns with the one {@link BaselineConfig#DEFAULT}. */
  public static ServerTwinState fromBytes(byte[] bytes) {
    StateReader in = new StateReader(bytes, FORMAT);
    CommissionServer identity =
        in.readBoolean()
            ? new CommissionServer(in.readString(), in.readString(), in.readString(), in.readLong())
            : null;
    BmcSensorReading sensors = null;
    if (in.readBoolean()) {
      if (identity == null) {
        throw new IllegalArgumentException("ServerTwinState: a BMC reading without identity");
      }
      long eventTime = in.readLong();
      SensorReadings readings =
          new SensorReadings(in.readDouble(), in.readDouble(), in.readDouble(), in.readDouble());
      sensors = new BmcSensorReading(identity.serverId(), eventTime, readings);
    }
    ServerStatus status = ServerStatus.fromBytes(in.readBytes());
    ServerWindow window = ServerWindow.fromBytes(in.readBytes());
    byte[] baseline = in.readBytes();
    in.expectEnd();
    return new ServerTwinState(
        identity,
        sensors,
        status,
        window,
        baseline.length == 0 ? null : ServerBaseline.fromBytes(baseline, BaselineConfig.DEFAULT));
  }

  private static String serverIdOf(CommissionServer identity) {
    return identity == null ? "a server that is not commissioned" : identity.serverId();
  }
}

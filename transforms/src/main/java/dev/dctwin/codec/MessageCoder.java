package dev.dctwin.codec;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.domain.UnhealthyRacks;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.EnumMap;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Encodes any {@link Message}. Version 1: a {@link FormatVersion} byte, one byte for the {@link
 * MessageType} (its ordinal: the golden-bytes test of every type fails if the enum is reordered),
 * then the record in {@link RecordCoder}'s version 1 form without a version of its own. Version 2:
 * the same, with an {@link Alert} in its {@code RecordCoder} version 2 form ({@code inMaintenance})
 * and the type {@link MaintenanceWindow}. Version 3: a {@link CommissionServer} in its {@code
 * RecordCoder} version 2 form ({@code hostname}) and the type {@link AgentSamples}. Version 4: a
 * {@link DecommissionServer} in its {@code RecordCoder} version 2 form ({@code hostname}). Messages
 * are validated once, when parsed from the wire; this coder only moves them between steps and into
 * state.
 */
public final class MessageCoder extends VersionedCoder<Message> {
  private static final long serialVersionUID = 1L;
  private static final FormatVersion FORMAT = FormatVersion.of("MessageCoder", 4, 1, 2, 3);
  private static final MessageCoder INSTANCE = new MessageCoder();
  private static final MessageType[] TYPES = MessageType.values();
  private static final Map<MessageType, RecordCoder<? extends Message>> CODERS = coders();

  public static MessageCoder of() {
    return INSTANCE;
  }

  private static Map<MessageType, RecordCoder<? extends Message>> coders() {
    Map<MessageType, RecordCoder<? extends Message>> coders = new EnumMap<>(MessageType.class);
    for (MessageType type : TYPES) {
      coders.put(
          type,
          switch (type) {
            case METRICS -> RecordCoder.of(ServerMetricReport.class);
            case SENSORS -> RecordCoder.of(BmcSensorReading.class);
            case COMMISSION -> RecordCoder.of(CommissionServer.class);
            case DECOMMISSION -> RecordCoder.of(DecommissionServer.class);
            case GET_UNHEALTHY_RACKS -> RecordCoder.of(GetUnhealthyRacks.class);
            case UNHEALTHY_RACKS -> RecordCoder.of(UnhealthyRacks.class);
            case ALERT -> RecordCoder.of(Alert.class);
            case MEASUREMENT -> RecordCoder.of(Measurement.class);
            case MAINTENANCE -> RecordCoder.of(MaintenanceWindow.class);
            case SAMPLES -> RecordCoder.of(AgentSamples.class);
          });
    }
    return coders;
  }

  @Override
  protected FormatVersion format() {
    return FORMAT;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  protected void encodeBody(Message value, OutputStream out) throws IOException {
    MessageType type = value.type();
    out.write(type.ordinal());
    ((RecordCoder) CODERS.get(type)).encodeBody((Record) value, out);
  }

  /** The {@link RecordCoder} version of a message body in {@code messageVersion}. */
  private static int recordVersion(int messageVersion, MessageType type) {
    return switch (type) {
      case ALERT -> messageVersion >= 2 ? 2 : 1;
      case COMMISSION -> messageVersion >= 3 ? 2 : 1;
      case DECOMMISSION -> messageVersion >= 4 ? 2 : 1;
      default -> 1;
    };
  }

  /** The first version of this coder that has messages of {@code type}. */
  private static int firstVersionOf(MessageType type) {
    return switch (type) {
      case MAINTENANCE -> 2;
      case SAMPLES -> 3;
      default -> 1;
    };
  }

  @Override
  protected Message decodeBody(int version, InputStream in) throws IOException {
    int ordinal = in.read();
    if (ordinal < 0 || ordinal >= TYPES.length) {
      throw new CoderException("corrupt encoded message: type byte " + ordinal);
    }
    MessageType type = TYPES[ordinal];
    if (version < firstVersionOf(type)) {
      throw new CoderException("corrupt encoded message: no " + type + " in version " + version);
    }
    return CODERS.get(type).decodeBody(recordVersion(version, type), in);
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object other) {
    return other instanceof MessageCoder;
  }

  @Override
  public int hashCode() {
    return MessageCoder.class.hashCode();
  }
}

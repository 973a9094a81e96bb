package dev.dctwin.codec;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.GetUnhealthyRacks;
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
import org.apache.beam.sdk.coders.AtomicCoder;
import org.apache.beam.sdk.coders.CoderException;

/**
 * Encodes any {@link Message}: one byte for its {@link MessageType}, then the record in {@link
 * RecordCoder}'s binary form. Messages are validated once, when parsed from the wire; this coder
 * only moves them between steps and into state.
 */
public final class MessageCoder extends AtomicCoder<Message> {
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
          });
    }
    return coders;
  }

  @Override
  @SuppressWarnings({"unchecked", "rawtypes"})
  public void encode(Message value, OutputStream out) throws IOException {
    MessageType type = value.type();
    out.write(type.ordinal());
    ((RecordCoder) CODERS.get(type)).encode((Record) value, out);
  }

  @Override
  public Message decode(InputStream in) throws IOException {
    int ordinal = in.read();
    if (ordinal < 0 || ordinal >= TYPES.length) {
      throw new CoderException("corrupt encoded message: type byte " + ordinal);
    }
    return CODERS.get(TYPES[ordinal]).decode(in);
  }

  @Override
  public void verifyDeterministic() {}
}

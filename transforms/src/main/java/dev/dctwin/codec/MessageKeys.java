package dev.dctwin.codec;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.UnhealthyRacks;
import dev.dctwin.models.ServerTwin;
import java.util.Optional;

/**
 * The Kafka record key of every message: the entity whose series it belongs to, so that a partition
 * keeps each entity's order, and whose latest state a compacted topic keeps (the provisioning topic
 * is compacted in the deployments: a record without a key is refused there). The table is in
 * transforms/WIRE-FORMAT.md, "Kafka record keys"; every producer of dctwin records takes its keys
 * from here.
 */
public final class MessageKeys {
  private MessageKeys() {}

  /**
   * The key of {@code message}: the server id of a server's report, reading, commissioning and
   * decommissioning (the latest of the last two is what compaction keeps of a server); {@code
   * maintenance:<LEVEL>:<entity>} of a maintenance window (a window replaces the previous one of
   * its entity and level, and must not replace its server's commissioning); the datacenter of a
   * query; the query id of an answer, the {@link Alert#id()} of an alert (as the pipeline's sinks
   * key them); the thing of a measurement; the host of an agent's samples. Never null for a valid
   * message.
   */
  public static String kafkaKey(Message message) {
    if (message instanceof MaintenanceWindow window) {
      // Before serverIdOf, which routes a server's window to its twin by the server id.
      return "maintenance:" + window.level().name() + ":" + window.entity();
    }
    String serverId = ServerTwin.serverIdOf(message);
    if (serverId != null) {
      return serverId;
    } else if (message instanceof GetUnhealthyRacks query) {
      return query.datacenterId();
    } else if (message instanceof UnhealthyRacks answer) {
      return answer.queryId();
    } else if (message instanceof Alert alert) {
      return alert.id();
    } else if (message instanceof Measurement measurement) {
      return measurement.thing();
    } else if (message instanceof AgentSamples samples) {
      return samples.host();
    }
    throw new IllegalArgumentException("no Kafka key for a " + message.type());
  }

  /**
   * The key of a message on the wire, for a producer that forwards payloads without decoding them
   * itself (the MQTT-to-Kafka bridge): the payload decoded by {@code codec} (with {@code
   * defaultType} for a topic whose messages may omit {@code type}, else null), then {@link
   * #kafkaKey(Message)}. Empty when the payload is not a valid message: the caller decides where
   * such a payload goes (the pipeline makes it a dead letter wherever it arrives).
   */
  public static Optional<String> kafkaKey(
      WireCodec codec, byte[] payload, MessageType defaultType) {
    try {
      return Optional.of(kafkaKey(codec.decode(payload, defaultType)));
    } catch (InvalidMessageException e) {
      return Optional.empty();
    }
  }
}

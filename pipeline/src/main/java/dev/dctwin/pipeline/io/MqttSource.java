package dev.dctwin.pipeline.io;

import dev.dctwin.codec.ParseMessages;
import dev.dctwin.codec.RawMessageCoder;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.RawMessage;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.io.mqtt.MqttIO;
import org.apache.beam.sdk.io.mqtt.MqttRecord;
import org.apache.beam.sdk.io.mqtt.WorkerPasswordConnectionConfiguration;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;

/**
 * Reads MQTT topics with MqttIO, QoS 1, one subscription per topic, as raw messages whose source is
 * {@code mqtt:<topic>} and whose origin is the topic. A publish larger than the cap ({@link
 * #withMaxPayloadBytes}; by default the largest payload any parser takes) goes on cut, as a {@code
 * PAYLOAD_TOO_LARGE} dead letter to be; the MQTT client has received it whole, so the broker's
 * {@code message_size_limit} is what bounds memory before that.
 *
 * <p>What MqttIO guarantees (Beam 2.62): a message is acknowledged to the broker only when the
 * checkpoint that contains it is finalized, so a crash before that makes the broker redeliver it
 * (at least once) — but only while the subscription lives: MqttIO connects with a clean session, so
 * whatever is published while no subscription exists (before the first connect, during a broker
 * restart, while the job restarts) is not kept for dctwin. Elements are stamped with their receive
 * time and the watermark is processing time; {@link AtEventTime} re-stamps them. See {@code
 * pipeline/IO.md}.
 */
public final class MqttSource extends PTransform<PBegin, PCollection<RawMessage>> {
  private final String serverUri;
  private final List<String> topics;
  private final String clientId;
  private final String username;
  private final Secret password;
  private final Duration maxReadTime;
  private final int maxPayloadBytes;
  private final int keptBytes;

  private MqttSource(
      String serverUri,
      List<String> topics,
      String clientId,
      String username,
      Secret password,
      Duration maxReadTime,
      int maxPayloadBytes,
      int keptBytes) {
    this.serverUri = serverUri;
    this.topics = List.copyOf(topics);
    this.clientId = clientId;
    this.username = username;
    this.password = password;
    this.maxReadTime = maxReadTime;
    this.maxPayloadBytes = maxPayloadBytes;
    this.keptBytes = keptBytes;
  }

  public static MqttSource from(MqttOptions options) {
    return new MqttSource(
        options.getMqttServerUri(),
        options.getMqttTopics(),
        options.getMqttClientId(),
        options.getMqttUsername(),
        new Secret(options.getMqttPasswordFile(), MqttOptions.PASSWORD_ENV),
        null,
        ParseMessages.DEFAULT_MAX_AGENT_PAYLOAD_BYTES,
        DeadLetter.DEFAULT_MAX_KEPT_BYTES);
  }

  /** Stops reading after this long: a bounded read, for tests and benchmarks. */
  public MqttSource withMaxReadTime(Duration duration) {
    return new MqttSource(
        serverUri, topics, clientId, username, password, duration, maxPayloadBytes, keptBytes);
  }

  /**
   * Publishes larger than {@code maxPayloadBytes} go on with their first {@code keptBytes} bytes,
   * their length and SHA-256 only ({@link RawMessage#capped}): the parser makes them {@code
   * PAYLOAD_TOO_LARGE} dead letters.
   */
  public MqttSource withMaxPayloadBytes(int maxPayloadBytes, int keptBytes) {
    return new MqttSource(
        serverUri, topics, clientId, username, password, maxReadTime, maxPayloadBytes, keptBytes);
  }

  @Override
  public PCollection<RawMessage> expand(PBegin begin) {
    int maxBytes = maxPayloadBytes;
    int kept = keptBytes;
    List<PCollection<RawMessage>> perTopic = new ArrayList<>();
    for (String topic : topics) {
      // The password is read from its file or variable when a reader connects, on the worker:
      // only where it is travels in the job graph.
      Secret secret = password;
      MqttIO.ConnectionConfiguration connection =
          new WorkerPasswordConnectionConfiguration(
              serverUri, topic, clientId, username, () -> secret.value().orElse(""));
      MqttIO.Read<MqttRecord> read =
          MqttIO.readWithMetadata().withConnectionConfiguration(connection);
      if (maxReadTime != null) {
        read = read.withMaxReadTime(maxReadTime);
      }
      perTopic.add(
          begin
              .apply("Read " + topic, read)
              .apply(
                  "ToRaw " + topic,
                  MapElements.into(TypeDescriptor.of(RawMessage.class))
                      .via(
                          (MqttRecord record) ->
                              RawMessage.capped(
                                  "mqtt:" + record.getTopic(),
                                  record.getPayload(),
                                  System.currentTimeMillis(),
                                  MessageOrigin.mqtt(record.getTopic()),
                                  maxBytes,
                                  kept)))
              .setCoder(RawMessageCoder.of()));
    }
    return PCollectionList.of(perTopic)
        .apply("AllTopics", Flatten.pCollections())
        .setCoder(RawMessageCoder.of());
  }
}

package dev.dctwin.pipeline.io;

import dev.dctwin.codec.RawMessageCoder;
import dev.dctwin.domain.RawMessage;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;

/**
 * Reads Kafka topics with KafkaIO as raw messages whose source is {@code kafka:<topic>}, stamped
 * with the payload's event time by {@link EventTimePolicy}.
 *
 * <p>What it guarantees: records are read {@code read_committed}; offsets are committed to the
 * consumer group only when a checkpoint is finalized ({@code commitOffsetsInFinalize}), so a
 * restart resumes from the last finalized checkpoint and nothing acknowledged is lost (at least
 * once into the pipeline, exactly once in the pipeline's state on runners that restore
 * checkpoints). Within a partition, records more than {@code maxOutOfOrderness} behind the newest
 * event time are late. See {@code pipeline/IO.md}.
 */
public final class KafkaSource extends PTransform<PBegin, PCollection<RawMessage>> {
  private final KafkaClients clients;
  private final List<String> topics;
  private final String consumerGroup;
  private final String startOffset;
  private final Duration maxOutOfOrderness;
  private final Long maxRecords;
  private final Duration maxReadTime;

  private KafkaSource(
      KafkaClients clients,
      List<String> topics,
      String consumerGroup,
      String startOffset,
      Duration maxOutOfOrderness,
      Long maxRecords,
      Duration maxReadTime) {
    this.clients = clients;
    this.topics = List.copyOf(topics);
    this.consumerGroup = consumerGroup;
    this.startOffset = startOffset;
    this.maxOutOfOrderness = maxOutOfOrderness;
    this.maxRecords = maxRecords;
    this.maxReadTime = maxReadTime;
  }

  public static KafkaSource from(KafkaOptions options) {
    return new KafkaSource(
        new KafkaClients(options.getKafkaBootstrapServers(), options.getKafkaPropertiesFile()),
        options.getKafkaTopics(),
        options.getKafkaConsumerGroup(),
        options.getKafkaStartOffset(),
        Duration.standardSeconds(options.getKafkaMaxOutOfOrdernessSeconds()),
        null,
        null);
  }

  /** Stops after this many records over all topics: a bounded read, for tests and benchmarks. */
  public KafkaSource withMaxRecords(long records) {
    return new KafkaSource(
        clients, topics, consumerGroup, startOffset, maxOutOfOrderness, records, maxReadTime);
  }

  /** Stops reading after this long: a bounded read, for tests and benchmarks. */
  public KafkaSource withMaxReadTime(Duration duration) {
    return new KafkaSource(
        clients, topics, consumerGroup, startOffset, maxOutOfOrderness, maxRecords, duration);
  }

  @Override
  public PCollection<RawMessage> expand(PBegin begin) {
    KafkaIO.Read<byte[], byte[]> read =
        KafkaIO.<byte[], byte[]>read()
            .withBootstrapServers(clients.bootstrapServers())
            .withTopics(topics)
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(ByteArrayDeserializer.class)
            .withConsumerConfigUpdates(
                Map.of(
                    ConsumerConfig.GROUP_ID_CONFIG, consumerGroup,
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, startOffset,
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false))
            .withConsumerFactoryFn(clients.consumerFactory())
            .withReadCommitted()
            .commitOffsetsInFinalize()
            .withTimestampPolicyFactory(EventTimePolicy.factory(maxOutOfOrderness));
    if (maxRecords != null) {
      read = read.withMaxNumRecords(maxRecords);
    }
    if (maxReadTime != null) {
      read = read.withMaxReadTime(maxReadTime);
    }
    return begin
        .apply("ReadKafka", read)
        .apply(
            "ToRaw",
            MapElements.into(TypeDescriptor.of(RawMessage.class))
                .via(
                    (KafkaRecord<byte[], byte[]> record) ->
                        new RawMessage(
                            "kafka:" + record.getTopic(),
                            record.getKV().getValue() == null
                                ? new byte[0]
                                : record.getKV().getValue(),
                            System.currentTimeMillis())))
        .setCoder(RawMessageCoder.of());
  }
}

package dev.dctwin.pipeline.io;

import dev.dctwin.codec.ParseMessages;
import dev.dctwin.codec.RawMessageCoder;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.RawMessage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.joda.time.Duration;

/**
 * Reads Kafka topics with KafkaIO as raw messages whose source is {@code kafka:<topic>} and whose
 * origin is the record's topic, partition and offset, stamped with the payload's event time by
 * {@link EventTimePolicy}. Records larger than the cap ({@link #withMaxPayloadBytes}) go on cut.
 *
 * <p>What it guarantees: records are read {@code read_committed}; offsets are committed to the
 * consumer group only when a checkpoint is finalized ({@code commitOffsetsInFinalize}), so a
 * restart resumes from the last finalized checkpoint and nothing acknowledged is lost (at least
 * once into the pipeline, exactly once in the pipeline's state on runners that restore
 * checkpoints). Within a partition, records more than {@code maxOutOfOrderness} behind the newest
 * event time are late. Topics of a monitoring agent's format ({@link #withFormats}) are read too,
 * stamped with their records' Kafka timestamps. See {@code pipeline/IO.md}.
 */
public final class KafkaSource extends PTransform<PBegin, PCollection<RawMessage>> {
  /**
   * Consumer settings for a reader that must keep up with a backlog. KafkaIO's reader hands its
   * consumer's polls to the runner one batch at a time, and Beam's FlinkRunner source sleeps 50 ms
   * whenever no batch is ready: with Kafka's default of 500 records a poll, a backlog read at about
   * 8,000 records/s on two cores (the throughput benchmark, 10,000 servers), and at about 21,000
   * with 5,000. The fetch size lets one fetch fill such a poll. The Kafka properties file overrides
   * both.
   */
  private static final Map<String, Object> BACKLOG_CONSUMER_CONFIG =
      Map.of(
          ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
          5_000,
          ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG,
          8 * 1024 * 1024);

  private final KafkaClients clients;
  private final List<String> topics;
  private final String consumerGroup;
  private final String startOffset;
  private final Duration maxOutOfOrderness;
  private final Long maxRecords;
  private final Duration maxReadTime;
  private final Set<String> agentTopics;
  private final int maxPayloadBytes;
  private final int keptBytes;

  private KafkaSource(
      KafkaClients clients,
      List<String> topics,
      String consumerGroup,
      String startOffset,
      Duration maxOutOfOrderness,
      Long maxRecords,
      Duration maxReadTime,
      Set<String> agentTopics,
      int maxPayloadBytes,
      int keptBytes) {
    this.clients = clients;
    this.topics = List.copyOf(topics);
    this.consumerGroup = consumerGroup;
    this.startOffset = startOffset;
    this.maxOutOfOrderness = maxOutOfOrderness;
    this.maxRecords = maxRecords;
    this.maxReadTime = maxReadTime;
    this.agentTopics = Set.copyOf(agentTopics);
    this.maxPayloadBytes = maxPayloadBytes;
    this.keptBytes = keptBytes;
  }

  public static KafkaSource from(KafkaOptions options) {
    return new KafkaSource(
        new KafkaClients(options.getKafkaBootstrapServers(), options.getKafkaPropertiesFile()),
        options.getKafkaTopics(),
        options.getKafkaConsumerGroup(),
        options.getKafkaStartOffset(),
        Duration.standardSeconds(options.getKafkaMaxOutOfOrdernessSeconds()),
        null,
        null,
        Set.of(),
        ParseMessages.DEFAULT_MAX_AGENT_PAYLOAD_BYTES,
        DeadLetter.DEFAULT_MAX_KEPT_BYTES);
  }

  /** Stops after this many records over all topics: a bounded read, for tests and benchmarks. */
  public KafkaSource withMaxRecords(long records) {
    return new KafkaSource(
        clients,
        topics,
        consumerGroup,
        startOffset,
        maxOutOfOrderness,
        records,
        maxReadTime,
        agentTopics,
        maxPayloadBytes,
        keptBytes);
  }

  /** Stops reading after this long: a bounded read, for tests and benchmarks. */
  public KafkaSource withMaxReadTime(Duration duration) {
    return new KafkaSource(
        clients,
        topics,
        consumerGroup,
        startOffset,
        maxOutOfOrderness,
        maxRecords,
        duration,
        agentTopics,
        maxPayloadBytes,
        keptBytes);
  }

  /**
   * Also reads the topics that {@code --topicFormats} names, and stamps the records of every topic
   * in an agent's format with their Kafka timestamps (their payloads have no {@code eventTime}).
   */
  public KafkaSource withFormats(SourceFormats formats) {
    Set<String> all = new LinkedHashSet<>(topics);
    all.addAll(formats.namedTopics());
    List<String> agents = new ArrayList<>();
    for (String topic : all) {
      if (formats.isAgentTopic(topic)) {
        agents.add(topic);
      }
    }
    return new KafkaSource(
        clients,
        List.copyOf(all),
        consumerGroup,
        startOffset,
        maxOutOfOrderness,
        maxRecords,
        maxReadTime,
        Set.copyOf(agents),
        maxPayloadBytes,
        keptBytes);
  }

  /**
   * Records larger than {@code maxPayloadBytes} go on with their first {@code keptBytes} bytes,
   * their length and SHA-256 only ({@link RawMessage#capped}): the parser makes them {@code
   * PAYLOAD_TOO_LARGE} dead letters.
   */
  public KafkaSource withMaxPayloadBytes(int maxBytes, int kept) {
    return new KafkaSource(
        clients,
        topics,
        consumerGroup,
        startOffset,
        maxOutOfOrderness,
        maxRecords,
        maxReadTime,
        agentTopics,
        maxBytes,
        kept);
  }

  /** The topics read. */
  public List<String> topics() {
    return topics;
  }

  Map<String, Object> consumerConfig() {
    return consumerConfig(consumerGroup, startOffset);
  }

  /**
   * The consumer settings of a KafkaIO read in consumer group {@code group} that polls a backlog in
   * large batches and commits offsets only when told to.
   */
  public static Map<String, Object> consumerConfig(String group, String startOffset) {
    Map<String, Object> config = new HashMap<>(BACKLOG_CONSUMER_CONFIG);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, startOffset);
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return config;
  }

  @Override
  public PCollection<RawMessage> expand(PBegin begin) {
    // One read per topic, so that a quiet topic's splits never share a source thread with a busy
    // one's (IO.md, Throughput). A bounded read counts its records over all topics: one read.
    List<List<String>> reads =
        maxRecords != null ? List.of(topics) : topics.stream().map(List::of).toList();
    PCollectionList<KafkaRecord<byte[], byte[]>> records =
        PCollectionList.empty(begin.getPipeline());
    for (List<String> readTopics : reads) {
      records =
          records.and(
              begin.apply(
                  reads.size() == 1 ? "ReadKafka" : "ReadKafka " + readTopics.get(0),
                  read(readTopics)));
    }
    int maxBytes = maxPayloadBytes;
    int kept = keptBytes;
    return records
        .apply("AllTopics", Flatten.pCollections())
        .apply(
            "ToRaw",
            MapElements.into(TypeDescriptor.of(RawMessage.class))
                .via(
                    (KafkaRecord<byte[], byte[]> record) ->
                        RawMessage.capped(
                            "kafka:" + record.getTopic(),
                            record.getKV().getValue() == null
                                ? new byte[0]
                                : record.getKV().getValue(),
                            System.currentTimeMillis(),
                            MessageOrigin.kafka(
                                record.getTopic(), record.getPartition(), record.getOffset()),
                            maxBytes,
                            kept)))
        .setCoder(RawMessageCoder.of());
  }

  private KafkaIO.Read<byte[], byte[]> read(List<String> readTopics) {
    KafkaIO.Read<byte[], byte[]> read =
        KafkaIO.<byte[], byte[]>read()
            .withBootstrapServers(clients.bootstrapServers())
            .withTopics(readTopics)
            .withKeyDeserializer(ByteArrayDeserializer.class)
            .withValueDeserializer(ByteArrayDeserializer.class)
            .withConsumerConfigUpdates(consumerConfig())
            .withConsumerFactoryFn(clients.consumerFactory())
            .withReadCommitted()
            .commitOffsetsInFinalize()
            .withTimestampPolicyFactory(EventTimePolicy.factory(maxOutOfOrderness, agentTopics));
    if (maxRecords != null) {
      read = read.withMaxNumRecords(maxRecords);
    }
    if (maxReadTime != null) {
      read = read.withMaxReadTime(maxReadTime);
    }
    return read;
  }
}

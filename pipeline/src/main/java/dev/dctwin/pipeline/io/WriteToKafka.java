package dev.dctwin.pipeline.io;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.io.kafka.ProducerRecordCoder;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes elements as JSON records to one Kafka topic, keyed so that consumers can de-duplicate (an
 * alert's key is its id) and compaction keeps the latest value per key.
 *
 * <p>Exactly once uses {@link KafkaTransactionalSink}: one Kafka transaction per bundle and shard,
 * committed together with the shard's progress (the next record number to write) in the consumer
 * group {@code sinkGroupId}. Records become visible to {@code read_committed} consumers when their
 * bundle commits; on the FlinkRunner that is after the checkpoint that buffered them completed, so
 * they lag by up to one checkpoint interval. The group must stay the same across restarts of one
 * deployment from a checkpoint or savepoint; a fresh job on an empty group starts at record 0, and
 * a fresh job on a used group refuses to start (the group's progress names another writer; choose a
 * new deployment id, or delete the group, for a fresh start). The topic needs at least {@code
 * shards} partitions. At least once uses an idempotent producer with {@code acks=all}: a replay
 * after a failure may write a record twice. Either way, the client properties file cannot change
 * the settings these guarantees need.
 */
public final class WriteToKafka<T> extends PTransform<PCollection<T>, PDone> {
  private final KafkaClients clients;
  private final String topic;
  private final SerializableFunction<T, String> key;
  private final SerializableFunction<T, String> value;
  private final String sinkGroupId;
  private final String writerId;
  private final int shards;
  private final SerializableFunction<String, Map<String, String>> headers;

  private WriteToKafka(
      KafkaClients clients,
      String topic,
      SerializableFunction<T, String> key,
      SerializableFunction<T, String> value,
      String sinkGroupId,
      String writerId,
      int shards,
      SerializableFunction<String, Map<String, String>> headers) {
    this.clients = clients;
    this.topic = topic;
    this.key = key;
    this.value = value;
    this.sinkGroupId = sinkGroupId;
    this.writerId = writerId;
    this.shards = shards;
    this.headers = headers;
  }

  public static <T> WriteToKafka<T> atLeastOnce(
      KafkaClients clients,
      String topic,
      SerializableFunction<T, String> key,
      SerializableFunction<T, String> value) {
    return new WriteToKafka<>(clients, topic, key, value, null, null, 0, null);
  }

  /**
   * Record headers of each record, derived from its value (UTF-8 values), as Kafka Connect adds its
   * dead-letter headers. Both sinks write them; the exactly-once sink derives them when it sends a
   * record, so its held records (its state) stay key and value.
   */
  public WriteToKafka<T> withHeaders(SerializableFunction<String, Map<String, String>> headersOf) {
    return new WriteToKafka<>(clients, topic, key, value, sinkGroupId, writerId, shards, headersOf);
  }

  /**
   * Exactly once, with the sink group derived from the deployment and the topic, and a writer id of
   * the deployment that is new with every build of the job.
   */
  public WriteToKafka<T> exactlyOnce(String deploymentId, int shards) {
    return new WriteToKafka<>(
        clients,
        topic,
        key,
        value,
        sinkGroupId(deploymentId, topic),
        SinkWriterId.create(deploymentId),
        shards,
        headers);
  }

  /**
   * Refuses a new job of a deployment whose exactly-once sink groups already hold progress: the
   * sink itself refuses such a group, but only at its first record, and a new job on the same input
   * group starts after the input its predecessor read, so it may write nothing for a long time and
   * run without a word (simulator/FAULTS.md, the redeploy). A job restored from a savepoint or
   * checkpoint is the same writer and must not be checked.
   *
   * @throws IllegalStateException naming the group, what to do instead, and pipeline/IO.md
   */
  public static void refuseUsedSinkGroups(
      KafkaClients clients, String deploymentId, List<String> topics) {
    try (Admin admin = clients.admin(Map.of())) {
      for (String topic : topics) {
        String group = sinkGroupId(deploymentId, topic);
        Map<TopicPartition, OffsetAndMetadata> offsets =
            admin
                .listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata()
                .get(30, TimeUnit.SECONDS);
        if (offsets != null && !offsets.isEmpty()) {
          OffsetAndMetadata any = offsets.values().iterator().next();
          throw new IllegalStateException(
              "the exactly-once Kafka sink of topic "
                  + topic
                  + " refuses to start: its consumer group "
                  + group
                  + " holds the progress of another job of deployment "
                  + deploymentId
                  + " (writer "
                  + SinkWriterId.writerOf(any == null ? null : any.metadata())
                  + "), and this job is not restored from its savepoint or checkpoint"
                  + " (--savepointPath). Give the new job a new --deploymentId, resume the"
                  + " earlier job from its savepoint, or stop every job of the deployment and"
                  + " delete the group. See pipeline/IO.md.");
        }
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot read the exactly-once sink groups of deployment " + deploymentId + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** The consumer group in which the exactly-once sink of {@code topic} keeps its state. */
  public static String sinkGroupId(String deploymentId, String topic) {
    return ("dctwin-" + deploymentId + "-eos-" + topic).toLowerCase(Locale.ROOT);
  }

  @Override
  public PDone expand(PCollection<T> elements) {
    String target = topic;
    SerializableFunction<T, String> keyOf = key;
    SerializableFunction<T, String> valueOf = value;
    SerializableFunction<String, Map<String, String>> headersOf = headers;
    if (sinkGroupId != null) {
      return elements
          .apply(
              "ToKeyValue",
              MapElements.into(
                      TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                  .via((T element) -> KV.of(keyOf.apply(element), valueOf.apply(element))))
          .setCoder(
              KvCoder.of(
                  NullableCoder.of(StringUtf8Coder.of()), NullableCoder.of(StringUtf8Coder.of())))
          .apply(
              "WriteKafka",
              KafkaTransactionalSink.of(clients, topic, sinkGroupId, shards)
                  .withWriterId(writerId)
                  .withHeaders(headersOf));
    }
    PCollection<ProducerRecord<String, String>> records =
        elements
            .apply(
                "ToRecord",
                MapElements.into(new TypeDescriptor<ProducerRecord<String, String>>() {})
                    .via(
                        (T element) -> {
                          String recordValue = valueOf.apply(element);
                          return new ProducerRecord<>(
                              target,
                              null,
                              keyOf.apply(element),
                              recordValue,
                              recordHeaders(headersOf, recordValue));
                        }))
            .setCoder(ProducerRecordCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    KafkaIO.WriteRecords<String, String> write =
        KafkaIO.<String, String>writeRecords()
            .withBootstrapServers(clients.bootstrapServers())
            .withTopic(topic)
            .withKeySerializer(StringSerializer.class)
            .withValueSerializer(StringSerializer.class)
            // acks=all and idempotence, applied after the client properties file.
            .withProducerFactoryFn(clients.producerFactory(KafkaClients.RELIABLE_PRODUCER));
    return records.apply("WriteKafka", write);
  }

  /** The headers {@code headersOf} derives from a record's value; null without a function. */
  static Headers recordHeaders(
      SerializableFunction<String, Map<String, String>> headersOf, String value) {
    if (headersOf == null) {
      return null;
    }
    Map<String, String> values = headersOf.apply(value);
    RecordHeaders headers = new RecordHeaders();
    values.forEach((name, text) -> headers.add(name, text.getBytes(StandardCharsets.UTF_8)));
    return headers;
  }
}

package dev.dctwin.pipeline.io;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;

/**
 * Reads topics from their beginning, {@code read_committed} (what the exactly-once sinks have
 * committed), without a consumer group, then follows them: how a stateless service beside the
 * pipeline (the Alertmanager relay, the web view) rebuilds its state on every start. {@link
 * #caughtUp()} turns true once every partition has reached the end offset it had when the replay
 * started.
 *
 * <p>A topic that does not exist yet is looked up again every {@link #RECHECK}, and so are new
 * partitions; what appears later is read from its beginning. Not thread-safe, like the consumer.
 */
public final class TopicReplay implements AutoCloseable {
  /** How often missing topics and new partitions are looked for. */
  static final Duration RECHECK = Duration.ofSeconds(10);

  private final KafkaConsumer<byte[], String> consumer;
  private final List<String> topics;
  private final Set<TopicPartition> assigned = new LinkedHashSet<>();
  private final Map<TopicPartition, Long> catchUpTo = new HashMap<>();
  private final Set<String> missing = new LinkedHashSet<>();
  private boolean caughtUp;
  private boolean started;
  private long lastCheck;

  private TopicReplay(KafkaConsumer<byte[], String> consumer, List<String> topics) {
    this.consumer = consumer;
    this.topics = List.copyOf(topics);
  }

  /**
   * A replay of {@code topics}, from the first {@link #poll}. {@code fetchMaxWait} bounds how long
   * the broker holds an empty fetch: what a live reader adds to the latency of each record.
   */
  public static TopicReplay start(KafkaClients kafka, List<String> topics, Duration fetchMaxWait) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, (int) fetchMaxWait.toMillis());
    return new TopicReplay(
        new KafkaConsumer<>(
            kafka.withSecrets(config), new ByteArrayDeserializer(), new StringDeserializer()),
        topics);
  }

  /** The next records of any of the topics, waiting at most {@code timeout}. */
  public ConsumerRecords<byte[], String> poll(Duration timeout) {
    if (!started) {
      started = true;
      assignNew(true);
    } else if (System.nanoTime() - lastCheck >= RECHECK.toNanos()) {
      assignNew(false);
    }
    ConsumerRecords<byte[], String> records =
        assigned.isEmpty() ? ConsumerRecords.empty() : consumer.poll(timeout);
    if (assigned.isEmpty()) {
      sleep(timeout);
    }
    if (!caughtUp
        && catchUpTo.entrySet().stream()
            .allMatch(end -> consumer.position(end.getKey()) >= end.getValue())) {
      caughtUp = true;
      catchUpTo.clear();
    }
    return records;
  }

  /**
   * Whether every partition has been read up to where it ended when the replay started (a topic
   * missing then counts as empty). Stays true.
   */
  public boolean caughtUp() {
    return caughtUp;
  }

  /** The topics not found at the last look. */
  public Set<String> missingTopics() {
    return Set.copyOf(missing);
  }

  /** The topics this replay reads. */
  public List<String> topics() {
    return topics;
  }

  /** Ends a blocking call of the reading thread with a WakeupException; any thread may call it. */
  public void wakeup() {
    consumer.wakeup();
  }

  @Override
  public void close() {
    consumer.close(Duration.ofSeconds(5));
  }

  /**
   * Decodes a record in the wire format, or logs it as unreadable and returns null: a consumer
   * beside the pipeline skips what it cannot read, as the pipeline dead-letters it.
   */
  public static Message decode(
      WireCodec codec, ConsumerRecord<byte[], String> record, MessageType defaultType, Logger log) {
    String problem;
    if (record.value() == null) {
      problem = "no value";
    } else {
      try {
        return codec.decode(record.value().getBytes(StandardCharsets.UTF_8), defaultType);
      } catch (InvalidMessageException e) {
        problem = e.getMessage();
      }
    }
    log.warn(
        "skipping record {}-{}@{}: not a {} message ({})",
        record.topic(),
        record.partition(),
        record.offset(),
        defaultType.wireName(),
        problem);
    return null;
  }

  /** Assigns the partitions not assigned yet, from their beginning. */
  private void assignNew(boolean first) {
    lastCheck = System.nanoTime();
    List<TopicPartition> found = new ArrayList<>();
    missing.clear();
    for (String topic : topics) {
      List<PartitionInfo> infos =
          consumer.partitionsFor(topic, first ? Duration.ofSeconds(30) : Duration.ofSeconds(5));
      if (infos == null || infos.isEmpty()) {
        missing.add(topic);
        continue;
      }
      for (PartitionInfo info : infos) {
        TopicPartition partition = new TopicPartition(topic, info.partition());
        if (!assigned.contains(partition)) {
          found.add(partition);
        }
      }
    }
    if (found.isEmpty()) {
      return;
    }
    assigned.addAll(found);
    consumer.assign(assigned);
    consumer.seekToBeginning(found);
    if (first) {
      catchUpTo.putAll(consumer.endOffsets(found));
    }
  }

  private static void sleep(Duration timeout) {
    try {
      Thread.sleep(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package dev.dctwin.simulator.bench;

import dev.dctwin.simulator.local.Acknowledgements;
import dev.dctwin.simulator.local.EmbeddedKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The machine's ceiling for a benchmark's work: Kafka alone passing the benchmark's input records,
 * unchanged, from their topics to output topics ({@code <topic>.ceiling}, same partition), exactly
 * once and with no processing: a {@code read_committed} consumer and a transactional producer that
 * commits each poll's records with the consumer's offsets, two such pairs (the jobs' parallelism)
 * each on half of the partitions. Measured in the same run, on the same broker and cores as the
 * benchmark, right after it: what the benchmark achieves is then read as a fraction of what Kafka's
 * own clients achieve on the same records.
 */
final class KafkaCeiling {
  static final int WORKERS = 2;

  private KafkaCeiling() {}

  /**
   * One pass.
   *
   * @param expected records in the input topics
   * @param copied records committed to the output topics
   * @param seconds from the first record polled to the last commit
   * @param cpuMicrosPerRecord CPU time of this whole JVM over the same span, per record
   * @param failure what went wrong, or null
   */
  record Result(
      long expected, long copied, double seconds, double cpuMicrosPerRecord, String failure) {
    /** Why this pass measures nothing, or null if it copied every record. */
    String invalidReason() {
      if (failure != null) {
        return "the Kafka ceiling failed: " + failure;
      }
      if (copied < expected) {
        return String.format(
            Locale.ROOT,
            "the Kafka ceiling copied %,d of %,d records within its time limit",
            copied,
            expected);
      }
      return null;
    }

    /** Units (records, reports, pairs) of the benchmark per second over this pass's time. */
    double rate(double units) {
      return units / seconds;
    }
  }

  /**
   * Copies every record of {@code topics} (name to partition count) to {@code <name>.ceiling}.
   *
   * @param expected records the topics hold; the pass ends when that many are committed
   */
  static Result measure(
      EmbeddedKafka kafka, Map<String, Integer> topics, long expected, Duration timeLimit) {
    String run = "ceiling-" + UUID.randomUUID().toString().substring(0, 8);
    List<List<TopicPartition>> assigned = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      assigned.add(new ArrayList<>());
    }
    int next = 0;
    for (Map.Entry<String, Integer> topic : topics.entrySet()) {
      kafka.createTopics(topic.getValue(), topic.getKey() + ".ceiling");
      for (int p = 0; p < topic.getValue(); p++) {
        assigned.get(next++ % WORKERS).add(new TopicPartition(topic.getKey(), p));
      }
    }
    AtomicLong copied = new AtomicLong();
    AtomicLong firstPollNanos = new AtomicLong(Long.MAX_VALUE);
    AtomicLong cpuAtFirstPoll = new AtomicLong(-1);
    AtomicLong lastCommitNanos = new AtomicLong();
    AtomicReference<String> failure = new AtomicReference<>();
    long deadline = System.nanoTime() + timeLimit.toNanos();
    List<Thread> workers = new ArrayList<>();
    for (int w = 0; w < WORKERS; w++) {
      List<TopicPartition> partitions = assigned.get(w);
      if (partitions.isEmpty()) {
        continue;
      }
      String transactionalId = run + "-" + w;
      Thread worker =
          new Thread(
              () -> {
                try {
                  copy(
                      kafka.bootstrapServers(),
                      run,
                      transactionalId,
                      partitions,
                      expected,
                      deadline,
                      copied,
                      firstPollNanos,
                      cpuAtFirstPoll,
                      lastCommitNanos);
                } catch (RuntimeException e) {
                  failure.compareAndSet(null, e.toString());
                }
              },
              "dctwin-kafka-ceiling-" + w);
      worker.start();
      workers.add(worker);
    }
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
    long cpuAtEnd = PipelineThroughput.processCpuNanos();
    long first = firstPollNanos.get();
    long last = lastCommitNanos.get();
    double seconds = first == Long.MAX_VALUE || last < first ? Double.NaN : (last - first) / 1e9;
    long done = copied.get();
    return new Result(
        expected,
        done,
        seconds,
        done == 0 || cpuAtFirstPoll.get() < 0
            ? Double.NaN
            : (cpuAtEnd - cpuAtFirstPoll.get()) / 1e3 / done,
        failure.get());
  }

  private static void copy(
      String bootstrapServers,
      String group,
      String transactionalId,
      List<TopicPartition> partitions,
      long expected,
      long deadline,
      AtomicLong copied,
      AtomicLong firstPollNanos,
      AtomicLong cpuAtFirstPoll,
      AtomicLong lastCommitNanos) {
    Map<String, Object> consumerConfig = new HashMap<>();
    consumerConfig.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    consumerConfig.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerConfig.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    Map<String, Object> producerConfig = new HashMap<>();
    producerConfig.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    producerConfig.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    producerConfig.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
    try (KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                producerConfig, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      consumer.assign(partitions);
      Acknowledgements acks = new Acknowledgements("the Kafka ceiling's copies");
      while (copied.get() < expected && System.nanoTime() < deadline) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(100));
        if (records.isEmpty()) {
          continue;
        }
        long now = System.nanoTime();
        if (firstPollNanos.get() == Long.MAX_VALUE) {
          long cpu = PipelineThroughput.processCpuNanos();
          if (firstPollNanos.compareAndSet(Long.MAX_VALUE, now)) {
            cpuAtFirstPoll.set(cpu);
          }
        }
        producer.beginTransaction();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
          acks.send(
              producer,
              new ProducerRecord<>(
                  record.topic() + ".ceiling",
                  record.partition(),
                  record.timestamp(),
                  record.key(),
                  record.value()));
          offsets.put(
              new TopicPartition(record.topic(), record.partition()),
              new OffsetAndMetadata(record.offset() + 1));
        }
        producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
        // Throws if a send of the transaction failed; then every send has been answered.
        producer.commitTransaction();
        acks.check();
        copied.addAndGet(records.count());
        lastCommitNanos.accumulateAndGet(System.nanoTime(), Math::max);
      }
    }
  }
}

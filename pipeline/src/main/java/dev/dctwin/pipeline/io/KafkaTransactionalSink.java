package dev.dctwin.pipeline.io;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.MapCoder;
import org.apache.beam.sdk.coders.NullableCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.windowing.AfterPane;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Repeatedly;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes (key, value) records to one Kafka topic exactly once, in one Kafka transaction per bundle
 * and shard.
 *
 * <ol>
 *   <li>{@code ToShard}: each record goes to shard {@code floorMod(key.hashCode(), shards)}.
 *   <li>{@code Sequence}: a stateful DoFn numbers each shard's records 0, 1, 2, ... in the order it
 *       sees them.
 *   <li>{@code Write}: a stateful DoFn with {@code @RequiresStableInput} (the runner replays
 *       exactly the same numbered records after a failure) writes each shard's records in order of
 *       their numbers: a number below the next one to write was written (skipped, counter {@code
 *       duplicates_skipped}); one above it is held in state until the gap is filled. The records of
 *       a bundle go into one transaction per shard, committed in {@code @FinishBundle} together
 *       with the shard's next number as the offset of partition {@code shard} of the topic in the
 *       consumer group {@code sinkGroupId} ({@code sendOffsetsToTransaction}). That group is the
 *       source of truth: when a shard's producer starts, the committed number wins over the state
 *       if the state is behind it (a failure after a commit and before the checkpoint that would
 *       have stored the state).
 * </ol>
 *
 * <p>Each commit also stores the sink's writer id in the offset's metadata, and a shard whose group
 * holds the progress of another writer refuses to write ({@link SinkWriterId}): a fresh job on a
 * used group fails with an error that says so, instead of skipping as many records as the group
 * says were written. On the FlinkRunner that error stops the job rather than restarting it.
 *
 * <p>The settings the sink relies on ({@code transactional.id}, idempotence, {@code acks=all},
 * {@code isolation.level=read_committed} of the offsets it reads) are applied after the client
 * properties file ({@link KafkaClients#withSecrets(Map, Map)}), so that file cannot weaken them.
 *
 * <p>Each shard has a fixed {@code transactional.id} ({@code sinkGroupId-shard}), so the producer
 * of a new attempt fences a zombie of an earlier one ({@code initTransactions}), whose commit then
 * fails. Any failure to send or commit aborts the transaction, drops the producer and fails the
 * bundle, for the runner to retry or restore. Producers are kept per JVM (not per DoFn instance)
 * and lent to one bundle at a time: runners such as the DirectRunner move a key between DoFn
 * instances, and two producers of one shard would fence each other.
 *
 * <p>The topic needs at least {@code shards} partitions (Kafka stores offsets only for existing
 * partitions); records themselves are partitioned by key as usual. Records become visible to {@code
 * read_committed} consumers when their bundle commits, which on the FlinkRunner is after the
 * checkpoint that buffered them completed (stable input), so up to one checkpoint interval late.
 */
public final class KafkaTransactionalSink
    extends PTransform<PCollection<KV<String, String>>, PDone> {
  static final String NAMESPACE = KafkaTransactionalSink.class.getName();

  private final KafkaClients clients;
  private final String topic;
  private final String sinkGroupId;
  private final int shards;
  private final String writerId;
  private final SerializableFunction<String, Map<String, String>> headersOfValue;

  private KafkaTransactionalSink(
      KafkaClients clients,
      String topic,
      String sinkGroupId,
      int shards,
      String writerId,
      SerializableFunction<String, Map<String, String>> headersOfValue) {
    this.clients = clients;
    this.topic = topic;
    this.sinkGroupId = sinkGroupId;
    this.shards = shards;
    this.writerId = writerId;
    this.headersOfValue = headersOfValue;
  }

  /** A sink whose writer id is new (see {@link #withWriterId}). */
  public static KafkaTransactionalSink of(
      KafkaClients clients, String topic, String sinkGroupId, int shards) {
    return new KafkaTransactionalSink(
        clients, topic, sinkGroupId, shards, SinkWriterId.create(sinkGroupId), null);
  }

  /**
   * The writer id of a shard that has none in its state yet. A job built twice has two ids, so only
   * a restore from its state lets the second build continue the first one's progress.
   */
  public KafkaTransactionalSink withWriterId(String writerId) {
    return new KafkaTransactionalSink(
        clients, topic, sinkGroupId, shards, writerId, headersOfValue);
  }

  /**
   * Record headers derived from each record's value (UTF-8), added when the record is sent: the
   * held records in state stay plain key and value, so the headers cost no state and no state
   * format change, and a record sent again gets the same headers.
   */
  public KafkaTransactionalSink withHeaders(
      SerializableFunction<String, Map<String, String>> headersOfValue) {
    return new KafkaTransactionalSink(
        clients, topic, sinkGroupId, shards, writerId, headersOfValue);
  }

  /** The shard of a record key: deterministic, the same on every worker and in every attempt. */
  static int shardOf(String key, int shards) {
    return key == null ? 0 : Math.floorMod(key.hashCode(), shards);
  }

  @Override
  public PDone expand(PCollection<KV<String, String>> records) {
    if (shards < 1) {
      throw new IllegalArgumentException("shards must be at least 1, not " + shards);
    }
    if (writerId == null || writerId.isBlank()) {
      throw new IllegalArgumentException("the exactly-once Kafka sink needs a writer id");
    }
    boolean onFlink =
        records.getPipeline().getOptions().getRunner().getSimpleName().contains("Flink");
    KvCoder<String, String> recordCoder =
        KvCoder.of(NullableCoder.of(StringUtf8Coder.of()), NullableCoder.of(StringUtf8Coder.of()));
    int shardCount = shards;
    records
        // State is per key and window: one global window, so that numbers run on forever. No
        // GroupByKey follows, but a runner may implement the keyed steps with one: fire per
        // element.
        .apply(
            "GlobalWindow",
            Window.<KV<String, String>>into(new GlobalWindows())
                .triggering(Repeatedly.forever(AfterPane.elementCountAtLeast(1)))
                .discardingFiredPanes()
                .withAllowedLateness(org.joda.time.Duration.ZERO))
        .apply(
            "ToShard",
            MapElements.into(
                    TypeDescriptors.kvs(
                        TypeDescriptors.integers(),
                        TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings())))
                .via(
                    (KV<String, String> record) ->
                        KV.of(shardOf(record.getKey(), shardCount), record)))
        .setCoder(KvCoder.of(VarIntCoder.of(), recordCoder))
        .apply("Sequence", ParDo.of(new Sequence()))
        .setCoder(KvCoder.of(VarIntCoder.of(), KvCoder.of(VarLongCoder.of(), recordCoder)))
        .apply(
            "Write",
            ParDo.of(
                new Write(clients, topic, sinkGroupId, shards, writerId, onFlink, headersOfValue)));
    return PDone.in(records.getPipeline());
  }

  /** Numbers each shard's records 0, 1, 2, ... */
  static final class Sequence
      extends DoFn<KV<Integer, KV<String, String>>, KV<Integer, KV<Long, KV<String, String>>>> {
    @StateId("nextSeq")
    private final StateSpec<ValueState<Long>> nextSeqSpec = StateSpecs.value(VarLongCoder.of());

    @ProcessElement
    public void process(
        @Element KV<Integer, KV<String, String>> element,
        @StateId("nextSeq") ValueState<Long> nextSeq,
        OutputReceiver<KV<Integer, KV<Long, KV<String, String>>>> out) {
      Long stored = nextSeq.read();
      long seq = stored == null ? 0 : stored;
      out.output(KV.of(element.getKey(), KV.of(seq, element.getValue())));
      nextSeq.write(seq + 1);
    }
  }

  /** Writes each shard's records in order of their numbers, one transaction per bundle. */
  static final class Write extends DoFn<KV<Integer, KV<Long, KV<String, String>>>, Void> {
    private final Counter recordsWritten = Metrics.counter(NAMESPACE, "records_written");
    private final Counter transactionsCommitted =
        Metrics.counter(NAMESPACE, "transactions_committed");
    private final Counter duplicatesSkipped = Metrics.counter(NAMESPACE, "duplicates_skipped");

    /**
     * The shard's next number to write and the records held until their turn, in one cell: a runner
     * binds each state cell on every element, which cost more than the rule itself.
     */
    @StateId("progress")
    private final StateSpec<ValueState<KV<Long, Map<Long, KV<String, String>>>>> progressSpec =
        StateSpecs.value(
            KvCoder.of(
                VarLongCoder.of(),
                MapCoder.of(
                    VarLongCoder.of(),
                    KvCoder.of(
                        NullableCoder.of(StringUtf8Coder.of()),
                        NullableCoder.of(StringUtf8Coder.of())))));

    /**
     * The writer id the shard first wrote with: a job restored from state goes on as that writer
     * even when it was built anew (with a new candidate id). Read only when a writer starts.
     */
    @StateId("writerId")
    private final StateSpec<ValueState<String>> writerIdSpec =
        StateSpecs.value(StringUtf8Coder.of());

    private final KafkaClients clients;
    private final String topic;
    private final String sinkGroupId;
    private final int shards;
    private final String candidateWriterId;
    private final boolean onFlink;
    private final SerializableFunction<String, Map<String, String>> headersOfValue;

    /** The writers lent to the current bundle, by shard. */
    private transient Map<Integer, ShardWriter> borrowed;

    Write(
        KafkaClients clients,
        String topic,
        String sinkGroupId,
        int shards,
        String candidateWriterId,
        boolean onFlink,
        SerializableFunction<String, Map<String, String>> headersOfValue) {
      this.headersOfValue = headersOfValue;
      this.clients = clients;
      this.topic = topic;
      this.sinkGroupId = sinkGroupId;
      this.shards = shards;
      this.candidateWriterId = candidateWriterId;
      this.onFlink = onFlink;
    }

    @Setup
    public void setup() {
      borrowed = new HashMap<>();
      WriterPool.register(poolKey());
    }

    /** Per job build too: writers claimed by one job are never lent to another in this JVM. */
    private String poolKey() {
      return clients.bootstrapServers() + "|" + topic + "|" + sinkGroupId + "|" + candidateWriterId;
    }

    @StartBundle
    public void startBundle() {
      // Left over only if a bundle failed and the runner kept this instance anyway.
      borrowed.values().forEach(ShardWriter::close);
      borrowed.clear();
    }

    @RequiresStableInput
    @ProcessElement
    public void process(
        @Element KV<Integer, KV<Long, KV<String, String>>> element,
        @StateId("progress") ValueState<KV<Long, Map<Long, KV<String, String>>>> progress,
        @StateId("writerId") ValueState<String> writerId) {
      int shard = element.getKey();
      ShardWriter writer = writerFor(shard);
      KV<Long, Map<Long, KV<String, String>>> stored = progress.read();
      long stateNext = stored == null ? 0 : stored.getKey();
      if (writer.writerId() == null) {
        claim(writer, shard, writerId, stateNext);
      }
      Map<Long, KV<String, String>> heldRecords = stored == null ? Map.of() : stored.getValue();
      ShardSequence<KV<String, String>> sequence = new ShardSequence<>(stateNext, heldRecords);
      java.util.function.Consumer<KV<String, String>> send =
          record -> {
            writer.send(
                new ProducerRecord<>(
                    topic,
                    null,
                    record.getKey(),
                    record.getValue(),
                    WriteToKafka.recordHeaders(headersOfValue, record.getValue())));
            recordsWritten.inc();
          };
      // What Kafka says was committed (or this bundle wrote) wins over state that is behind.
      sequence.raiseTo(writer.next(), send);
      long seq = element.getValue().getKey();
      if (sequence.offer(seq, element.getValue().getValue(), send)
          == ShardSequence.Outcome.DUPLICATE) {
        duplicatesSkipped.inc();
      }
      writer.advanceTo(sequence.next());
      if (sequence.next() != stateNext || sequence.heldChanged()) {
        Map<Long, KV<String, String>> stillHeld =
            sequence.held().isEmpty() ? Map.of() : new HashMap<>(sequence.held());
        progress.write(KV.of(sequence.next(), stillHeld));
      }
    }

    /** Whose progress the group holds decides whether this shard may write at all. */
    private void claim(
        ShardWriter writer, int shard, ValueState<String> writerIdState, long stateNext) {
      String stored = writerIdState.read();
      String claimed;
      try {
        claimed =
            SinkWriterId.claim(
                stored,
                candidateWriterId,
                writer.committed(),
                stateNext,
                sinkGroupId,
                topic,
                shard);
      } catch (SinkWriterId.WriterConflict conflict) {
        throw onFlink ? withoutRestarts(conflict) : conflict;
      }
      if (stored == null) {
        writerIdState.write(claimed);
      }
      writer.claimAs(claimed);
    }

    private ShardWriter writerFor(int shard) {
      ShardWriter writer = borrowed.get(shard);
      if (writer == null) {
        writer =
            WriterPool.borrow(
                poolKey(),
                shard,
                () -> ShardWriter.open(clients, topic, sinkGroupId, shard, shards));
        borrowed.put(shard, writer);
      }
      return writer;
    }

    @FinishBundle
    public void finishBundle() {
      List<Integer> done = new ArrayList<>();
      try {
        for (Map.Entry<Integer, ShardWriter> entry : borrowed.entrySet()) {
          if (entry.getValue().commit()) {
            transactionsCommitted.inc();
          }
          done.add(entry.getKey());
        }
      } finally {
        // Writers that committed go back to the pool; the one that failed and those after it
        // are closed (their transactions abort) and the bundle fails.
        for (Map.Entry<Integer, ShardWriter> entry : borrowed.entrySet()) {
          if (done.contains(entry.getKey())) {
            WriterPool.giveBack(poolKey(), entry.getKey(), entry.getValue());
          } else {
            entry.getValue().close();
          }
        }
        borrowed.clear();
      }
    }

    @Teardown
    public void teardown() {
      if (borrowed != null) {
        // A bundle that failed: its transactions must not commit.
        borrowed.values().forEach(ShardWriter::close);
        borrowed.clear();
        WriterPool.unregister(poolKey());
      }
    }
  }

  /**
   * Flink's {@code SuppressRestartsException} around {@code error}: the job fails instead of
   * restarting forever (the cluster's restart strategy) on an error that no restart can fix. Found
   * by name, so that the pipeline needs Flink's classes only on the FlinkRunner.
   */
  static RuntimeException withoutRestarts(RuntimeException error) {
    try {
      Class<?> suppress =
          Class.forName(
              "org.apache.flink.runtime.execution.SuppressRestartsException",
              false,
              KafkaTransactionalSink.class.getClassLoader());
      return (RuntimeException) suppress.getConstructor(Throwable.class).newInstance(error);
    } catch (ReflectiveOperationException | LinkageError | ClassCastException e) {
      return error;
    }
  }

  /**
   * One shard's transactional producer, and the next sequence number that Kafka has (or the open
   * transaction will have) for the shard.
   */
  static final class ShardWriter implements AutoCloseable {
    private static final AtomicLong CREATED = new AtomicLong();

    private final Producer<String, String> producer;
    private final TopicPartition offsetPartition;
    private final ConsumerGroupMetadata group;
    private final long generation = CREATED.incrementAndGet();
    private final SinkWriterId.Committed committed;
    private String writerId;
    private long pendingNext;
    private boolean inTransaction;
    private volatile Exception sendFailure;
    private boolean closed;

    private ShardWriter(
        Producer<String, String> producer,
        TopicPartition offsetPartition,
        String sinkGroupId,
        SinkWriterId.Committed committed) {
      this.producer = producer;
      this.offsetPartition = offsetPartition;
      this.group = new ConsumerGroupMetadata(sinkGroupId);
      this.committed = committed;
      this.pendingNext = committed == null ? 0 : committed.next();
    }

    /** The producer's settings that the client properties file may change. */
    static Map<String, Object> producerDefaults(String sinkGroupId, int shard) {
      Map<String, Object> config = new HashMap<>();
      config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
      config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
      config.put(ProducerConfig.CLIENT_ID_CONFIG, "dctwin-eos-" + sinkGroupId + "-" + shard);
      return config;
    }

    /** The producer's settings that exactly once needs, applied after the file. */
    static Map<String, Object> producerRequired(String sinkGroupId, int shard) {
      Map<String, Object> config = new HashMap<>(KafkaClients.RELIABLE_PRODUCER);
      config.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, sinkGroupId + "-" + shard);
      config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
      return config;
    }

    /**
     * The settings of the consumer that reads the group's offsets, applied after the file: only
     * committed transactions count.
     */
    static Map<String, Object> metadataConsumerRequired(String sinkGroupId) {
      Map<String, Object> config = new HashMap<>();
      config.put(ConsumerConfig.GROUP_ID_CONFIG, sinkGroupId);
      config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
      config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      config.put(
          ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      config.put(
          ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
      return config;
    }

    /**
     * A producer with the shard's transactional id, initialized (which fences older producers of
     * the shard and aborts their open transaction), and the shard's committed next number.
     */
    static ShardWriter open(
        KafkaClients clients, String topic, String sinkGroupId, int shard, int shards) {
      Producer<String, String> producer =
          clients.producer(
              producerDefaults(sinkGroupId, shard), producerRequired(sinkGroupId, shard));
      TopicPartition offsetPartition = new TopicPartition(topic, shard);
      try {
        producer.initTransactions();
        SinkWriterId.Committed committed =
            committed(clients, topic, sinkGroupId, offsetPartition, shards);
        return new ShardWriter(producer, offsetPartition, sinkGroupId, committed);
      } catch (RuntimeException e) {
        producer.close(Duration.ZERO);
        throw e;
      }
    }

    private static SinkWriterId.Committed committed(
        KafkaClients clients,
        String topic,
        String sinkGroupId,
        TopicPartition offsetPartition,
        int shards) {
      try (Consumer<?, ?> consumer =
          clients.consumer(Map.of(), metadataConsumerRequired(sinkGroupId))) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(60));
        int count = partitions == null ? 0 : partitions.size();
        if (count < shards) {
          throw new IllegalStateException(
              "the exactly-once sink of "
                  + topic
                  + " has "
                  + shards
                  + " shards but the topic has "
                  + count
                  + " partitions: Kafka keeps the sink's progress as offsets of partitions"
                  + " 0.."
                  + (shards - 1)
                  + ", so the topic needs at least as many partitions as shards");
        }
        OffsetAndMetadata committed =
            consumer
                .committed(Set.of(offsetPartition), Duration.ofSeconds(60))
                .get(offsetPartition);
        return committed == null
            ? null
            : new SinkWriterId.Committed(committed.offset(), committed.metadata());
      }
    }

    /** What the group held for the shard when this writer started; null if nothing. */
    SinkWriterId.Committed committed() {
      return committed;
    }

    /** The writer id this writer commits as; null until {@link #claimAs}. */
    String writerId() {
      return writerId;
    }

    void claimAs(String writerId) {
      this.writerId = writerId;
    }

    /** The next number Kafka has for the shard, including what the open transaction wrote. */
    long next() {
      return pendingNext;
    }

    void advanceTo(long next) {
      pendingNext = Math.max(pendingNext, next);
    }

    void send(ProducerRecord<String, String> record) {
      if (sendFailure != null) {
        throw fail("a send of the open transaction failed", sendFailure);
      }
      try {
        if (!inTransaction) {
          producer.beginTransaction();
          inTransaction = true;
        }
        producer.send(
            record,
            (metadata, exception) -> {
              if (exception != null && sendFailure == null) {
                sendFailure = exception;
              }
            });
      } catch (RuntimeException e) {
        throw fail("cannot send to " + record.topic(), e);
      }
    }

    /**
     * Commits the open transaction with the shard's next number as the group's offset; false if
     * nothing was sent. Throws (after closing this writer) if the commit fails.
     */
    boolean commit() {
      if (!inTransaction) {
        return false;
      }
      if (writerId == null) {
        throw fail("no writer id claimed", null);
      }
      try {
        producer.sendOffsetsToTransaction(
            Map.of(
                offsetPartition,
                new OffsetAndMetadata(pendingNext, SinkWriterId.metadata(writerId))),
            group);
        producer.commitTransaction();
      } catch (RuntimeException e) {
        throw fail("cannot commit the transaction of " + offsetPartition, e);
      }
      if (sendFailure != null) {
        // commitTransaction fails when a send failed; never let a lost record pass.
        throw fail("a send of the committed transaction failed", sendFailure);
      }
      inTransaction = false;
      return true;
    }

    long generation() {
      return generation;
    }

    private IllegalStateException fail(String message, Exception cause) {
      close();
      return new IllegalStateException(
          "exactly-once Kafka sink: " + message + " (the bundle fails and is retried)", cause);
    }

    /** Aborts an open transaction (if the producer still may) and closes the producer. */
    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      if (inTransaction) {
        try {
          producer.abortTransaction();
        } catch (RuntimeException e) {
          // Fenced or broken: the broker aborts the transaction when it times out or when the
          // shard's next producer initializes.
        }
      }
      try {
        producer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        // Nothing left to save.
      }
    }
  }

  /**
   * The idle writers of this JVM, by sink and shard. A bundle borrows a shard's writer and gives it
   * back after its commit; the last DoFn instance of a sink to tear down closes them.
   */
  static final class WriterPool {
    private static final Map<String, ShardWriter> IDLE = new ConcurrentHashMap<>();
    private static final Map<String, Integer> INSTANCES = new HashMap<>();

    private WriterPool() {}

    static synchronized void register(String sink) {
      INSTANCES.merge(sink, 1, Integer::sum);
    }

    static void unregister(String sink) {
      List<ShardWriter> toClose = new ArrayList<>();
      synchronized (WriterPool.class) {
        Integer left = INSTANCES.merge(sink, -1, Integer::sum);
        if (left != null && left <= 0) {
          INSTANCES.remove(sink);
          IDLE.keySet()
              .removeIf(
                  key -> {
                    if (key.startsWith(sink + "#")) {
                      ShardWriter writer = IDLE.get(key);
                      if (writer != null) {
                        toClose.add(writer);
                      }
                      return true;
                    }
                    return false;
                  });
        }
      }
      toClose.forEach(ShardWriter::close);
    }

    static ShardWriter borrow(String sink, int shard, Supplier<ShardWriter> opener) {
      ShardWriter writer = IDLE.remove(sink + "#" + shard);
      return writer != null ? writer : opener.get();
    }

    static void giveBack(String sink, int shard, ShardWriter writer) {
      ShardWriter[] loser = new ShardWriter[1];
      IDLE.merge(
          sink + "#" + shard,
          writer,
          (idle, returned) -> {
            // Two writers of one shard: the newer one fenced the older.
            ShardWriter newer = idle.generation() > returned.generation() ? idle : returned;
            loser[0] = newer == idle ? returned : idle;
            return newer;
          });
      if (loser[0] != null) {
        loser[0].close();
      }
    }
  }
}

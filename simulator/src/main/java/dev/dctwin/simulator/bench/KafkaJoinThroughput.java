package dev.dctwin.simulator.bench;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.codec.RecordCoder;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.MessageType;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.KafkaSource;
import dev.dctwin.pipeline.io.WriteToKafka;
import dev.dctwin.pipeline.join.JoinQuantities;
import dev.dctwin.pipeline.join.JoinedMeasurements;
import dev.dctwin.simulator.local.Acknowledgements;
import dev.dctwin.simulator.local.EmbeddedKafka;
import dev.dctwin.simulator.local.TopicWatcher;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.joda.time.Duration;

/**
 * Pairs per second of the ordered join through Kafka with exactly-once output: two series per
 * machine (torque and speed of one axis, as in the machine data) are pre-filled into a topic as
 * wire-format measurements, read by KafkaIO ({@code read_committed}, record time = phenomenon
 * time), joined by {@link JoinQuantities} in arrival order (each machine's series stay in order on
 * one partition) on the FlinkRunner, and written to a topic with the exactly-once sink ({@code
 * KafkaTransactionalSink}). The clock runs from submission until a {@code read_committed} consumer
 * has seen every expected pair; a second figure starts it when the job read its first record.
 */
public final class KafkaJoinThroughput {
  static final String LEFT = "vaTorque_C11";
  static final String RIGHT = "actSpeed_C11";
  static final long CHECKPOINT_MS = 1_000;
  static final int PARTITIONS = 2;
  static final int EOS_SHARDS = 2;
  private static final long FIRST_TIME = 1_700_000_000_000L;

  /** Wall time (epoch ms) at which a job of this JVM read its first record; embedded Flink only. */
  static final AtomicLong FIRST_READ_MS = new AtomicLong();

  /** CPU time of this JVM when a job of this JVM read its first record; embedded Flink only. */
  static final AtomicLong FIRST_READ_CPU_NS = new AtomicLong();

  /** Records a job of this JVM read and decoded; embedded Flink only. */
  static final LongAdder DECODED = new LongAdder();

  /** Records the join of a job of this JVM rejected, by reason; embedded Flink only. */
  static final Map<String, Long> REJECTED = new ConcurrentHashMap<>();

  private KafkaJoinThroughput() {}

  /**
   * One run.
   *
   * @param seconds from submission to the last expected pair seen, start-up included
   * @param processingSeconds from the first record read to the last pair seen
   * @param rejected records the join rejected (dead letters), by reason
   * @param decoded records the job read from Kafka
   * @param cpuMicrosPerPair CPU time of this whole JVM (job, broker, watcher) from the first record
   *     read to the last pair seen, per pair
   */
  public record Result(
      long records,
      long pairs,
      long expectedPairs,
      double seconds,
      double processingSeconds,
      long checkpointMs,
      Map<String, Long> rejected,
      long decoded,
      double cpuMicrosPerPair,
      long timeoutSeconds,
      KafkaCeiling.Result ceiling) {
    public boolean complete() {
      return invalidReason() == null;
    }

    /** Why this run's rates mean nothing, or null if its input and output were complete. */
    public String invalidReason() {
      if (pairs < expectedPairs) {
        return String.format(
            java.util.Locale.ROOT,
            "output incomplete: %,d of %,d pairs committed within %d s",
            pairs,
            expectedPairs,
            timeoutSeconds);
      }
      if (!rejected.isEmpty()) {
        return "the join rejected records: " + rejected;
      }
      if (Double.isNaN(processingSeconds)) {
        return "the job's first read was never seen";
      }
      return null;
    }

    /** Pairs per second of Kafka alone passing the same records; NaN without a valid ceiling. */
    public double ceilingRate() {
      return ceiling == null || ceiling.invalidReason() != null
          ? Double.NaN
          : ceiling.rate(expectedPairs);
    }

    public double rate() {
      return pairs / seconds;
    }

    public double processingRate() {
      return pairs / processingSeconds;
    }
  }

  /**
   * Runs the join on {@code machines} machines' {@code perMachine} records each, then (with {@code
   * withCeiling}) Kafka alone on the same records.
   *
   * @throws Acknowledgements.SendFailedException if the broker did not take every input record
   */
  public static Result measure(
      EmbeddedKafka kafka,
      int machines,
      int perMachine,
      java.time.Duration timeout,
      boolean withCeiling) {
    String run = "join_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String in = run + ".measurements";
    String out = run + ".pairs";
    kafka.createTopics(PARTITIONS, in, out);
    long records = produce(kafka, in, machines, perMachine);
    // Alternating sides: each record after a machine's first pairs with the one before it.
    long expectedPairs = (long) machines * (perMachine - 1);

    List<String> flags = new java.util.ArrayList<>(FlinkJobs.streamingFlags(run, CHECKPOINT_MS));
    // The exactly-once sink releases a checkpoint's pairs only when that checkpoint completes.
    // Behind a backlog, an aligned checkpoint's barrier waits for every buffer ahead of it (a
    // first full-size run saw one take 318 s); unaligned barriers overtake the buffers.
    flags.add("--unalignedCheckpointEnabled=true");
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(flags.toArray(String[]::new)).create();
    Pipeline pipeline = Pipeline.create(options);
    KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), null);
    PCollectionTuple joined =
        pipeline
            .apply(
                "ReadKafka",
                KafkaIO.<String, String>read()
                    .withBootstrapServers(kafka.bootstrapServers())
                    .withTopic(in)
                    .withKeyDeserializer(StringDeserializer.class)
                    .withValueDeserializer(StringDeserializer.class)
                    .withConsumerConfigUpdates(KafkaSource.consumerConfig(run, "earliest"))
                    .withReadCommitted()
                    .withCreateTime(Duration.standardSeconds(1))
                    .withoutMetadata())
            .apply("Decode", ParDo.of(new DecodeFn()))
            .setCoder(RecordCoder.of(Measurement.class))
            .apply("Join", JoinQuantities.of(LEFT, RIGHT).withMode(Mode.ARRIVAL_ORDER));
    joined.get(JoinQuantities.DEAD_LETTERS).apply("CountRejected", ParDo.of(new CountRejectedFn()));
    joined
        .get(JoinQuantities.PAIRS)
        .apply(
            "PairsToKafka",
            WriteToKafka.atLeastOnce(clients, out, JoinedMeasurements::thing, new ToJson())
                .exactlyOnce(run, EOS_SHARDS));

    PipelineResult result = null;
    Result measured;
    try (TopicWatcher pairs = new TopicWatcher(kafka.bootstrapServers(), out, false)) {
      FIRST_READ_MS.set(0);
      FIRST_READ_CPU_NS.set(0);
      REJECTED.clear();
      DECODED.reset();
      long startedAtMs = System.currentTimeMillis();
      long started = System.nanoTime();
      result = pipeline.run();
      long deadline = started + timeout.toNanos();
      while (System.nanoTime() < deadline
          && pairs.count() < expectedPairs
          && !result.getState().isTerminal()) {
        Thread.sleep(50);
      }
      long ended = System.nanoTime();
      long cpuAtEnd = PipelineThroughput.processCpuNanos();
      long endedAtMs = startedAtMs + (ended - started) / 1_000_000;
      long firstRead = FIRST_READ_MS.get();
      long seen = pairs.count();
      measured =
          new Result(
              records,
              seen,
              expectedPairs,
              (ended - started) / 1e9,
              firstRead == 0 ? Double.NaN : (endedAtMs - firstRead) / 1e3,
              CHECKPOINT_MS,
              new TreeMap<>(REJECTED),
              DECODED.sum(),
              firstRead == 0 || seen == 0
                  ? Double.NaN
                  : (cpuAtEnd - FIRST_READ_CPU_NS.get()) / 1e3 / seen,
              timeout.toSeconds(),
              null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      FlinkJobs.cancel(result);
    }
    if (!withCeiling) {
      return measured;
    }
    KafkaCeiling.Result ceiling =
        KafkaCeiling.measure(kafka, Map.of(in, PARTITIONS), records, timeout);
    return new Result(
        measured.records(),
        measured.pairs(),
        measured.expectedPairs(),
        measured.seconds(),
        measured.processingSeconds(),
        measured.checkpointMs(),
        measured.rejected(),
        measured.decoded(),
        measured.cpuMicrosPerPair(),
        measured.timeoutSeconds(),
        ceiling);
  }

  private static long produce(EmbeddedKafka kafka, String topic, int machines, int perMachine) {
    WireCodec codec = WireCodec.withDefaults();
    Acknowledgements acks = new Acknowledgements("the pre-fill of " + topic);
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      for (int i = 0; i < perMachine; i++) {
        long time = FIRST_TIME + i;
        for (int m = 0; m < machines; m++) {
          String thing = "machine-" + m;
          Measurement measurement =
              new Measurement(thing, i % 2 == 0 ? LEFT : RIGHT, time, 1.0 + (i % 100));
          acks.send(
              producer,
              new ProducerRecord<>(
                  topic, m % PARTITIONS, time, thing, codec.encodeToString(measurement)));
        }
      }
      acks.awaitAll(producer, java.time.Duration.ofMinutes(5));
    }
    return acks.acknowledged();
  }

  /** Counts the records the join rejected, by reason; embedded Flink only. */
  private static final class CountRejectedFn extends DoFn<DeadLetter, Void> {
    @ProcessElement
    public void processElement(@Element DeadLetter rejected) {
      REJECTED.merge(rejected.reason().name(), 1L, Long::sum);
    }
  }

  /** Parses a wire-format measurement; notes when the first record was read. */
  private static final class DecodeFn extends DoFn<KV<String, String>, Measurement> {
    private transient WireCodec codec;

    @Setup
    public void setup() {
      codec = WireCodec.withDefaults();
    }

    @ProcessElement
    public void processElement(@Element KV<String, String> record, OutputReceiver<Measurement> out)
        throws Exception {
      DECODED.increment();
      if (FIRST_READ_MS.get() == 0 && FIRST_READ_MS.compareAndSet(0, System.currentTimeMillis())) {
        FIRST_READ_CPU_NS.set(PipelineThroughput.processCpuNanos());
      }
      out.output(
          (Measurement)
              codec.decode(
                  record.getValue().getBytes(StandardCharsets.UTF_8), MessageType.MEASUREMENT));
    }
  }

  /** A pair as JSON, fields in declaration order. */
  private static final class ToJson implements SerializableFunction<JoinedMeasurements, String> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String apply(JoinedMeasurements pair) {
      try {
        return JSON.writeValueAsString(pair);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}

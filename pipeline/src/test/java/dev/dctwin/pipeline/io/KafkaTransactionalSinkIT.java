package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.Assert.assertThrows;

import dev.dctwin.pipeline.io.KafkaTransactionalSink.ShardWriter;
import dev.dctwin.pipeline.testing.LocalKafka;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The batched exactly-once Kafka sink against a real (embedded) broker, on the DirectRunner: each
 * record once for {@code read_committed} consumers, a replay writes nothing, an extended replay
 * appends only the new records, far fewer transactions than records, and a zombie producer cannot
 * commit. A new job (another writer id) on a used group refuses to start, also on the FlinkRunner,
 * where it stops the job instead of restarting it; the same job goes on; and a client properties
 * file that would break exactly once is overridden.
 *
 * <p>A run of the DirectRunner keeps no state, so a run with the same writer id stands for the same
 * job restarted (its stable input replayed); a restore whose state holds the id is {@code
 * SinkWriterIdTest}'s, and on a real cluster {@code FlinkClusterRecoveryIT}'s.
 */
@RunWith(JUnit4.class)
public class KafkaTransactionalSinkIT {
  private static final int SHARDS = 3;
  private static final int RECORDS = 5_000;

  private final String run = IoTestSupport.runId();
  private final String topic = "dctwin-" + run + ".out";
  private final String group = WriteToKafka.sinkGroupId(run, topic);
  private final String writer = SinkWriterId.create(run);
  private LocalKafka kafka;
  private KafkaClients clients;

  @Before
  public void setUp() {
    kafka = IoTestSupport.kafka();
    kafka.createTopics(SHARDS, topic);
    clients = new KafkaClients(kafka.bootstrapServers(), null);
  }

  @After
  public void tearDown() {
    if (kafka != null) {
      kafka.deleteTopics(topic);
    }
  }

  /**
   * Writes records 0..count-1 ("k-i" = "v-i"), emitted in order by one element so that a replay
   * numbers them the same way (the runner's stable input gives a real job that property).
   */
  private Map<String, Long> write(int count) {
    return write(count, clients, writer);
  }

  private Map<String, Long> write(int count, KafkaClients clients, String writerId) {
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    pipeline
        .apply(Create.of(count))
        .apply("Records", ParDo.of(new Records()))
        .apply(KafkaTransactionalSink.of(clients, topic, group, SHARDS).withWriterId(writerId));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    Map<String, Long> counters = new HashMap<>();
    for (String name : List.of("records_written", "transactions_committed", "duplicates_skipped")) {
      long sum = 0;
      for (MetricResult<Long> counter :
          result
              .metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.named(KafkaTransactionalSink.NAMESPACE, name))
                      .build())
              .getCounters()) {
        sum += counter.getAttempted();
      }
      counters.put(name, sum);
    }
    return counters;
  }

  /** Emits records 0..n-1 of one element, in order. */
  private static final class Records extends DoFn<Integer, KV<String, String>> {
    @ProcessElement
    public void process(@Element Integer n, OutputReceiver<KV<String, String>> out) {
      for (int i = 0; i < n; i++) {
        out.output(KV.of("k-" + i, "v-" + i));
      }
    }
  }

  private List<ConsumerRecord<String, String>> topicContent(int expected) {
    return kafka.readCommitted(topic, expected, Duration.ofSeconds(30), Duration.ofSeconds(2));
  }

  private static Set<String> keys(int count) {
    return IntStream.range(0, count)
        .mapToObj(i -> "k-" + i)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static void assertEachOnce(List<ConsumerRecord<String, String>> records, int count) {
    Set<String> seen = new TreeSet<>();
    for (ConsumerRecord<String, String> record : records) {
      assertThat("written once: " + record.key(), seen.add(record.key()), equalTo(true));
      assertThat(record.value(), equalTo("v" + record.key().substring(1)));
    }
    assertThat(seen, equalTo(keys(count)));
  }

  @Test
  public void everyRecordOnceInFewTransactions() {
    Map<String, Long> counters = write(RECORDS);

    assertEachOnce(topicContent(RECORDS), RECORDS);
    assertThat(counters.get("records_written"), equalTo((long) RECORDS));
    assertThat(counters.get("duplicates_skipped"), equalTo(0L));
    // KafkaIO 2.62's exactly-once sink commits about one transaction per record.
    assertThat(
        "transactions " + counters,
        counters.get("transactions_committed"),
        lessThan(RECORDS / 10L));
    assertThat(
        "at least one per shard", counters.get("transactions_committed") >= SHARDS, equalTo(true));
  }

  @Test
  public void aReplayWritesNothingAndAnExtendedReplayOnlyTheNewRecords() {
    write(RECORDS);

    Map<String, Long> replay = write(RECORDS);
    assertThat("replay " + replay, replay.get("records_written"), equalTo(0L));
    assertThat(replay.get("duplicates_skipped"), equalTo((long) RECORDS));
    assertThat(replay.get("transactions_committed"), equalTo(0L));
    assertEachOnce(topicContent(RECORDS), RECORDS);

    Map<String, Long> extended = write(RECORDS + 250);
    assertThat("extended " + extended, extended.get("records_written"), equalTo(250L));
    assertThat(extended.get("duplicates_skipped"), equalTo((long) RECORDS));
    assertEachOnce(topicContent(RECORDS + 250), RECORDS + 250);
  }

  /**
   * On the FlinkRunner (embedded, streaming, checkpoints every 500 ms, parallelism 2, stable input
   * buffered until each checkpoint completes): an unbounded input that stops after {@code count}
   * records arrives whole and once.
   */
  @Test
  public void onTheFlinkRunnerEveryRecordOnce() throws Exception {
    int count = 20_000;
    String flinkTopic = topic + ".flink";
    kafka.createTopics(2, flinkTopic);
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=FlinkRunner",
                "--flinkMaster=[local]",
                "--streaming=true",
                "--parallelism=2",
                "--attachedMode=false",
                "--checkpointingInterval=500")
            .create();
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(GenerateSequence.from(0).withRate(5_000, org.joda.time.Duration.standardSeconds(1)))
        .apply(Filter.by((Long i) -> i < count))
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((Long i) -> KV.of("k-" + i, "v-" + i)))
        .apply(KafkaTransactionalSink.of(clients, flinkTopic, group + ".flink", 2));
    PipelineResult result = null;
    try {
      result = pipeline.run();
      Set<String> seen = new TreeSet<>();
      for (ConsumerRecord<String, String> record :
          kafka.readCommitted(flinkTopic, count, Duration.ofSeconds(120), Duration.ofSeconds(3))) {
        assertThat("written once: " + record.key(), seen.add(record.key()), equalTo(true));
      }
      assertThat("records seen", seen.size(), equalTo(count));
      assertThat(seen, equalTo(keys(count)));
    } finally {
      IoTestSupport.cancel(result);
      kafka.deleteTopics(flinkTopic);
    }
  }

  /** The message of the first error in a chain that says the sink refuses to start, or null. */
  private static String refusal(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t.getMessage() != null && t.getMessage().contains("refuses to start")) {
        return t.getMessage();
      }
    }
    return null;
  }

  @Test
  public void aNewJobOnAUsedGroupRefusesToStartAndTheSameJobGoesOn() throws IOException {
    // The first job's client properties file tries to break exactly once; it is overridden (with
    // enable.idempotence=false a producer with a transactional.id would not even start).
    Path file = Files.createTempFile("dctwin-kafka-", ".properties");
    Files.writeString(
        file,
        "enable.idempotence=false\nacks=1\nisolation.level=read_uncommitted\n"
            + "transactional.id=someone-else\n",
        StandardCharsets.UTF_8);
    KafkaClients hostileFile = new KafkaClients(kafka.bootstrapServers(), file.toString());
    try {
      assertThat(write(300, hostileFile, writer).get("records_written"), equalTo(300L));
    } finally {
      Files.delete(file);
    }
    assertEachOnce(topicContent(300), 300);

    String other = SinkWriterId.create(run);
    RuntimeException refused =
        assertThrows(RuntimeException.class, () -> write(400, clients, other));
    String message = refusal(refused);
    assertThat("refused: " + refused, message, notNullValue());
    assertThat(message, containsString("consumer group " + group));
    assertThat(message, containsString("writer " + writer));
    assertThat(message, containsString("this job is writer " + other));
    assertThat(message, containsString("--deploymentId"));
    assertEachOnce(topicContent(300), 300);

    Map<String, Long> restarted = write(400);
    assertThat("restarted " + restarted, restarted.get("records_written"), equalTo(100L));
    assertThat(restarted.get("duplicates_skipped"), equalTo(300L));
    assertEachOnce(topicContent(400), 400);
  }

  /**
   * On the FlinkRunner, whose restart strategy with checkpoints retries for ever, the refusal fails
   * the job for good.
   */
  @Test
  public void onTheFlinkRunnerARefusedJobFailsInsteadOfRestarting() throws Exception {
    write(10);
    PipelineOptions options =
        PipelineOptionsFactory.fromArgs(
                "--runner=FlinkRunner",
                "--flinkMaster=[local]",
                "--streaming=true",
                "--parallelism=1",
                "--checkpointingInterval=500")
            .create();
    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply(GenerateSequence.from(0).withRate(100, org.joda.time.Duration.standardSeconds(1)))
        .apply(
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.strings()))
                .via((Long i) -> KV.of("k-" + i, "v-" + i)))
        .apply(
            KafkaTransactionalSink.of(clients, topic, group, SHARDS)
                .withWriterId(SinkWriterId.create(run)));
    // Attached: run() returns only when the job has ended, which a restarting job never does.
    ExecutorService runner = Executors.newSingleThreadExecutor();
    try {
      Future<PipelineResult> job = runner.submit(() -> pipeline.run());
      ExecutionException failed;
      try {
        job.get(120, TimeUnit.SECONDS);
        throw new AssertionError("the job on a used group ran to its end");
      } catch (TimeoutException e) {
        throw new AssertionError("the job on a used group was still restarting after 120 s", e);
      } catch (ExecutionException e) {
        failed = e;
      }
      assertThat("failed: " + failed.getCause(), refusal(failed.getCause()), notNullValue());
      assertEachOnce(topicContent(10), 10);
    } finally {
      runner.shutdownNow();
    }
  }

  @Test
  public void aNewProducerOfTheShardFencesTheOldOne() {
    ShardWriter zombie = ShardWriter.open(clients, topic, group, 0, SHARDS);
    zombie.claimAs(writer);
    zombie.send(new ProducerRecord<>(topic, "k-zombie", "v-zombie"));
    zombie.advanceTo(1);

    ShardWriter current = ShardWriter.open(clients, topic, group, 0, SHARDS);
    current.claimAs(writer);
    assertThat("nothing committed yet", current.next(), equalTo(0L));
    assertThrows(IllegalStateException.class, zombie::commit);

    current.send(new ProducerRecord<>(topic, "k-0", "v-0"));
    current.advanceTo(1);
    assertThat(current.commit(), equalTo(true));
    current.close();

    List<ConsumerRecord<String, String>> records = topicContent(1);
    assertThat(records.size(), equalTo(1));
    assertThat(records.get(0).key(), equalTo("k-0"));
    try (ShardWriter next = ShardWriter.open(clients, topic, group, 0, SHARDS)) {
      assertThat("the group keeps the shard's progress", next.next(), equalTo(1L));
      assertThat("and who wrote it", next.committed().writer(), equalTo(writer));
    }
  }

  @Test
  public void aTopicWithFewerPartitionsThanShardsIsRefused() {
    IllegalStateException refused =
        assertThrows(
            IllegalStateException.class,
            () -> ShardWriter.open(clients, topic, group, 0, SHARDS + 1));
    assertThat(
        refused.getMessage().contains("at least as many partitions as shards"), equalTo(true));
  }
}

package dev.dctwin.simulator.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.simulator.local.Acknowledgements;
import dev.dctwin.simulator.local.EmbeddedKafka;
import dev.dctwin.simulator.local.TopicWatcher;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

/**
 * The Kafka ceiling on the embedded broker: it copies every record exactly once, and a pass whose
 * output cannot complete (fewer records in the topic than the benchmark expects) is INVALID, with
 * no rate.
 */
public class KafkaCeilingIT {
  private static EmbeddedKafka kafka;

  @BeforeClass
  public static void startBroker() {
    kafka = EmbeddedKafka.create().start();
  }

  @AfterClass
  public static void stopBroker() {
    kafka.close();
  }

  private static void fill(String topic, int partitions, int records) {
    kafka.createTopics(partitions, topic);
    Acknowledgements acks = new Acknowledgements("the test's records");
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      for (int i = 0; i < records; i++) {
        acks.send(producer, new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i));
      }
      acks.awaitAll(producer, Duration.ofSeconds(30));
    }
  }

  @Test
  public void copiesEveryRecordOnceThroughTransactions() throws Exception {
    fill("ceiling-full", 3, 5_000);
    KafkaCeiling.Result result =
        KafkaCeiling.measure(kafka, Map.of("ceiling-full", 3), 5_000, Duration.ofSeconds(60));
    assertThat(result.invalidReason(), nullValue());
    assertThat(result.copied(), equalTo(5_000L));
    assertThat(result.rate(5_000), greaterThan(0.0));
    try (TopicWatcher copies =
        new TopicWatcher(kafka.bootstrapServers(), "ceiling-full.ceiling", false)) {
      long deadline = System.nanoTime() + 30_000_000_000L;
      while (copies.count() < 5_000 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      Thread.sleep(500);
      assertThat(copies.count(), equalTo(5_000L));
    }
  }

  @Test
  public void anOutputThatNeverCompletesIsInvalid() {
    fill("ceiling-short", 2, 1_000);
    // The benchmark expects more records than the topic holds: the pass cannot complete.
    KafkaCeiling.Result result =
        KafkaCeiling.measure(kafka, Map.of("ceiling-short", 2), 1_001, Duration.ofSeconds(5));
    assertThat(result.copied(), equalTo(1_000L));
    assertThat(
        result.invalidReason(), containsString("copied 1,000 of 1,001 records within its time"));
    Figure figure =
        Figure.of(
            "test",
            "ceiling",
            result.rate(1_001),
            "records/s",
            Figure.Goal.atLeast(1, "records/s"),
            Double.NaN,
            result.invalidReason());
    assertThat(figure.verdict(), equalTo("INVALID"));
  }
}

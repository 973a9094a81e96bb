package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.Test;

/** The Kafka sink's records, and the pacing of {@link PacedSink}. */
public class BrokerSinkTest {

  @Test
  public void kafkaRecordsAreKeyedByEntityAndStampedWithEventTime() throws IOException {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, new StringSerializer(), new ByteArraySerializer());
    try (KafkaSink sink = new KafkaSink(producer)) {
      sink.send(Topic.METRICS, "dc1-r01-s01", 1_763_719_200_123L, "{\"a\":1}");
      sink.send(Topic.PROVISIONING, "dc1-r01-s02", 1_763_719_200_000L, "{\"b\":2}");
    }
    List<ProducerRecord<String, byte[]>> records = producer.history();
    assertThat(records.size(), is(2));
    assertThat(records.get(0).topic(), is("dctwin.metrics"));
    assertThat(records.get(0).key(), is("dc1-r01-s01"));
    assertThat(records.get(0).timestamp(), is(1_763_719_200_123L));
    assertThat(new String(records.get(0).value(), StandardCharsets.UTF_8), is("{\"a\":1}"));
    assertThat(records.get(1).topic(), is("dctwin.provisioning"));
  }

  @Test
  public void aFailedKafkaSendFailsTheRun() throws IOException {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(false, new StringSerializer(), new ByteArraySerializer());
    KafkaSink sink = new KafkaSink(producer);
    sink.send(Topic.METRICS, "dc1-r01-s01", 1L, "{}");
    producer.errorNext(new RuntimeException("broker gone"));
    IOException error = assertThrows(IOException.class, sink::close);
    assertThat(error.getMessage(), containsString("broker gone"));
  }

  @Test
  public void pacingHoldsTheRateAndTheSpeed() throws IOException {
    List<String> sent = new ArrayList<>();
    MessageSink collect =
        new MessageSink() {
          @Override
          public void send(Topic topic, String key, long eventTime, String json) {
            sent.add(json);
          }

          @Override
          public void close() {}
        };
    long began = System.nanoTime();
    try (PacedSink paced = new PacedSink(List.of(collect), 100, 0, null, "test")) {
      for (int i = 0; i < 21; i++) {
        paced.send(Topic.METRICS, "k", i, "m" + i);
      }
    }
    // 21 messages at 100/s: the last is due 200 ms after the first.
    assertThat((System.nanoTime() - began) / 1_000_000, greaterThanOrEqualTo(190L));
    assertThat(sent.size(), is(21));

    began = System.nanoTime();
    try (PacedSink paced = new PacedSink(List.of(collect), 0, 10, null, "test")) {
      paced.send(Topic.METRICS, "k", 0, "first");
      paced.send(Topic.METRICS, "k", 2_000, "two seconds later");
    }
    // Two seconds of event time at ten times real time.
    assertThat((System.nanoTime() - began) / 1_000_000, greaterThanOrEqualTo(190L));
  }
}

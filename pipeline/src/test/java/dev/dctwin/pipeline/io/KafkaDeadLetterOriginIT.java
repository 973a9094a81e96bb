package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.codec.ParseMessages;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.pipeline.testing.LocalKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * A bad record read from Kafka leaves as a dead letter that names its topic, partition and offset,
 * in its JSON and in its record's headers on the dead-letter topic, through the at-least-once and
 * the exactly-once sink alike.
 */
@RunWith(JUnit4.class)
public class KafkaDeadLetterOriginIT {
  private final String run = IoTestSupport.runId();
  private final String input = "dctwin-" + run + ".metrics";
  private final String deadLetters = "dctwin-" + run + ".dead-letters";
  private LocalKafka kafka;

  @Before
  public void setUp() {
    kafka = IoTestSupport.kafka();
    kafka.createTopics(1, input);
    kafka.createTopics(1, deadLetters);
  }

  @After
  public void tearDown() {
    if (kafka != null) {
      kafka.deleteTopics(input, deadLetters);
    }
  }

  @Test
  public void aBadRecordsDeadLetterNamesItsPartitionAndOffset() throws Exception {
    checkOrigin(sink());
  }

  @Test
  public void theExactlyOnceSinkWritesTheSameHeaders() throws Exception {
    checkOrigin(sink().exactlyOnce(run, 1));
  }

  private WriteToKafka<DeadLetter> sink() {
    return WriteToKafka.<DeadLetter>atLeastOnce(
            new KafkaClients(kafka.bootstrapServers(), null),
            deadLetters,
            DeadLetter::source,
            WriteDeadLetters::toJson)
        .withHeaders(WriteDeadLetters::kafkaHeadersOfJson);
  }

  private void checkOrigin(WriteToKafka<DeadLetter> sink) throws Exception {
    RecordMetadata sent;
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      sent = producer.send(new ProducerRecord<>(input, "s1", "not json " + run)).get();
    }
    KafkaOptions options =
        PipelineOptionsFactory.fromArgs(
                "--kafkaBootstrapServers=" + kafka.bootstrapServers(),
                "--kafkaTopics=" + input,
                "--kafkaConsumerGroup=" + run,
                "--kafkaStartOffset=earliest")
            .as(KafkaOptions.class);
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    pipeline
        .apply("ReadKafka", KafkaSource.from(options).withMaxRecords(1))
        .apply("Parse", ParseBySource.withMaxPayloadBytes(64 * 1024))
        .get(ParseMessages.DEAD_LETTERS)
        .apply("DeadLettersToKafka", sink);
    assertThat(pipeline.run().waitUntilFinish(), equalTo(PipelineResult.State.DONE));

    List<ConsumerRecord<String, String>> records =
        kafka.readCommitted(deadLetters, 1, Duration.ofSeconds(30), Duration.ofSeconds(2));
    assertThat(records.size(), equalTo(1));
    ConsumerRecord<String, String> record = records.get(0);
    JsonNode origin = new ObjectMapper().readTree(record.value()).get("origin");
    assertThat(origin.get("topic").asText(), equalTo(input));
    assertThat(origin.get("partition").asInt(), equalTo(sent.partition()));
    assertThat(origin.get("offset").asLong(), equalTo(sent.offset()));
    Map<String, String> headers = new HashMap<>();
    for (Header header : record.headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    assertThat(headers.get("dctwin.errors.reason"), equalTo("NOT_JSON"));
    assertThat(headers.get("dctwin.errors.topic"), equalTo(input));
    assertThat(headers.get("dctwin.errors.partition"), equalTo(Integer.toString(sent.partition())));
    assertThat(headers.get("dctwin.errors.offset"), equalTo(Long.toString(sent.offset())));
    assertThat(
        headers.get("dctwin.errors.payload.length"),
        equalTo(Integer.toString(("not json " + run).length())));
  }
}

package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.Header;
import org.junit.Test;

public class KafkaSendErrorsTest {
  @Test
  public void aRecordKafkaRefusesForGoodIsPermanent() {
    for (Exception error :
        List.of(
            new RecordTooLargeException("The message is 2000000 bytes when serialized"),
            new RecordBatchTooLargeException("batch too large"),
            new InvalidRecordException("Compacted topic cannot accept message without key"),
            new InvalidTopicException("bad topic"),
            new TopicAuthorizationException("Not authorized to access topics: [a.b]"),
            new SerializationException("cannot serialize"),
            new ExecutionException(new RecordTooLargeException("wrapped by a future")))) {
      assertThat(error.toString(), KafkaSendErrors.isPermanent(error), equalTo(true));
    }
  }

  @Test
  public void outagesAndErrorsOfTheProducerAreRetried() {
    for (Exception error :
        List.of(
            new TimeoutException("Expiring 1 record(s): 30001 ms has passed"),
            new DisconnectException("disconnected"),
            new NetworkException("broker gone"),
            new NotLeaderOrFollowerException("leader moved"),
            new UnknownTopicOrPartitionException("not yet"),
            new SaslAuthenticationException("bad password"),
            new ClusterAuthorizationException("no idempotent write"),
            new OutOfOrderSequenceException("sequence"),
            // What the other records of a batch with an invalid record get.
            new KafkaException(
                "Failed to append record because it was part of a batch which had one or more"
                    + " invalid records"),
            new IllegalStateException("Cannot perform operation after producer has been closed"),
            new ExecutionException(new TimeoutException("wrapped by a future")))) {
      assertThat(error.toString(), KafkaSendErrors.isPermanent(error), equalTo(false));
    }
  }

  @Test
  public void anErrorIsDescribedByItsKindAndMessage() {
    Exception error =
        new ExecutionException(new RecordTooLargeException("The message is 2000000 bytes"));
    assertThat(KafkaSendErrors.kind(error), equalTo("RecordTooLargeException"));
    assertThat(
        KafkaSendErrors.describe(error),
        equalTo("RecordTooLargeException: The message is 2000000 bytes"));
  }

  @Test
  public void aRefusedRecordsDeadLetterHasItsOriginACutPayloadAndTheJobsHeaders() {
    byte[] payload = new byte[DeadLetter.DEFAULT_MAX_KEPT_BYTES * 4];
    java.util.Arrays.fill(payload, (byte) 'x');
    DeadLetter letter =
        MqttKafkaBridge.deadLetter(
            "dc1/metrics", payload, "RecordTooLargeException: too large", 1_700_000_000_000L);
    assertThat(letter.reason(), equalTo(DeadLetterReason.SINK_REJECTED));
    assertThat(letter.source(), equalTo("mqtt:dc1/metrics"));
    assertThat(letter.origin().topic(), equalTo("dc1/metrics"));
    assertThat(letter.detail(), equalTo("RecordTooLargeException: too large"));
    assertThat(letter.payloadLength(), equalTo((long) payload.length));
    assertThat(letter.payload().length, equalTo(DeadLetter.DEFAULT_MAX_KEPT_BYTES));

    ProducerRecord<String, byte[]> record =
        MqttKafkaBridge.deadLetterRecord("dctwin.dead-letters", letter);
    assertThat(record.topic(), equalTo("dctwin.dead-letters"));
    assertThat(record.key(), equalTo("mqtt:dc1/metrics"));
    assertThat(
        new String(record.value(), StandardCharsets.UTF_8),
        equalTo(WriteDeadLetters.toJson(letter)));
    Map<String, String> headers = new LinkedHashMap<>();
    for (Header header : record.headers()) {
      headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    assertThat(headers, equalTo(WriteDeadLetters.kafkaHeaders(letter)));
    assertThat(headers.get("dctwin.errors.topic"), equalTo("dc1/metrics"));
  }
}

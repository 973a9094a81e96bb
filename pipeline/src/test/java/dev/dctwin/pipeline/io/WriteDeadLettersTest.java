package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.MessageOrigin;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** A dead letter's JSON and Kafka headers say where it came from and what its payload was. */
@RunWith(JUnit4.class)
public class WriteDeadLettersTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static DeadLetter letter(MessageOrigin origin) {
    byte[] payload = new byte[100_000];
    Arrays.fill(payload, (byte) '{');
    return DeadLetter.of(
        "kafka:dctwin.metrics",
        DeadLetterReason.PAYLOAD_TOO_LARGE,
        "100000 bytes exceed the limit of 65536",
        payload,
        1_763_719_200_123L,
        origin,
        16 * 1024);
  }

  @Test
  public void theJsonHasTheKeptBytesTheFullLengthTheHashAndTheOrigin() throws Exception {
    DeadLetter letter = letter(MessageOrigin.kafka("dctwin.metrics", 3, 1234L));
    JsonNode json = JSON.readTree(WriteDeadLetters.toJson(letter));
    assertThat(
        Base64.getDecoder().decode(json.get("payloadBase64").asText()).length, equalTo(16384));
    assertThat(json.get("payloadLength").asLong(), equalTo(100_000L));
    assertThat(json.get("payloadSha256").asText(), equalTo(letter.payloadSha256()));
    assertThat(
        json.get("origin").toString(),
        equalTo("{\"topic\":\"dctwin.metrics\",\"partition\":3,\"offset\":1234}"));
    assertThat(JSON.readValue(WriteDeadLetters.toJson(letter), DeadLetter.class), equalTo(letter));
  }

  @Test
  public void theLargestLetterFitsInAKafkaRecordOfTheDefaultMaximumSize() {
    // Control characters are escaped as six bytes each in JSON: the worst case.
    byte[] payload = new byte[1_000_000];
    DeadLetter letter =
        DeadLetter.of(
            "mqtt:" + "\u0001".repeat(100_000),
            DeadLetterReason.PAYLOAD_TOO_LARGE,
            "\u0001".repeat(1_000_000),
            payload,
            1L,
            MessageOrigin.mqtt("\u0001".repeat(1000)),
            DeadLetter.DEFAULT_MAX_KEPT_BYTES);
    int bytes = WriteDeadLetters.toJson(letter).getBytes(StandardCharsets.UTF_8).length;
    assertThat(bytes < 1_000_000 - 10_000, equalTo(true));
  }

  @Test
  public void aFilesLetterNamesFileAndLineOnly() throws Exception {
    JsonNode json =
        JSON.readTree(WriteDeadLetters.toJson(letter(MessageOrigin.file("/in/a.jsonl", 7))));
    assertThat(json.get("origin").toString(), equalTo("{\"file\":\"/in/a.jsonl\",\"line\":7}"));
  }

  @Test
  public void theKafkaHeadersAreThoseOfKafkaConnectsDeadLetterQueue() {
    DeadLetter letter = letter(MessageOrigin.kafka("dctwin.metrics", 3, 1234L));
    Map<String, String> expected = new LinkedHashMap<>();
    expected.put("dctwin.errors.reason", "PAYLOAD_TOO_LARGE");
    expected.put("dctwin.errors.source", "kafka:dctwin.metrics");
    expected.put("dctwin.errors.payload.length", "100000");
    expected.put("dctwin.errors.payload.sha256", letter.payloadSha256());
    expected.put("dctwin.errors.topic", "dctwin.metrics");
    expected.put("dctwin.errors.partition", "3");
    expected.put("dctwin.errors.offset", "1234");
    assertThat(WriteDeadLetters.kafkaHeaders(letter), equalTo(expected));
    assertThat(
        List.copyOf(WriteDeadLetters.kafkaHeaders(letter(null)).keySet()),
        equalTo(List.copyOf(expected.keySet()).subList(0, 4)));
  }

  @Test
  public void theHeadersOfTheJsonAreTheHeadersOfTheLetter() {
    for (MessageOrigin origin :
        java.util.Arrays.asList(
            MessageOrigin.kafka("dctwin.metrics", 3, 1234L),
            MessageOrigin.mqtt("dctwin/metrics"),
            MessageOrigin.file("/in/a.jsonl", 7),
            null)) {
      DeadLetter letter = letter(origin);
      assertThat(
          WriteDeadLetters.kafkaHeadersOfJson(WriteDeadLetters.toJson(letter)),
          equalTo(WriteDeadLetters.kafkaHeaders(letter)));
    }
  }
}

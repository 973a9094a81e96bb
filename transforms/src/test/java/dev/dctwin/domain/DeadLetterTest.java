package dev.dctwin.domain;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** A dead letter stays bounded whatever it is made of, and still identifies its payload. */
@RunWith(JUnit4.class)
public class DeadLetterTest {
  @Test
  public void aSmallPayloadIsKeptWhole() {
    byte[] payload = "{\"a\":1".getBytes(StandardCharsets.UTF_8);
    DeadLetter letter = DeadLetter.of("mqtt:x", DeadLetterReason.NOT_JSON, "eof", payload, 7L);
    assertThat(letter.payload(), equalTo(payload));
    assertThat(letter.payloadLength(), equalTo((long) payload.length));
    assertThat(letter.payloadSha256(), equalTo(PayloadCut.sha256Hex(payload)));
    assertThat(letter.payloadCut(), equalTo(false));
  }

  @Test
  public void aLargePayloadKeepsTheDefaultBytesItsLengthAndItsHash() {
    byte[] payload = new byte[1_000_000];
    Arrays.fill(payload, (byte) 7);
    DeadLetter letter =
        DeadLetter.of("kafka:x", DeadLetterReason.PAYLOAD_TOO_LARGE, "big", payload, 7L);
    assertThat(letter.payload().length, equalTo(DeadLetter.DEFAULT_MAX_KEPT_BYTES));
    assertThat(letter.payloadLength(), equalTo(1_000_000L));
    assertThat(letter.payloadSha256(), equalTo(PayloadCut.sha256Hex(payload)));
    assertThat(letter.payloadCut(), equalTo(true));
    // The letter's JSON stays far below Kafka's default max.request.size of 1 MB.
    assertThat(letter.payloadBase64().length() < 32 * 1024, equalTo(true));
  }

  @Test
  public void sourceAndDetailAreCutToTheirLimitsNeverWithinASurrogatePair() {
    String source = "mqtt:" + "t".repeat(FieldLimits.DEAD_LETTER_SOURCE);
    String detail = "x" + "\uD83D\uDD25".repeat(FieldLimits.DEAD_LETTER_DETAIL);
    DeadLetter letter =
        DeadLetter.of(source, DeadLetterReason.NOT_JSON, detail, new byte[] {1}, 7L);
    assertThat(letter.source(), equalTo(source.substring(0, FieldLimits.DEAD_LETTER_SOURCE)));
    DeadLetter fromLongTopic =
        DeadLetter.of(
            "mqtt:t",
            DeadLetterReason.NOT_JSON,
            "bad",
            new byte[] {1},
            7L,
            MessageOrigin.mqtt(source),
            DeadLetter.DEFAULT_MAX_KEPT_BYTES);
    assertThat(fromLongTopic.origin().topic().length(), equalTo(FieldLimits.DEAD_LETTER_SOURCE));
    assertThat(letter.detail().length(), equalTo(FieldLimits.DEAD_LETTER_DETAIL - 1));
    assertThat(
        Character.isHighSurrogate(letter.detail().charAt(letter.detail().length() - 1)),
        equalTo(false));
  }

  @Test
  public void aLetterWithoutHashIsOfVersion1AndDescribesItsWholePayload() {
    byte[] payload = {1, 2, 3};
    DeadLetter old =
        new DeadLetter(
            "kafka:x",
            DeadLetterReason.NOT_JSON,
            "bad",
            Base64.getEncoder().encodeToString(payload),
            7L,
            0L,
            null,
            null);
    assertThat(old.payloadLength(), equalTo(3L));
    assertThat(old.payloadSha256(), equalTo(PayloadCut.sha256Hex(payload)));
  }
}

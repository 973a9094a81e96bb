package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.codec.ParseAgentFormatsTest.HostValues;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.PayloadCut;
import dev.dctwin.domain.RawMessage;
import dev.dctwin.domain.SampleMessages;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.Rule;
import org.junit.Test;

/**
 * Input meant to hurt never stalls the job: event times from the future, payloads too large to
 * carry, dead letters too large to store. Each becomes a dead letter that keeps its origin and at
 * most a bounded part of its bytes.
 */
public class HostileInputTest {
  private static final long T0 = SampleMessages.T0;
  private static final long RECEIVED = T0 + 60_000;
  private static final MessageOrigin ORIGIN = MessageOrigin.kafka("dctwin.metrics", 2, 417L);
  private static final MessageOrigin FILE_ORIGIN = MessageOrigin.file("/in/a.jsonl", 12);

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static RawMessage metricsAt(long eventTime) {
    String json =
        "{\"type\":\"metrics\",\"serverId\":\"s1\",\"eventTime\":"
            + eventTime
            + ",\"gauges\":{\"m1\":1.0}}";
    return new RawMessage(
        "kafka:dctwin.metrics", json.getBytes(StandardCharsets.UTF_8), RECEIVED, ORIGIN);
  }

  @Test
  public void eventTimesBeyondTheClockSkewAreDeadLettersAndOthersPass() {
    long skew = Duration.ofMinutes(5).toMillis();
    PCollectionTuple parsed =
        pipeline
            .apply(
                Create.of(
                        metricsAt(T0), // a replay: long before it was received
                        metricsAt(RECEIVED + skew), // at the bound
                        metricsAt(RECEIVED + skew + 1), // just beyond
                        metricsAt(RECEIVED + Duration.ofDays(365).toMillis()))
                    .withCoder(RawMessageCoder.of()))
            .apply(ParseMessages.create());
    PAssert.that(parsed.get(ParseMessages.MESSAGES))
        .satisfies(
            messages -> {
              List<Long> times = new ArrayList<>();
              messages.forEach(m -> times.add(((Message) m).eventTime()));
              times.sort(null);
              assertThat(times, equalTo(List.of(T0, RECEIVED + skew)));
              return null;
            });
    PAssert.that(parsed.get(ParseMessages.DEAD_LETTERS))
        .satisfies(
            letters -> {
              int count = 0;
              for (DeadLetter letter : letters) {
                count++;
                assertThat(letter.reason(), equalTo(DeadLetterReason.FUTURE_EVENT_TIME));
                assertThat(letter.origin(), equalTo(ORIGIN));
                assertThat(letter.detail(), containsString("clock skew of 300000 ms"));
              }
              assertThat(count, equalTo(2));
              return null;
            });
    pipeline.run();
  }

  @Test
  public void theClockSkewIsConfigurable() {
    PCollectionTuple parsed =
        pipeline
            .apply(Create.of(metricsAt(RECEIVED + 2_000)).withCoder(RawMessageCoder.of()))
            .apply(ParseMessages.create().withMaxClockSkew(Duration.ofSeconds(1)));
    PAssert.that(parsed.get(ParseMessages.MESSAGES)).empty();
    PAssert.thatSingleton(parsed.get(ParseMessages.DEAD_LETTERS))
        .satisfies(
            letter -> {
              assertThat(letter.reason(), equalTo(DeadLetterReason.FUTURE_EVENT_TIME));
              return null;
            });
    pipeline.run();
  }

  @Test
  public void anAgentPayloadWithAFutureSampleIsADeadLetter() {
    // HostValues stamps its samples at T0, which is far ahead of a message received at 0 + skew.
    RawMessage raw =
        new RawMessage(
            "mqtt:agents",
            "h1=1.0".getBytes(StandardCharsets.UTF_8),
            T0 - Duration.ofHours(1).toMillis(),
            MessageOrigin.mqtt("agents"));
    HostValues format = new HostValues();
    PCollectionTuple parsed =
        pipeline
            .apply(Create.of(raw).withCoder(RawMessageCoder.of()))
            .apply(
                ParseMessages.create()
                    .withAgentFormats(source -> source.equals("mqtt:agents") ? format : null));
    PAssert.that(parsed.get(ParseMessages.MESSAGES)).empty();
    PAssert.thatSingleton(parsed.get(ParseMessages.DEAD_LETTERS))
        .satisfies(
            letter -> {
              assertThat(letter.reason(), equalTo(DeadLetterReason.FUTURE_EVENT_TIME));
              assertThat(letter.detail(), containsString("host h1"));
              assertThat(letter.origin(), equalTo(MessageOrigin.mqtt("agents")));
              return null;
            });
    pipeline.run();
  }

  @Test
  public void aLargePayloadsDeadLetterKeepsItsStartItsLengthAndItsHash() {
    byte[] huge = new byte[1_000_000];
    Arrays.fill(huge, (byte) 'x');
    huge[0] = '{';
    RawMessage raw = new RawMessage("kafka:dctwin.metrics", huge, RECEIVED, ORIGIN);
    PCollectionTuple parsed =
        pipeline
            .apply(Create.of(raw).withCoder(RawMessageCoder.of()))
            .apply(ParseMessages.create().withMaxDeadLetterBytes(1024));
    PAssert.thatSingleton(parsed.get(ParseMessages.DEAD_LETTERS))
        .satisfies(
            letter -> {
              assertThat(letter.reason(), equalTo(DeadLetterReason.PAYLOAD_TOO_LARGE));
              assertThat(letter.payload(), equalTo(Arrays.copyOf(huge, 1024)));
              assertThat(letter.payloadLength(), equalTo(1_000_000L));
              assertThat(letter.payloadSha256(), equalTo(PayloadCut.sha256Hex(huge)));
              assertThat(letter.payloadCut(), equalTo(true));
              assertThat(letter.origin(), equalTo(ORIGIN));
              return null;
            });
    pipeline.run();
  }

  @Test
  public void aPayloadCutByItsSourceIsTooLargeWithTheSourcesLengthAndHash() {
    byte[] line = "{\"type\":\"metrics\"".repeat(1000).getBytes(StandardCharsets.UTF_8);
    RawMessage cut = RawMessage.capped("file:/in/a.jsonl:12", line, RECEIVED, FILE_ORIGIN, 100, 40);
    PCollectionTuple parsed =
        pipeline
            .apply(Create.of(cut).withCoder(RawMessageCoder.of()))
            .apply(ParseMessages.create());
    PAssert.that(parsed.get(ParseMessages.MESSAGES)).empty();
    PAssert.thatSingleton(parsed.get(ParseMessages.DEAD_LETTERS))
        .satisfies(
            letter -> {
              assertThat(letter.reason(), equalTo(DeadLetterReason.PAYLOAD_TOO_LARGE));
              assertThat(letter.payload(), equalTo(Arrays.copyOf(line, 40)));
              assertThat(letter.payloadLength(), equalTo((long) line.length));
              assertThat(letter.payloadSha256(), equalTo(PayloadCut.sha256Hex(line)));
              assertThat(letter.origin(), equalTo(FILE_ORIGIN));
              assertThat(letter.source(), equalTo("file:/in/a.jsonl:12"));
              return null;
            });
    pipeline.run();
  }
}

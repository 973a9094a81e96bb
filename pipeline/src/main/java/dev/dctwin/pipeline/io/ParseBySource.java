package dev.dctwin.pipeline.io;

import dev.dctwin.codec.ParseMessages;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.RawMessage;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The one parse step of every source: raw messages in, {@link ParseMessages#MESSAGES} and {@link
 * ParseMessages#DEAD_LETTERS} out, exactly like {@link ParseMessages}, but a message may omit
 * {@code type} when its topic carries a single type ({@code transforms/WIRE-FORMAT.md}): {@code
 * dctwin/metrics} and {@code dctwin.metrics} imply {@code metrics}, {@code .../sensors} {@code
 * sensors}, {@code .../queries} {@code get_unhealthy_racks}. The topic is read from the message's
 * {@code source} ({@code mqtt:<topic>}, {@code kafka:<topic>}); other sources name no default. A
 * source of a monitoring agent's format ({@link SourceFormats}: {@code --topicFormats}, file names)
 * is decoded by that agent's decoder instead.
 */
public final class ParseBySource extends PTransform<PCollection<RawMessage>, PCollectionTuple> {
  private final int maxPayloadBytes;
  private final SourceFormats formats;
  private final int maxAgentPayloadBytes;
  private final Duration maxClockSkew;
  private final int maxDeadLetterBytes;
  private final boolean withOrigins;

  private ParseBySource(
      int maxPayloadBytes,
      SourceFormats formats,
      int maxAgentPayloadBytes,
      Duration maxClockSkew,
      int maxDeadLetterBytes,
      boolean withOrigins) {
    this.maxPayloadBytes = maxPayloadBytes;
    this.formats = formats;
    this.maxAgentPayloadBytes = maxAgentPayloadBytes;
    this.maxClockSkew = maxClockSkew;
    this.maxDeadLetterBytes = maxDeadLetterBytes;
    this.withOrigins = withOrigins;
  }

  /** Wire-format messages of at most this size; agent formats by their defaults. */
  public static ParseBySource withMaxPayloadBytes(int maxPayloadBytes) {
    return new ParseBySource(
        maxPayloadBytes,
        SourceFormats.of(null),
        ParseMessages.DEFAULT_MAX_AGENT_PAYLOAD_BYTES,
        ParseMessages.DEFAULT_MAX_CLOCK_SKEW,
        DeadLetter.DEFAULT_MAX_KEPT_BYTES,
        false);
  }

  /** The agent format of each source, and the largest agent payload accepted. */
  public ParseBySource withFormats(SourceFormats sourceFormats, int maxAgentBytes) {
    return new ParseBySource(
        maxPayloadBytes,
        sourceFormats,
        maxAgentBytes,
        maxClockSkew,
        maxDeadLetterBytes,
        withOrigins);
  }

  /** See {@link ParseMessages#withMaxClockSkew}. */
  public ParseBySource withMaxClockSkew(Duration skew) {
    return new ParseBySource(
        maxPayloadBytes, formats, maxAgentPayloadBytes, skew, maxDeadLetterBytes, withOrigins);
  }

  /** See {@link ParseMessages#withMaxDeadLetterBytes}. */
  public ParseBySource withMaxDeadLetterBytes(int maxBytes) {
    return new ParseBySource(
        maxPayloadBytes, formats, maxAgentPayloadBytes, maxClockSkew, maxBytes, withOrigins);
  }

  /** See {@link ParseMessages#withOrigins}: {@link ParseMessages#RECEIVED} instead of messages. */
  public ParseBySource withOrigins() {
    return new ParseBySource(
        maxPayloadBytes, formats, maxAgentPayloadBytes, maxClockSkew, maxDeadLetterBytes, true);
  }

  /** The message type implied by the topic a raw message came from, if the topic implies one. */
  public static Optional<MessageType> defaultTypeOf(String source) {
    int colon = source.indexOf(':');
    if (colon < 0 || !(source.startsWith("mqtt:") || source.startsWith("kafka:"))) {
      return Optional.empty();
    }
    String topic = source.substring(colon + 1);
    int cut = Math.max(topic.lastIndexOf('/'), topic.lastIndexOf('.'));
    String last = topic.substring(cut + 1).toLowerCase(Locale.ROOT);
    return switch (last) {
      case "metrics" -> Optional.of(MessageType.METRICS);
      case "sensors" -> Optional.of(MessageType.SENSORS);
      case "queries" -> Optional.of(MessageType.GET_UNHEALTHY_RACKS);
      default -> Optional.empty();
    };
  }

  @Override
  public PCollectionTuple expand(PCollection<RawMessage> raw) {
    // One ParDo rather than a partition by topic and a flatten: Flink cannot chain an operator
    // with several inputs, and the flatten cost every message a serialization round trip.
    ParseMessages parse =
        ParseMessages.create()
            .withMaxPayloadBytes(maxPayloadBytes)
            .withDefaultTypeBySource(source -> defaultTypeOf(source).orElse(null))
            .withAgentFormats(formats)
            .withMaxAgentPayloadBytes(maxAgentPayloadBytes)
            .withMaxClockSkew(maxClockSkew)
            .withMaxDeadLetterBytes(maxDeadLetterBytes);
    return raw.apply("ParseJson", withOrigins ? parse.withOrigins() : parse);
  }
}

package dev.dctwin.pipeline.io;

import dev.dctwin.codec.JacksonCoder;
import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.ParseMessages;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.RawMessage;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.Partition;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;

/**
 * The one parse step of every source: raw messages in, {@link ParseMessages#MESSAGES} and {@link
 * ParseMessages#DEAD_LETTERS} out, exactly like {@link ParseMessages}, but a message may omit
 * {@code type} when its topic carries a single type (WIRE-FORMAT.md): {@code dctwin/metrics} and
 * {@code dctwin.metrics} imply {@code metrics}, {@code .../sensors} {@code sensors}, {@code
 * .../queries} {@code get_unhealthy_racks}. The topic is read from the message's {@code source}
 * ({@code mqtt:<topic>}, {@code kafka:<topic>}); other sources name no default.
 */
public final class ParseBySource extends PTransform<PCollection<RawMessage>, PCollectionTuple> {
  /** The defaults in partition order; index {@code DEFAULTS.size()} is "no default". */
  private static final List<MessageType> DEFAULTS =
      List.of(MessageType.METRICS, MessageType.SENSORS, MessageType.GET_UNHEALTHY_RACKS);

  private final int maxPayloadBytes;

  private ParseBySource(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public static ParseBySource withMaxPayloadBytes(int maxPayloadBytes) {
    return new ParseBySource(maxPayloadBytes);
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
    PCollectionList<RawMessage> byDefault =
        raw.apply(
            "ByTopicDefault",
            Partition.of(
                DEFAULTS.size() + 1,
                (RawMessage message, int n) ->
                    defaultTypeOf(message.source())
                        .map(DEFAULTS::indexOf)
                        .orElse(DEFAULTS.size())));
    List<PCollection<Message>> messages = new ArrayList<>();
    List<PCollection<DeadLetter>> deadLetters = new ArrayList<>();
    for (int i = 0; i <= DEFAULTS.size(); i++) {
      ParseMessages parse = ParseMessages.create().withMaxPayloadBytes(maxPayloadBytes);
      String name = "Parse-untyped";
      if (i < DEFAULTS.size()) {
        parse = parse.withDefaultType(DEFAULTS.get(i));
        name = "Parse-" + DEFAULTS.get(i).wireName();
      }
      PCollectionTuple parsed = byDefault.get(i).apply(name, parse);
      messages.add(parsed.get(ParseMessages.MESSAGES));
      deadLetters.add(parsed.get(ParseMessages.DEAD_LETTERS));
    }
    PCollection<Message> allMessages =
        PCollectionList.of(messages).apply("AllMessages", Flatten.pCollections());
    allMessages.setCoder(MessageCoder.of());
    PCollection<DeadLetter> allDeadLetters =
        PCollectionList.of(deadLetters).apply("AllDeadLetters", Flatten.pCollections());
    allDeadLetters.setCoder(JacksonCoder.of(DeadLetter.class));
    return PCollectionTuple.of(ParseMessages.MESSAGES, allMessages)
        .and(ParseMessages.DEAD_LETTERS, allDeadLetters);
  }
}

package dev.dctwin.codec;

import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.RawMessage;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Splits raw messages into valid {@link Message}s ({@link #MESSAGES}) and {@link DeadLetter}s
 * ({@link #DEAD_LETTERS}). Every input comes out exactly once on one of the two; nothing throws.
 * Counts each outcome in a Beam counter: {@code parsed} and one per {@link DeadLetterReason}.
 */
public final class ParseMessages extends PTransform<PCollection<RawMessage>, PCollectionTuple> {
  public static final TupleTag<Message> MESSAGES = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  private final WireCodec codec;
  private final SerializableFunction<String, MessageType> defaultTypeBySource;

  private ParseMessages(
      WireCodec codec, SerializableFunction<String, MessageType> defaultTypeBySource) {
    this.codec = codec;
    this.defaultTypeBySource = defaultTypeBySource;
  }

  /** Every message must name its {@code type}. */
  public static ParseMessages create() {
    return new ParseMessages(WireCodec.withDefaults(), source -> null);
  }

  /** Messages without a {@code type} field are taken to be of this type. */
  public ParseMessages withDefaultType(MessageType type) {
    return new ParseMessages(codec, source -> type);
  }

  /**
   * Messages without a {@code type} field are taken to be of the type their source implies; null
   * for a source that implies none. Called once per distinct source.
   */
  public ParseMessages withDefaultTypeBySource(
      SerializableFunction<String, MessageType> defaultTypeBySource) {
    return new ParseMessages(codec, defaultTypeBySource);
  }

  public ParseMessages withMaxPayloadBytes(int maxPayloadBytes) {
    return new ParseMessages(new WireCodec(maxPayloadBytes), defaultTypeBySource);
  }

  @Override
  public PCollectionTuple expand(PCollection<RawMessage> raw) {
    PCollectionTuple parsed =
        raw.apply(
            "ParseJson",
            ParDo.of(new ParseFn(codec, defaultTypeBySource))
                .withOutputTags(MESSAGES, TupleTagList.of(DEAD_LETTERS)));
    parsed.get(MESSAGES).setCoder(MessageCoder.of());
    parsed.get(DEAD_LETTERS).setCoder(RecordCoder.of(DeadLetter.class));
    return parsed;
  }

  static final class ParseFn extends DoFn<RawMessage, Message> {
    private final WireCodec codec;
    private final SerializableFunction<String, MessageType> defaultTypeBySource;
    // MQTT topics may name a server each; the cache is a shortcut, not a registry of them.
    private static final int MAX_CACHED_SOURCES = 10_000;
    private transient Map<String, Optional<MessageType>> defaultTypes;
    private final Counter parsed = Metrics.counter(ParseMessages.class, "parsed");
    private final Map<DeadLetterReason, Counter> rejected = new EnumMap<>(DeadLetterReason.class);

    ParseFn(WireCodec codec, SerializableFunction<String, MessageType> defaultTypeBySource) {
      this.codec = codec;
      this.defaultTypeBySource = defaultTypeBySource;
      for (DeadLetterReason reason : DeadLetterReason.values()) {
        rejected.put(reason, Metrics.counter(ParseMessages.class, reason.counterName()));
      }
    }

    @ProcessElement
    public void processElement(@Element RawMessage raw, MultiOutputReceiver out) {
      Message message;
      try {
        message = codec.decode(raw.payload(), defaultTypeOf(raw.source()));
      } catch (InvalidMessageException e) {
        rejected.get(e.reason()).inc();
        out.get(DEAD_LETTERS)
            .output(
                DeadLetter.of(
                    raw.source(), e.reason(), e.getMessage(), raw.payload(), raw.receivedAt()));
        return;
      }
      parsed.inc();
      out.get(MESSAGES).output(message);
    }

    private MessageType defaultTypeOf(String source) {
      if (defaultTypes == null || defaultTypes.size() > MAX_CACHED_SOURCES) {
        defaultTypes = new HashMap<>();
      }
      return defaultTypes
          .computeIfAbsent(source, s -> Optional.ofNullable(defaultTypeBySource.apply(s)))
          .orElse(null);
    }
  }
}

package dev.dctwin.codec;

import dev.dctwin.codec.agents.AgentFormat;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.RawMessage;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
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
 * ({@link #DEAD_LETTERS}). A raw message is in the dctwin wire format ({@link WireCodec}), or in a
 * monitoring agent's format when its source has one ({@link #withAgentFormats}): it then gives one
 * {@link AgentSamples} per host it holds. Every input comes out either as its messages or as one
 * dead letter; nothing throws. Counts each outcome in a Beam counter: {@code parsed} (raw messages)
 * and one per {@link DeadLetterReason}.
 */
public final class ParseMessages extends PTransform<PCollection<RawMessage>, PCollectionTuple> {
  public static final TupleTag<Message> MESSAGES = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  /** Agents batch: a Prometheus remote-write request or a Telegraf flush holds many samples. */
  public static final int DEFAULT_MAX_AGENT_PAYLOAD_BYTES = 4 * 1024 * 1024;

  private final WireCodec codec;
  private final SerializableFunction<String, MessageType> defaultTypeBySource;
  private final SerializableFunction<String, AgentFormat> formatBySource;
  private final int maxAgentPayloadBytes;

  private ParseMessages(
      WireCodec codec,
      SerializableFunction<String, MessageType> defaultTypeBySource,
      SerializableFunction<String, AgentFormat> formatBySource,
      int maxAgentPayloadBytes) {
    this.codec = codec;
    this.defaultTypeBySource = defaultTypeBySource;
    this.formatBySource = formatBySource;
    this.maxAgentPayloadBytes = maxAgentPayloadBytes;
  }

  /** Every message must name its {@code type}. */
  public static ParseMessages create() {
    return new ParseMessages(
        WireCodec.withDefaults(), source -> null, source -> null, DEFAULT_MAX_AGENT_PAYLOAD_BYTES);
  }

  /** Messages without a {@code type} field are taken to be of this type. */
  public ParseMessages withDefaultType(MessageType type) {
    return new ParseMessages(codec, source -> type, formatBySource, maxAgentPayloadBytes);
  }

  /**
   * Messages without a {@code type} field are taken to be of the type their source implies; null
   * for a source that implies none. Called once per distinct source.
   */
  public ParseMessages withDefaultTypeBySource(
      SerializableFunction<String, MessageType> defaultTypeBySource) {
    return new ParseMessages(codec, defaultTypeBySource, formatBySource, maxAgentPayloadBytes);
  }

  public ParseMessages withMaxPayloadBytes(int maxPayloadBytes) {
    return new ParseMessages(
        new WireCodec(maxPayloadBytes), defaultTypeBySource, formatBySource, maxAgentPayloadBytes);
  }

  /**
   * Raw messages from a source for which {@code formatBySource} names an agent format are decoded
   * by it; null means the dctwin wire format. Called once per raw message: keep it cheap.
   */
  public ParseMessages withAgentFormats(SerializableFunction<String, AgentFormat> formatBySource) {
    return new ParseMessages(codec, defaultTypeBySource, formatBySource, maxAgentPayloadBytes);
  }

  /** Larger payloads of an agent format are dead letters ({@code PAYLOAD_TOO_LARGE}). */
  public ParseMessages withMaxAgentPayloadBytes(int maxBytes) {
    return new ParseMessages(codec, defaultTypeBySource, formatBySource, maxBytes);
  }

  @Override
  public PCollectionTuple expand(PCollection<RawMessage> raw) {
    PCollectionTuple parsed =
        raw.apply(
            "ParseJson",
            ParDo.of(new ParseFn(codec, defaultTypeBySource, formatBySource, maxAgentPayloadBytes))
                .withOutputTags(MESSAGES, TupleTagList.of(DEAD_LETTERS)));
    parsed.get(MESSAGES).setCoder(MessageCoder.of());
    parsed.get(DEAD_LETTERS).setCoder(RecordCoder.of(DeadLetter.class));
    return parsed;
  }

  static final class ParseFn extends DoFn<RawMessage, Message> {
    private final WireCodec codec;
    private final SerializableFunction<String, MessageType> defaultTypeBySource;
    private final SerializableFunction<String, AgentFormat> formatBySource;
    private final int maxAgentPayloadBytes;
    // MQTT topics may name a server each; the cache is a shortcut, not a registry of them.
    private static final int MAX_CACHED_SOURCES = 10_000;
    private transient Map<String, Optional<MessageType>> defaultTypes;
    private final Counter parsed = Metrics.counter(ParseMessages.class, "parsed");
    private final Counter agentSamples = Metrics.counter(ParseMessages.class, "agent_samples");
    private final Counter decoderFailures =
        Metrics.counter(ParseMessages.class, "agent_decoder_failures");
    private final Map<DeadLetterReason, Counter> rejected = new EnumMap<>(DeadLetterReason.class);

    ParseFn(
        WireCodec codec,
        SerializableFunction<String, MessageType> defaultTypeBySource,
        SerializableFunction<String, AgentFormat> formatBySource,
        int maxAgentPayloadBytes) {
      this.codec = codec;
      this.defaultTypeBySource = defaultTypeBySource;
      this.formatBySource = formatBySource;
      this.maxAgentPayloadBytes = maxAgentPayloadBytes;
      for (DeadLetterReason reason : DeadLetterReason.values()) {
        rejected.put(reason, Metrics.counter(ParseMessages.class, reason.counterName()));
      }
    }

    @ProcessElement
    public void processElement(@Element RawMessage raw, MultiOutputReceiver out) {
      AgentFormat format = formatBySource.apply(raw.source());
      if (format != null) {
        decodeAgentPayload(format, raw, out);
        return;
      }
      Message message;
      try {
        message = codec.decode(raw.payload(), defaultTypeOf(raw.source()));
      } catch (InvalidMessageException e) {
        reject(raw, e.reason(), e.getMessage(), out);
        return;
      }
      parsed.inc();
      out.get(MESSAGES).output(message);
    }

    private void decodeAgentPayload(AgentFormat format, RawMessage raw, MultiOutputReceiver out) {
      List<AgentSamples> decoded;
      try {
        if (raw.payload().length > maxAgentPayloadBytes) {
          throw new InvalidMessageException(
              DeadLetterReason.PAYLOAD_TOO_LARGE,
              raw.payload().length + " bytes exceed the limit of " + maxAgentPayloadBytes);
        }
        decoded = format.decode(raw.payload());
      } catch (InvalidMessageException e) {
        reject(raw, e.reason(), format.name() + ": " + e.getMessage(), out);
        return;
      } catch (RuntimeException e) {
        // A decoder's bug must not stop the job: the payload is kept for when it is fixed.
        decoderFailures.inc();
        reject(
            raw,
            DeadLetterReason.WRONG_TYPE,
            "the " + format.name() + " decoder failed: " + e,
            out);
        return;
      }
      parsed.inc();
      for (AgentSamples samples : decoded) {
        agentSamples.inc(samples.samples().size());
        out.get(MESSAGES).output(samples);
      }
    }

    private void reject(
        RawMessage raw, DeadLetterReason reason, String detail, MultiOutputReceiver out) {
      rejected.get(reason).inc();
      out.get(DEAD_LETTERS)
          .output(DeadLetter.of(raw.source(), reason, detail, raw.payload(), raw.receivedAt()));
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

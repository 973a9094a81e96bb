package dev.dctwin.codec;

import dev.dctwin.codec.agents.AgentFormat;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.RawMessage;
import dev.dctwin.domain.Received;
import java.time.Duration;
import java.time.Instant;
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
 * dead letter; nothing throws. A raw message that its source already cut ({@link RawMessage#cut()})
 * is {@code PAYLOAD_TOO_LARGE}; a message whose event time is too far ahead of its receipt ({@link
 * #withMaxClockSkew}) is {@code FUTURE_EVENT_TIME}. Dead letters keep their raw message's origin
 * and at most {@link #withMaxDeadLetterBytes} of its bytes. Counts each outcome in a Beam counter:
 * {@code parsed} (raw messages) and one per {@link DeadLetterReason}.
 *
 * <p>{@link #withOrigins} gives the messages with their raw message's origin ({@link #RECEIVED})
 * instead of {@link #MESSAGES}, so that a later step's dead letter can name it too.
 */
public final class ParseMessages extends PTransform<PCollection<RawMessage>, PCollectionTuple> {
  public static final TupleTag<Message> MESSAGES = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  /** The messages with their origins, of {@link #withOrigins}. */
  public static final TupleTag<Received> RECEIVED = new TupleTag<>() {};

  /** Agents batch: a Prometheus remote-write request or a Telegraf flush holds many samples. */
  public static final int DEFAULT_MAX_AGENT_PAYLOAD_BYTES = 4 * 1024 * 1024;

  /**
   * How far a message's event time may be ahead of the time it was received: clocks of agents and
   * of the pipeline's workers differ by seconds when they are synchronized, by hours when not.
   */
  public static final Duration DEFAULT_MAX_CLOCK_SKEW = Duration.ofMinutes(5);

  private final WireCodec codec;
  private final SerializableFunction<String, MessageType> defaultTypeBySource;
  private final SerializableFunction<String, AgentFormat> formatBySource;
  private final int maxAgentPayloadBytes;
  private final long maxClockSkewMs;
  private final int maxDeadLetterBytes;
  private final boolean withOrigins;

  private ParseMessages(
      WireCodec codec,
      SerializableFunction<String, MessageType> defaultTypeBySource,
      SerializableFunction<String, AgentFormat> formatBySource,
      int maxAgentPayloadBytes,
      long maxClockSkewMs,
      int maxDeadLetterBytes,
      boolean withOrigins) {
    this.codec = codec;
    this.defaultTypeBySource = defaultTypeBySource;
    this.formatBySource = formatBySource;
    this.maxAgentPayloadBytes = maxAgentPayloadBytes;
    this.maxClockSkewMs = maxClockSkewMs;
    this.maxDeadLetterBytes = maxDeadLetterBytes;
    this.withOrigins = withOrigins;
  }

  /** Every message must name its {@code type}. */
  public static ParseMessages create() {
    return new ParseMessages(
        WireCodec.withDefaults(),
        source -> null,
        source -> null,
        DEFAULT_MAX_AGENT_PAYLOAD_BYTES,
        DEFAULT_MAX_CLOCK_SKEW.toMillis(),
        DeadLetter.DEFAULT_MAX_KEPT_BYTES,
        false);
  }

  /** Messages without a {@code type} field are taken to be of this type. */
  public ParseMessages withDefaultType(MessageType type) {
    return new ParseMessages(
        codec,
        source -> type,
        formatBySource,
        maxAgentPayloadBytes,
        maxClockSkewMs,
        maxDeadLetterBytes,
        withOrigins);
  }

  /**
   * Messages without a {@code type} field are taken to be of the type their source implies; null
   * for a source that implies none. Called once per distinct source.
   */
  public ParseMessages withDefaultTypeBySource(
      SerializableFunction<String, MessageType> defaultTypeBySource) {
    return new ParseMessages(
        codec,
        defaultTypeBySource,
        formatBySource,
        maxAgentPayloadBytes,
        maxClockSkewMs,
        maxDeadLetterBytes,
        withOrigins);
  }

  public ParseMessages withMaxPayloadBytes(int maxPayloadBytes) {
    return new ParseMessages(
        new WireCodec(maxPayloadBytes),
        defaultTypeBySource,
        formatBySource,
        maxAgentPayloadBytes,
        maxClockSkewMs,
        maxDeadLetterBytes,
        withOrigins);
  }

  /**
   * Raw messages from a source for which {@code formatBySource} names an agent format are decoded
   * by it; null means the dctwin wire format. Called once per raw message: keep it cheap.
   */
  public ParseMessages withAgentFormats(SerializableFunction<String, AgentFormat> formatBySource) {
    return new ParseMessages(
        codec,
        defaultTypeBySource,
        formatBySource,
        maxAgentPayloadBytes,
        maxClockSkewMs,
        maxDeadLetterBytes,
        withOrigins);
  }

  /** Larger payloads of an agent format are dead letters ({@code PAYLOAD_TOO_LARGE}). */
  public ParseMessages withMaxAgentPayloadBytes(int maxBytes) {
    return new ParseMessages(
        codec,
        defaultTypeBySource,
        formatBySource,
        maxBytes,
        maxClockSkewMs,
        maxDeadLetterBytes,
        withOrigins);
  }

  /**
   * Messages whose event time is more than {@code skew} after the time they were received ({@link
   * RawMessage#receivedAt()}, processing time at ingestion) are dead letters ({@code
   * FUTURE_EVENT_TIME}); of an agent's payload, every host's latest sample counts. A replay of
   * recorded data is never affected: its times are in the past.
   */
  public ParseMessages withMaxClockSkew(Duration skew) {
    if (skew.isNegative()) {
      throw new IllegalArgumentException("the clock skew must not be negative: " + skew);
    }
    return new ParseMessages(
        codec,
        defaultTypeBySource,
        formatBySource,
        maxAgentPayloadBytes,
        skew.toMillis(),
        maxDeadLetterBytes,
        withOrigins);
  }

  /** A dead letter keeps at most this many bytes of its payload ({@link DeadLetter}). */
  public ParseMessages withMaxDeadLetterBytes(int maxBytes) {
    if (maxBytes < 0) {
      throw new IllegalArgumentException("a dead letter cannot keep " + maxBytes + " bytes");
    }
    return new ParseMessages(
        codec,
        defaultTypeBySource,
        formatBySource,
        maxAgentPayloadBytes,
        maxClockSkewMs,
        maxBytes,
        withOrigins);
  }

  /**
   * Gives the messages with their raw message's origin, as {@link #RECEIVED}, instead of {@link
   * #MESSAGES}: for the twins' dead letters ({@code DatacenterTwins.withOrigins()}).
   */
  public ParseMessages withOrigins() {
    return new ParseMessages(
        codec,
        defaultTypeBySource,
        formatBySource,
        maxAgentPayloadBytes,
        maxClockSkewMs,
        maxDeadLetterBytes,
        true);
  }

  @Override
  public PCollectionTuple expand(PCollection<RawMessage> raw) {
    PCollectionTuple parsed =
        raw.apply(
            "ParseJson",
            ParDo.of(
                    new ParseFn(
                        codec,
                        defaultTypeBySource,
                        formatBySource,
                        maxAgentPayloadBytes,
                        maxClockSkewMs,
                        maxDeadLetterBytes,
                        withOrigins))
                .withOutputTags(DEAD_LETTERS, TupleTagList.of(withOrigins ? RECEIVED : MESSAGES)));
    if (withOrigins) {
      parsed.get(RECEIVED).setCoder(ReceivedCoder.of());
    } else {
      parsed.get(MESSAGES).setCoder(MessageCoder.of());
    }
    parsed.get(DEAD_LETTERS).setCoder(RecordCoder.of(DeadLetter.class));
    return parsed;
  }

  static final class ParseFn extends DoFn<RawMessage, DeadLetter> {
    private final WireCodec codec;
    private final SerializableFunction<String, MessageType> defaultTypeBySource;
    private final SerializableFunction<String, AgentFormat> formatBySource;
    private final int maxAgentPayloadBytes;
    private final long maxClockSkewMs;
    private final int maxDeadLetterBytes;
    private final boolean withOrigins;
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
        int maxAgentPayloadBytes,
        long maxClockSkewMs,
        int maxDeadLetterBytes,
        boolean withOrigins) {
      this.codec = codec;
      this.defaultTypeBySource = defaultTypeBySource;
      this.formatBySource = formatBySource;
      this.maxAgentPayloadBytes = maxAgentPayloadBytes;
      this.maxClockSkewMs = maxClockSkewMs;
      this.maxDeadLetterBytes = maxDeadLetterBytes;
      this.withOrigins = withOrigins;
      for (DeadLetterReason reason : DeadLetterReason.values()) {
        rejected.put(reason, Metrics.counter(ParseMessages.class, reason.counterName()));
      }
    }

    @ProcessElement
    public void processElement(@Element RawMessage raw, MultiOutputReceiver out) {
      if (raw.cut() != null) {
        // The source kept only the first bytes of a payload larger than any parser takes.
        reject(
            raw,
            DeadLetterReason.PAYLOAD_TOO_LARGE,
            raw.cut().length() + " bytes exceed the limit of the source",
            out);
        return;
      }
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
      if (isFuture(message.eventTime(), raw)) {
        reject(
            raw, DeadLetterReason.FUTURE_EVENT_TIME, futureDetail(message.eventTime(), raw), out);
        return;
      }
      parsed.inc();
      output(message, raw, out);
    }

    private void output(Message message, RawMessage raw, MultiOutputReceiver out) {
      if (withOrigins) {
        out.get(RECEIVED).output(new Received(message, raw.origin()));
      } else {
        out.get(MESSAGES).output(message);
      }
    }

    private boolean isFuture(long eventTime, RawMessage raw) {
      return eventTime - raw.receivedAt() > maxClockSkewMs;
    }

    private String futureDetail(long eventTime, RawMessage raw) {
      return "event time "
          + Instant.ofEpochMilli(eventTime)
          + " is "
          + (eventTime - raw.receivedAt())
          + " ms after the message was received ("
          + Instant.ofEpochMilli(raw.receivedAt())
          + "), more than the allowed clock skew of "
          + maxClockSkewMs
          + " ms";
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
      for (AgentSamples samples : decoded) {
        if (isFuture(samples.eventTime(), raw)) {
          reject(
              raw,
              DeadLetterReason.FUTURE_EVENT_TIME,
              format.name()
                  + ": host "
                  + samples.host()
                  + ": "
                  + futureDetail(samples.eventTime(), raw),
              out);
          return;
        }
      }
      parsed.inc();
      for (AgentSamples samples : decoded) {
        agentSamples.inc(samples.samples().size());
        output(samples, raw, out);
      }
    }

    private void reject(
        RawMessage raw, DeadLetterReason reason, String detail, MultiOutputReceiver out) {
      rejected.get(reason).inc();
      out.get(DEAD_LETTERS).output(DeadLetter.of(raw, reason, detail, maxDeadLetterBytes));
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

package dev.dctwin.pipeline.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.MessageOrigin;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * Writes dead letters as JSON lines to one file, for an operator to inspect and replay; also the
 * JSON and the Kafka record headers of a dead letter on the dead-letter topic ({@code
 * transforms/WIRE-FORMAT.md}, "Dead letters").
 */
public final class WriteDeadLetters extends PTransform<PCollection<DeadLetter>, PDone> {
  /**
   * The prefix of the record headers of a dead letter, as Kafka Connect's {@code
   * __connect.errors.}.
   */
  public static final String HEADER_PREFIX = "dctwin.errors.";

  private static final ObjectMapper JSON =
      new ObjectMapper().addMixIn(MessageOrigin.class, OnlyPresentComponents.class);

  /** An origin names only what its transport has: a file has no partition. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  private abstract static class OnlyPresentComponents {}

  private final String path;

  private WriteDeadLetters(String path) {
    this.path = path;
  }

  public static WriteDeadLetters to(String path) {
    return new WriteDeadLetters(path);
  }

  public static String toJson(DeadLetter letter) {
    try {
      return JSON.writeValueAsString(letter);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a dead letter", e);
    }
  }

  /**
   * The record headers of a dead letter on the dead-letter topic: its reason, source, the payload's
   * length and SHA-256, and its origin (topic, partition, offset; file, line) as far as known.
   */
  public static Map<String, String> kafkaHeaders(DeadLetter letter) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put(HEADER_PREFIX + "reason", letter.reason().name());
    headers.put(HEADER_PREFIX + "source", letter.source());
    headers.put(HEADER_PREFIX + "payload.length", Long.toString(letter.payloadLength()));
    headers.put(HEADER_PREFIX + "payload.sha256", letter.payloadSha256());
    MessageOrigin origin = letter.origin();
    if (origin != null) {
      putIfPresent(headers, "topic", origin.topic());
      putIfPresent(headers, "partition", origin.partition());
      putIfPresent(headers, "offset", origin.offset());
      putIfPresent(headers, "file", origin.file());
      putIfPresent(headers, "line", origin.line());
    }
    return headers;
  }

  /**
   * {@link #kafkaHeaders} of a dead letter's JSON ({@link #toJson}): what the Kafka sinks derive
   * their headers from, so that the exactly-once sink, which holds only key and value, writes the
   * same headers as the at-least-once one.
   */
  public static Map<String, String> kafkaHeadersOfJson(String json) {
    try {
      return kafkaHeaders(JSON.readValue(json, DeadLetter.class));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not the JSON of a dead letter", e);
    }
  }

  private static void putIfPresent(Map<String, String> headers, String name, Object value) {
    if (value != null) {
      headers.put(HEADER_PREFIX + name, value.toString());
    }
  }

  @Override
  public PDone expand(PCollection<DeadLetter> letters) {
    return letters
        .apply(
            "EncodeJson", MapElements.into(TypeDescriptors.strings()).via(WriteDeadLetters::toJson))
        .apply("WriteFile", TextIO.write().to(path).withoutSharding());
  }
}

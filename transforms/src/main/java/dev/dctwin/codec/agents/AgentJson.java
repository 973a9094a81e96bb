package dev.dctwin.codec.agents;

import static dev.dctwin.domain.DeadLetterReason.NON_FINITE_NUMBER;
import static dev.dctwin.domain.DeadLetterReason.NOT_JSON;
import static dev.dctwin.domain.DeadLetterReason.NOT_UTF8;
import static dev.dctwin.domain.DeadLetterReason.PAYLOAD_TOO_LARGE;
import static dev.dctwin.domain.DeadLetterReason.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.dctwin.codec.InvalidMessageException;
import java.io.IOException;
import java.io.Serializable;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * What the JSON agent formats share: a strict, bounded Jackson factory, a fast UTF-8 check and
 * typed reads of the current token that fail as dead letters.
 */
final class AgentJson {
  /** Bytes of one JSON payload. */
  static final int MAX_PAYLOAD_BYTES = 16 << 20;

  private static final int MAX_NUMBER_LENGTH = 64;
  private static final long NON_ASCII = 0x8080808080808080L;
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private AgentJson() {}

  /** A factory whose parsers refuse nesting deeper than {@code maxNestingDepth}. */
  /**
   * Parsers of one format, from a {@link JsonFactory} made on first use: a format is serializable
   * (it travels in the job graph), a factory is not.
   */
  static final class Parsers implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int maxNestingDepth;
    private transient JsonFactory factory;

    Parsers(int maxNestingDepth) {
      this.maxNestingDepth = maxNestingDepth;
    }

    JsonParser parser(byte[] payload) throws IOException {
      if (factory == null) {
        factory = factory(maxNestingDepth);
      }
      return factory.createParser(payload);
    }
  }

  static JsonFactory factory(int maxNestingDepth) {
    return JsonFactory.builder()
        .streamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(maxNestingDepth)
                .maxNumberLength(MAX_NUMBER_LENGTH)
                .maxStringLength(MAX_PAYLOAD_BYTES)
                .build())
        .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
        .build();
  }

  /**
   * Rejects payloads over the size limit and payloads that are not UTF-8. Agents send ASCII almost
   * always: eight bytes at a time find that out, and only other payloads go through the decoder.
   */
  static void requireUtf8(byte[] payload) throws InvalidMessageException {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new InvalidMessageException(
          PAYLOAD_TOO_LARGE, payload.length + " bytes exceed the limit of " + MAX_PAYLOAD_BYTES);
    }
    if (isAscii(payload)) {
      return;
    }
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
    } catch (CharacterCodingException e) {
      throw new InvalidMessageException(NOT_UTF8, "the payload is not valid UTF-8");
    }
  }

  static boolean isAscii(byte[] bytes) {
    int i = 0;
    long any = 0;
    for (int end = bytes.length - 7; i < end; i += 8) {
      any |= (long) LONGS.get(bytes, i);
    }
    for (; i < bytes.length; i++) {
      any |= bytes[i] & 0xFFL;
    }
    return (any & NON_ASCII) == 0;
  }

  /** A Jackson failure (syntax, truncation, nesting, number length) as a dead letter. */
  static InvalidMessageException notJson(IOException e) {
    String message = String.valueOf(e.getMessage());
    int newline = message.indexOf('\n');
    return new InvalidMessageException(
        NOT_JSON, newline < 0 ? message : message.substring(0, newline));
  }

  /** The first token of a payload; an empty payload is not JSON. */
  static JsonToken first(JsonParser parser) throws IOException, InvalidMessageException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      throw new InvalidMessageException(NOT_JSON, "empty payload");
    }
    return token;
  }

  /** Requires the end of input after the value just read. */
  static void requireEnd(JsonParser parser) throws IOException, InvalidMessageException {
    if (parser.nextToken() != null) {
      throw new InvalidMessageException(NOT_JSON, "trailing data after the JSON value");
    }
  }

  static InvalidMessageException wrongType(String field, String expected) {
    return new InvalidMessageException(WRONG_TYPE, field + " must be " + expected);
  }

  /** The current token as a string; null for JSON null. */
  static String string(JsonParser parser, String field)
      throws IOException, InvalidMessageException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_STRING) {
      return parser.getText();
    }
    if (token == JsonToken.VALUE_NULL) {
      return null;
    }
    throw wrongType(field, "a string");
  }

  /** The current token as a finite number; NaN for JSON null. */
  static double number(JsonParser parser, String field)
      throws IOException, InvalidMessageException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      double value = parser.getDoubleValue();
      if (Double.isInfinite(value)) {
        throw new InvalidMessageException(NON_FINITE_NUMBER, field + " is not finite");
      }
      return value;
    }
    if (token == JsonToken.VALUE_NULL) {
      return Double.NaN;
    }
    throw wrongType(field, "a number");
  }

  /** Skips the current value, an object or array whole. */
  static void skip(JsonParser parser) throws IOException {
    parser.skipChildren();
  }
}

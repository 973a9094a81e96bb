package dev.dctwin.pipeline.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.OffsetDateTime;
import java.util.OptionalLong;

/**
 * Finds the top-level {@code eventTime} of a wire-format payload without decoding the message: the
 * Kafka timestamp policy needs it for every record before the real parse, so it must be cheap and
 * must never throw. Anything it cannot read yields empty, and the record's fate is left to {@code
 * ParseMessages}, which turns it into a dead letter with the precise reason.
 */
public final class PayloadEventTime {
  private static final JsonFactory JSON = new JsonFactory();

  private PayloadEventTime() {}

  public static OptionalLong of(byte[] payload) {
    if (payload == null || payload.length == 0) {
      return OptionalLong.empty();
    }
    try (JsonParser parser = JSON.createParser(payload)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return OptionalLong.empty();
      }
      for (JsonToken token = parser.nextToken();
          token == JsonToken.FIELD_NAME;
          token = parser.nextToken()) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if ("eventTime".equals(name)) {
          return timeOf(parser, value);
        }
        parser.skipChildren();
      }
      return OptionalLong.empty();
    } catch (IOException | RuntimeException e) {
      return OptionalLong.empty();
    }
  }

  private static OptionalLong timeOf(JsonParser parser, JsonToken value) throws IOException {
    if (value == JsonToken.VALUE_NUMBER_INT) {
      return OptionalLong.of(parser.getLongValue());
    }
    if (value == JsonToken.VALUE_STRING) {
      try {
        return OptionalLong.of(OffsetDateTime.parse(parser.getText()).toInstant().toEpochMilli());
      } catch (DateTimeException | ArithmeticException e) {
        return OptionalLong.empty();
      }
    }
    return OptionalLong.empty();
  }
}

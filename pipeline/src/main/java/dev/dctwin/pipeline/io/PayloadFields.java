package dev.dctwin.pipeline.io;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/** Reads one top-level string field of a JSON payload without decoding the rest; never throws. */
final class PayloadFields {
  private static final JsonFactory JSON = new JsonFactory();

  private PayloadFields() {}

  /** The value of the first of {@code names} that the payload has as a top-level string. */
  static Optional<String> firstOf(byte[] payload, String... names) {
    List<String> wanted = Arrays.asList(names);
    String best = null;
    int bestRank = Integer.MAX_VALUE;
    try (JsonParser parser = JSON.createParser(payload)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      for (JsonToken token = parser.nextToken();
          token == JsonToken.FIELD_NAME;
          token = parser.nextToken()) {
        int rank = wanted.indexOf(parser.currentName());
        JsonToken value = parser.nextToken();
        if (rank >= 0 && rank < bestRank && value == JsonToken.VALUE_STRING) {
          best = parser.getText();
          bestRank = rank;
        }
        parser.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      // Malformed: keep what was found before the error, if anything.
    }
    return Optional.ofNullable(best);
  }
}

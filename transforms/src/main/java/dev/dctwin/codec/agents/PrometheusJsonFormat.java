package dev.dctwin.codec.agents;

import static dev.dctwin.domain.DeadLetterReason.MISSING_FIELD;
import static dev.dctwin.domain.DeadLetterReason.NON_FINITE_NUMBER;
import static dev.dctwin.domain.DeadLetterReason.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The JSON that prometheus-kafka-adapter writes to Kafka for each sample Prometheus sends it by
 * remote write: {@code {"timestamp":"2026-11-21T10:00:00Z","value":"0.5","name":"node_load1",
 * "labels":{"__name__":"node_load1","instance":"web-1:9100","job":"node"}}}. The value is a string
 * (Go's formatting of a float64: {@code NaN} and {@code +Inf} included), the time RFC 3339. A JSON
 * array of such objects is read too.
 */
public final class PrometheusJsonFormat implements AgentFormat {
  public static final String NAME = "prometheus-json";

  /** An array of objects holding an object of labels. */
  private static final int MAX_NESTING_DEPTH = 4;

  private final AgentJson.Parsers json = new AgentJson.Parsers(MAX_NESTING_DEPTH);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<AgentSamples> decode(byte[] payload) throws InvalidMessageException {
    AgentJson.requireUtf8(payload);
    SampleBatch batch = new SampleBatch();
    try (JsonParser parser = json.parser(payload)) {
      JsonToken token = AgentJson.first(parser);
      if (token == JsonToken.START_ARRAY) {
        int index = 0;
        while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
          sample(parser, token, batch, "[" + index++ + "].");
        }
      } else {
        sample(parser, token, batch, "");
      }
      AgentJson.requireEnd(parser);
    } catch (IOException e) {
      throw AgentJson.notJson(e);
    }
    return batch.result();
  }

  private static void sample(JsonParser parser, JsonToken token, SampleBatch batch, String path)
      throws IOException, InvalidMessageException {
    if (token != JsonToken.START_OBJECT) {
      throw AgentJson.wrongType(path.isEmpty() ? "the payload" : path + "item", "a JSON object");
    }
    String timestamp = null;
    String value = null;
    String name = null;
    Map<String, String> labels = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      parser.nextToken();
      switch (field) {
        case "timestamp" -> timestamp = AgentJson.string(parser, path + "timestamp");
        case "value" -> value = AgentJson.string(parser, path + "value");
        case "name" -> name = AgentJson.string(parser, path + "name");
        case "labels" -> labels(parser, labels, path + "labels");
        default -> AgentJson.skip(parser);
      }
    }
    if (!labels.containsKey(PrometheusSamples.NAME_LABEL) && name != null) {
      labels.put(PrometheusSamples.NAME_LABEL, name);
    }
    if (timestamp == null) {
      throw new InvalidMessageException(MISSING_FIELD, path + "timestamp is missing");
    }
    if (value == null) {
      throw new InvalidMessageException(MISSING_FIELD, path + "value is missing");
    }
    PrometheusSamples.add(batch, labels, parseValue(value, path), parseTime(timestamp, path));
  }

  private static void labels(JsonParser parser, Map<String, String> labels, String path)
      throws IOException, InvalidMessageException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw AgentJson.wrongType(path, "an object of strings");
    }
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String label = parser.currentName();
      if (parser.nextToken() != JsonToken.VALUE_STRING) {
        throw AgentJson.wrongType(path + "." + SampleBatch.abbreviate(label), "a string");
      }
      labels.put(label, parser.getText());
    }
  }

  /** Go's {@code strconv.FormatFloat}: a decimal, {@code NaN}, {@code +Inf} or {@code -Inf}. */
  private static double parseValue(String value, String path) throws InvalidMessageException {
    switch (value) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        break;
    }
    // Java would read "Infinity", hex floats and a trailing "d" too; Go writes none of them.
    if (value.isEmpty() || value.length() > 64 || !value.matches("[-+0-9.eE]+")) {
      throw AgentJson.wrongType(path + "value", "a decimal number as a string");
    }
    try {
      double number = Double.parseDouble(value);
      if (Double.isInfinite(number)) {
        throw new InvalidMessageException(NON_FINITE_NUMBER, path + "value overflows");
      }
      return number;
    } catch (NumberFormatException e) {
      throw new InvalidMessageException(
          WRONG_TYPE, path + "value '" + SampleBatch.abbreviate(value) + "' is not a number");
    }
  }

  private static long parseTime(String timestamp, String path) throws InvalidMessageException {
    try {
      return OffsetDateTime.parse(timestamp).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      throw AgentJson.wrongType(
          path + "timestamp", "an RFC 3339 time such as 2026-11-21T10:00:00Z");
    }
  }
}

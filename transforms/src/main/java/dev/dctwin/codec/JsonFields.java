package dev.dctwin.codec;

import static dev.dctwin.domain.DeadLetterReason.FIELD_TOO_LONG;
import static dev.dctwin.domain.DeadLetterReason.MISSING_FIELD;
import static dev.dctwin.domain.DeadLetterReason.NON_FINITE_NUMBER;
import static dev.dctwin.domain.DeadLetterReason.OUT_OF_RANGE;
import static dev.dctwin.domain.DeadLetterReason.TIMESTAMP_OUT_OF_RANGE;
import static dev.dctwin.domain.DeadLetterReason.WRONG_TYPE;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Typed, validating access to the fields of one JSON object. Every failure names the field path and
 * becomes a dead letter with a precise reason.
 */
final class JsonFields {
  /** 2000-01-01T00:00:00Z: nothing dctwin watches reports from before. */
  static final long MIN_TIME_MS = 946_684_800_000L;

  /** 2100-01-01T00:00:00Z: later times are clock or unit errors (seconds read as ms, say). */
  static final long MAX_TIME_MS = 4_102_444_800_000L;

  private final JsonNode node;
  private final String path;

  JsonFields(JsonNode node, String path) {
    this.node = node;
    this.path = path;
  }

  JsonFields object(String name) throws InvalidMessageException {
    JsonNode value = require(name);
    if (!value.isObject()) {
      throw wrongType(name, "an object");
    }
    return new JsonFields(value, qualified(name));
  }

  JsonFields optionalObject(String name) throws InvalidMessageException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isObject()) {
      throw wrongType(name, "an object");
    }
    return new JsonFields(value, qualified(name));
  }

  /** The objects of an array field; empty when the field is absent or null. */
  List<JsonFields> optionalObjects(String name) throws InvalidMessageException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return List.of();
    }
    if (!value.isArray()) {
      throw wrongType(name, "an array of objects");
    }
    List<JsonFields> objects = new ArrayList<>(value.size());
    int index = 0;
    for (JsonNode item : value) {
      if (!item.isObject()) {
        throw wrongType(name, "an array of objects");
      }
      objects.add(new JsonFields(item, qualified(name) + "[" + index++ + "]"));
    }
    return objects;
  }

  /** The names of this object's fields, in their order. */
  List<String> names() {
    List<String> names = new ArrayList<>(node.size());
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** A string that is neither blank nor longer than {@code maxLength} characters. */
  String string(String name, int maxLength) throws InvalidMessageException {
    JsonNode value = require(name);
    if (!value.isTextual()) {
      throw wrongType(name, "a string");
    }
    String text = value.textValue();
    if (text.isBlank()) {
      throw new InvalidMessageException(MISSING_FIELD, qualified(name) + " is blank");
    }
    return requireLength(name, text, maxLength);
  }

  /** A string of at most {@code maxLength} characters, or null when absent. */
  String optionalString(String name, int maxLength) throws InvalidMessageException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw wrongType(name, "a string");
    }
    return requireLength(name, value.textValue(), maxLength);
  }

  private String requireLength(String name, String text, int maxLength)
      throws InvalidMessageException {
    if (text.length() > maxLength) {
      throw new InvalidMessageException(
          FIELD_TOO_LONG,
          qualified(name) + " of " + text.length() + " characters, more than " + maxLength);
    }
    return text;
  }

  boolean optionalBoolean(String name) throws InvalidMessageException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return false;
    }
    if (!value.isBoolean()) {
      throw wrongType(name, "true or false");
    }
    return value.booleanValue();
  }

  /** An array of strings of at most {@code maxLength} characters each. */
  List<String> strings(String name, int maxLength) throws InvalidMessageException {
    JsonNode value = require(name);
    if (!value.isArray()) {
      throw wrongType(name, "an array of strings");
    }
    List<String> result = new ArrayList<>(value.size());
    for (JsonNode item : value) {
      if (!item.isTextual()) {
        throw wrongType(name, "an array of strings");
      }
      result.add(requireLength(name + "[" + result.size() + "]", item.textValue(), maxLength));
    }
    return result;
  }

  double number(String name, double min, double max) throws InvalidMessageException {
    JsonNode value = require(name);
    if (!value.isNumber()) {
      throw wrongType(name, "a number");
    }
    double number = value.doubleValue();
    if (!Double.isFinite(number)) {
      throw new InvalidMessageException(NON_FINITE_NUMBER, qualified(name) + " is not finite");
    }
    if (number < min || number > max) {
      throw new InvalidMessageException(
          OUT_OF_RANGE, qualified(name) + "=" + number + " outside [" + min + ", " + max + "]");
    }
    return number;
  }

  /**
   * A metric of a group: a number in its range, or NaN when it is null (the agent does not report
   * it). A field left out is {@code MISSING_FIELD}, so that a misspelt name is not taken for a
   * metric that is not reported.
   */
  double reported(String name, double min, double max) throws InvalidMessageException {
    JsonNode value = node.get(name);
    if (value != null && value.isNull()) {
      return Double.NaN;
    }
    return number(name, min, max);
  }

  double reportedPercent(String name) throws InvalidMessageException {
    return reported(name, 0.0, 100.0);
  }

  double reportedNonNegative(String name) throws InvalidMessageException {
    return reported(name, 0.0, Double.MAX_VALUE);
  }

  /** A time as epoch milliseconds (integral number) or an ISO-8601 instant with offset. */
  long time(String name) throws InvalidMessageException {
    JsonNode value = require(name);
    long millis;
    if (value.isTextual()) {
      millis = parseIsoTime(name, value.textValue());
    } else if (value.isIntegralNumber() && value.canConvertToLong()) {
      millis = value.longValue();
    } else if (value.isNumber()) {
      throw new InvalidMessageException(
          TIMESTAMP_OUT_OF_RANGE, qualified(name) + " is not an integral epoch-millisecond value");
    } else {
      throw wrongType(name, "epoch milliseconds or an ISO-8601 string");
    }
    if (millis < MIN_TIME_MS || millis >= MAX_TIME_MS) {
      throw new InvalidMessageException(
          TIMESTAMP_OUT_OF_RANGE, qualified(name) + "=" + millis + " outside years 2000..2099");
    }
    return millis;
  }

  private long parseIsoTime(String name, String text) throws InvalidMessageException {
    try {
      return OffsetDateTime.parse(text).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException notOffsetDateTime) {
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException notInstant) {
        throw wrongType(name, "an ISO-8601 instant such as 2026-11-21T10:15:30Z");
      }
    }
  }

  private JsonNode require(String name) throws InvalidMessageException {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw new InvalidMessageException(MISSING_FIELD, qualified(name) + " is missing");
    }
    return value;
  }

  private InvalidMessageException wrongType(String name, String expected) {
    return new InvalidMessageException(WRONG_TYPE, qualified(name) + " must be " + expected);
  }

  private String qualified(String name) {
    return path.isEmpty() ? name : path + "." + name;
  }
}

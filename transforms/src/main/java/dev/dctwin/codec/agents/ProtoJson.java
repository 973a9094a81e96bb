package dev.dctwin.codec.agents;

import static dev.dctwin.domain.DeadLetterReason.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.dctwin.codec.InvalidMessageException;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The protobuf JSON mapping (proto3), read by a message's descriptor straight from a Jackson
 * parser: field names in lowerCamelCase or as declared, 64-bit integers as strings or numbers,
 * enums as numbers or names, bytes in base64, {@code NaN} and {@code Infinity} as strings. Unknown
 * fields, unknown enum names and nulls are skipped. It covers what OTLP's messages use (no maps, no
 * well-known types such as {@code Any} or {@code Timestamp}) and stands in for protobuf-java-util's
 * {@code JsonFormat}, which brought Guava and Gson into the Flink job jar
 * (runner-configs/flink-cluster/JOB-JAR.md).
 */
final class ProtoJson {
  /** Digits before the point that any 64-bit value fits in; more is out of range, not parsed. */
  private static final int MAX_INTEGER_DIGITS = 20;

  private static final int MAX_NUMBER_STRING = 64;
  private static final BigInteger UINT64_LIMIT = BigInteger.ONE.shiftLeft(64);

  private static final Map<Descriptor, Map<String, FieldDescriptor>> FIELDS =
      new ConcurrentHashMap<>();

  private ProtoJson() {}

  /** Reads the object the parser is at (its START_OBJECT token) into {@code builder}. */
  static void merge(JsonParser parser, Message.Builder builder)
      throws IOException, InvalidMessageException {
    if (parser.currentToken() != JsonToken.START_OBJECT) {
      throw AgentJson.wrongType(builder.getDescriptorForType().getName(), "a JSON object");
    }
    Map<String, FieldDescriptor> fields =
        FIELDS.computeIfAbsent(builder.getDescriptorForType(), ProtoJson::fieldsByName);
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      FieldDescriptor field = fields.get(parser.currentName());
      JsonToken token = parser.nextToken();
      if (field == null || token == JsonToken.VALUE_NULL) {
        parser.skipChildren();
      } else if (field.isRepeated()) {
        if (token != JsonToken.START_ARRAY) {
          throw AgentJson.wrongType(field.getJsonName(), "an array");
        }
        while (parser.nextToken() != JsonToken.END_ARRAY) {
          Object value = value(parser, builder, field);
          if (value != null) {
            builder.addRepeatedField(field, value);
          }
        }
      } else {
        Object value = value(parser, builder, field);
        if (value != null) {
          builder.setField(field, value);
        }
      }
    }
  }

  private static Map<String, FieldDescriptor> fieldsByName(Descriptor type) {
    Map<String, FieldDescriptor> fields = new HashMap<>();
    for (FieldDescriptor field : type.getFields()) {
      if (field.isMapField()) {
        // Not in OTLP; skipped like an unknown field rather than misread.
        continue;
      }
      fields.put(field.getName(), field);
      fields.put(field.getJsonName(), field);
    }
    return Map.copyOf(fields);
  }

  /** The current value as the field's Java type; null for an enum name it does not know. */
  private static Object value(JsonParser parser, Message.Builder builder, FieldDescriptor field)
      throws IOException, InvalidMessageException {
    String name = field.getJsonName();
    switch (field.getJavaType()) {
      case MESSAGE:
        Message.Builder nested = builder.newBuilderForField(field);
        merge(parser, nested);
        return nested.build();
      case STRING:
        return text(parser, name, "a string");
      case BOOLEAN:
        return bool(parser, name);
      case INT:
        return (int) integer(parser, field, isUnsigned(field) ? 32 : -32);
      case LONG:
        return integer(parser, field, isUnsigned(field) ? 64 : -64);
      case DOUBLE:
        return real(parser, name);
      case FLOAT:
        return (float) real(parser, name);
      case BYTE_STRING:
        return bytes(text(parser, name, "a base64 string"), name);
      case ENUM:
        return enumValue(parser, field);
      default:
        throw AgentJson.wrongType(name, field.getJavaType().toString());
    }
  }

  private static boolean isUnsigned(FieldDescriptor field) {
    switch (field.getType()) {
      case UINT32:
      case FIXED32:
      case UINT64:
      case FIXED64:
        return true;
      default:
        return false;
    }
  }

  private static String text(JsonParser parser, String name, String expected)
      throws IOException, InvalidMessageException {
    if (parser.currentToken() != JsonToken.VALUE_STRING) {
      throw AgentJson.wrongType(name, expected);
    }
    return parser.getText();
  }

  private static boolean bool(JsonParser parser, String name)
      throws IOException, InvalidMessageException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
      return token == JsonToken.VALUE_TRUE;
    }
    if (token == JsonToken.VALUE_STRING) {
      String text = parser.getText();
      if (text.equals("true") || text.equals("false")) {
        return text.equals("true");
      }
    }
    throw AgentJson.wrongType(name, "a boolean");
  }

  /**
   * An integral number, or a string of one, in the range of {@code bits} bits (negative: signed),
   * returned in two's complement as protobuf keeps unsigned values.
   */
  private static long integer(JsonParser parser, FieldDescriptor field, int bits)
      throws IOException, InvalidMessageException {
    String name = field.getJsonName();
    BigDecimal decimal;
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      decimal = parser.getDecimalValue();
    } else if (token == JsonToken.VALUE_STRING && parser.getTextLength() <= MAX_NUMBER_STRING) {
      try {
        decimal = new BigDecimal(parser.getText());
      } catch (NumberFormatException e) {
        throw AgentJson.wrongType(name, "an integer");
      }
    } else {
      throw AgentJson.wrongType(name, "an integer");
    }
    BigInteger value;
    try {
      if (decimal.precision() - decimal.scale() > MAX_INTEGER_DIGITS) {
        throw new ArithmeticException("too many digits");
      }
      value = decimal.toBigIntegerExact();
    } catch (ArithmeticException e) {
      throw AgentJson.wrongType(name, "an integer of " + field.getType());
    }
    int width = Math.abs(bits);
    BigInteger min = bits < 0 ? BigInteger.ONE.shiftLeft(width - 1).negate() : BigInteger.ZERO;
    BigInteger max =
        bits < 0
            ? BigInteger.ONE.shiftLeft(width - 1).subtract(BigInteger.ONE)
            : (width == 64 ? UINT64_LIMIT : BigInteger.ONE.shiftLeft(width))
                .subtract(BigInteger.ONE);
    if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw AgentJson.wrongType(name, "an integer of " + field.getType());
    }
    return value.longValue();
  }

  /** A number, or one of the strings NaN, Infinity, -Infinity or a number. */
  private static double real(JsonParser parser, String name)
      throws IOException, InvalidMessageException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
      double value = parser.getDoubleValue();
      if (Double.isInfinite(value)) {
        throw AgentJson.wrongType(name, "a number in the range of a double");
      }
      return value;
    }
    if (token == JsonToken.VALUE_STRING && parser.getTextLength() <= MAX_NUMBER_STRING) {
      String text = parser.getText();
      switch (text) {
        case "NaN":
          return Double.NaN;
        case "Infinity":
          return Double.POSITIVE_INFINITY;
        case "-Infinity":
          return Double.NEGATIVE_INFINITY;
        default:
          try {
            double value = Double.parseDouble(text);
            if (!Double.isInfinite(value) && !text.isBlank()) {
              return value;
            }
          } catch (NumberFormatException e) {
            // Below.
          }
      }
    }
    throw AgentJson.wrongType(name, "a number");
  }

  /**
   * Base64, standard or URL-safe, as the mapping has it. OTLP/JSON writes trace and span ids in hex
   * instead: hex of a multiple of 4 digits is valid base64 too and reads into ids that mean nothing
   * (dctwin reads no exemplar ids), as it did with JsonFormat.
   */
  private static ByteString bytes(String text, String name) throws InvalidMessageException {
    try {
      return ByteString.copyFrom(Base64.getDecoder().decode(text));
    } catch (IllegalArgumentException e) {
      try {
        return ByteString.copyFrom(Base64.getUrlDecoder().decode(text));
      } catch (IllegalArgumentException again) {
        throw new InvalidMessageException(WRONG_TYPE, name + " must be base64");
      }
    }
  }

  private static EnumValueDescriptor enumValue(JsonParser parser, FieldDescriptor field)
      throws IOException, InvalidMessageException {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.VALUE_STRING) {
      return field.getEnumType().findValueByName(parser.getText());
    }
    if (token == JsonToken.VALUE_NUMBER_INT) {
      return field
          .getEnumType()
          .findValueByNumberCreatingIfUnknown((int) integer(parser, field, -32));
    }
    throw AgentJson.wrongType(field.getJsonName(), "an enum number or name");
  }
}

package dev.dctwin.codec.agents;

import static dev.dctwin.domain.DeadLetterReason.MISSING_FIELD;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import java.io.IOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The output of Telegraf's JSON serializer ({@code data_format = "json"}): one metric {@code
 * {"fields":{"usage_idle":92.1,...},"name":"cpu","tags":{"cpu":"cpu-total","host":"web-1"},
 * "timestamp":1763719200}} or a batch {@code {"metrics":[...]}}. The timestamp is in {@code
 * json_timestamp_units} (seconds by default; milliseconds, microseconds and nanoseconds are told
 * apart by their size) or, with {@code json_timestamp_format}, an RFC 3339 string.
 */
public final class TelegrafFormat implements AgentFormat {
  public static final String NAME = "telegraf";

  /** A batch object holding an array of metrics holding objects of fields and tags. */
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
    Metric metric = new Metric();
    try (JsonParser parser = json.parser(payload)) {
      JsonToken token = AgentJson.first(parser);
      if (token != JsonToken.START_OBJECT) {
        throw AgentJson.wrongType("the payload", "a JSON object");
      }
      metric.read(parser, batch, "");
      AgentJson.requireEnd(parser);
    } catch (IOException e) {
      throw AgentJson.notJson(e);
    }
    return batch.result();
  }

  /** One metric while it is read; reused for the next of a batch. */
  private static final class Metric {
    final List<String> fieldNames = new ArrayList<>();
    final List<Object> fieldValues = new ArrayList<>();
    final Map<String, String> tags = new HashMap<>();
    String name;
    long time;
    boolean hasTime;

    /** Reads the object whose START_OBJECT is current: a metric, or a batch of them. */
    void read(JsonParser parser, SampleBatch batch, String path)
        throws IOException, InvalidMessageException {
      fieldNames.clear();
      fieldValues.clear();
      tags.clear();
      name = null;
      hasTime = false;
      boolean isBatch = false;
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken token = parser.nextToken();
        switch (field) {
          case "metrics" -> {
            if (!path.isEmpty()) {
              throw AgentJson.wrongType(path + "metrics", "absent: batches do not nest");
            }
            isBatch = true;
            readBatch(parser, token, batch);
          }
          case "fields" -> readFields(parser, token, path + "fields");
          case "tags" -> readTags(parser, token, path + "tags");
          case "name" -> name = AgentJson.string(parser, path + "name");
          case "timestamp" -> readTime(parser, token, path + "timestamp");
          default -> AgentJson.skip(parser);
        }
      }
      if (isBatch) {
        return;
      }
      if (name == null || name.isEmpty()) {
        throw new InvalidMessageException(MISSING_FIELD, path + "name is missing");
      }
      if (!hasTime) {
        throw new InvalidMessageException(MISSING_FIELD, path + "timestamp is missing");
      }
      TelegrafSamples.add(batch, name, tags, fieldNames, fieldValues, time);
    }

    private void readBatch(JsonParser parser, JsonToken token, SampleBatch batch)
        throws IOException, InvalidMessageException {
      if (token != JsonToken.START_ARRAY) {
        throw AgentJson.wrongType("metrics", "an array of metrics");
      }
      int index = 0;
      while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
        String path = "metrics[" + index++ + "].";
        if (token != JsonToken.START_OBJECT) {
          throw AgentJson.wrongType(path, "a metric object");
        }
        read(parser, batch, path);
      }
    }

    private void readFields(JsonParser parser, JsonToken token, String path)
        throws IOException, InvalidMessageException {
      if (token != JsonToken.START_OBJECT) {
        throw AgentJson.wrongType(path, "an object");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        token = parser.nextToken();
        Object value =
            switch (token) {
              case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT ->
                  AgentJson.number(parser, path + "." + SampleBatch.abbreviate(field));
              case VALUE_TRUE -> 1.0;
              case VALUE_FALSE -> 0.0;
              // Telegraf's string fields (a status text, a version) are no samples.
              case VALUE_STRING, VALUE_NULL -> null;
              default ->
                  throw AgentJson.wrongType(
                      path + "." + SampleBatch.abbreviate(field), "a number, boolean or string");
            };
        if (value != null) {
          fieldNames.add(field);
          fieldValues.add(value);
        }
      }
    }

    private void readTags(JsonParser parser, JsonToken token, String path)
        throws IOException, InvalidMessageException {
      if (token != JsonToken.START_OBJECT) {
        throw AgentJson.wrongType(path, "an object of strings");
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String tag = parser.currentName();
        if (parser.nextToken() != JsonToken.VALUE_STRING) {
          throw AgentJson.wrongType(path + "." + SampleBatch.abbreviate(tag), "a string");
        }
        tags.put(tag, parser.getText());
      }
    }

    private void readTime(JsonParser parser, JsonToken token, String path)
        throws IOException, InvalidMessageException {
      if (token == JsonToken.VALUE_STRING) {
        try {
          time = OffsetDateTime.parse(parser.getText()).toInstant().toEpochMilli();
        } catch (DateTimeParseException | ArithmeticException e) {
          throw AgentJson.wrongType(path, "a number or an RFC 3339 time");
        }
      } else {
        time = epochMillis(AgentJson.number(parser, path));
      }
      hasTime = true;
    }
  }

  /**
   * A Telegraf timestamp in milliseconds: {@code json_timestamp_units} can be 1s, 1ms, 1us or 1ns,
   * and for times of this century their ranges do not overlap. NaN (JSON null) becomes 0, which the
   * time check rejects.
   */
  static long epochMillis(double timestamp) {
    if (Double.isNaN(timestamp)) {
      return 0;
    }
    double magnitude = Math.abs(timestamp);
    if (magnitude < 1e11) {
      return Math.round(timestamp * 1e3);
    }
    if (magnitude < 1e14) {
      return Math.round(timestamp);
    }
    if (magnitude < 1e17) {
      return Math.round(timestamp / 1e3);
    }
    return Math.round(timestamp / 1e6);
  }
}

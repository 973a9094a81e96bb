package dev.dctwin.codec.agents;

import static dev.dctwin.domain.DeadLetterReason.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.JsonFormat;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * OTLP metrics in JSON (OTLP/HTTP with {@code Content-Type: application/json}, the Collector's
 * Kafka exporter with {@code encoding: otlp_json}, its file exporter): the protobuf JSON mapping of
 * an {@code ExportMetricsServiceRequest}, with lowerCamelCase field names, enums as integers and
 * 64-bit integers as strings or numbers, which protobuf's {@code JsonFormat} reads. Unknown fields
 * are ignored, as OTLP requires of receivers.
 *
 * <p>Jackson checks the syntax and nesting first, so that what reaches {@code JsonFormat} is
 * strict, bounded JSON. OTLP/JSON writes trace and span ids (of exemplars, which dctwin does not
 * read) in hex where protobuf's mapping has base64: {@code JsonFormat} reads them as base64 without
 * failing, into ids that mean nothing.
 */
public final class OtlpJsonFormat implements AgentFormat {
  public static final String NAME = "otlp-json";

  /** resourceMetrics / scopeMetrics / metrics / sum / dataPoints / attributes / value, nested. */
  private static final int MAX_NESTING_DEPTH = 32;

  private final AgentJson.Parsers json = new AgentJson.Parsers(MAX_NESTING_DEPTH);
  private transient JsonFormat.Parser parser;

  @Override
  public String name() {
    return NAME;
  }

  private JsonFormat.Parser parser() {
    if (parser == null) {
      parser = JsonFormat.parser().ignoringUnknownFields();
    }
    return parser;
  }

  @Override
  public List<AgentSamples> decode(byte[] payload) throws InvalidMessageException {
    AgentJson.requireUtf8(payload);
    try (JsonParser check = json.parser(payload)) {
      if (AgentJson.first(check) != JsonToken.START_OBJECT) {
        throw AgentJson.wrongType("the payload", "a JSON object");
      }
      check.skipChildren();
      AgentJson.requireEnd(check);
    } catch (IOException e) {
      throw AgentJson.notJson(e);
    }
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    try {
      parser().merge(new String(payload, StandardCharsets.UTF_8), request);
    } catch (InvalidProtocolBufferException | RuntimeException e) {
      String message = String.valueOf(e.getMessage());
      int newline = message.indexOf('\n');
      throw new InvalidMessageException(
          WRONG_TYPE,
          "not an OTLP ExportMetricsServiceRequest: "
              + (newline < 0 ? message : message.substring(0, newline)));
    }
    SampleBatch batch = new SampleBatch();
    OtlpSamples.add(batch, request.build());
    return batch.result();
  }
}

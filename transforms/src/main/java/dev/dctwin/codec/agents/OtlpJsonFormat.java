package dev.dctwin.codec.agents;

import com.fasterxml.jackson.core.JsonParser;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.io.IOException;
import java.util.List;

/**
 * OTLP metrics in JSON (OTLP/HTTP with {@code Content-Type: application/json}, the Collector's
 * Kafka exporter with {@code encoding: otlp_json}, its file exporter): the protobuf JSON mapping of
 * an {@code ExportMetricsServiceRequest}, with lowerCamelCase field names, enums as integers and
 * 64-bit integers as strings or numbers. Unknown fields are ignored, as OTLP requires of receivers.
 *
 * <p>Jackson reads the payload strictly and bounded (nesting, number length) in one pass, {@link
 * ProtoJson} maps it onto the message by its descriptor. OTLP/JSON writes trace and span ids (of
 * exemplars, which dctwin does not read) in hex where protobuf's mapping has base64: they read as
 * base64 without failing, into ids that mean nothing.
 */
public final class OtlpJsonFormat implements AgentFormat {
  public static final String NAME = "otlp-json";

  /** resourceMetrics / scopeMetrics / metrics / sum / dataPoints / attributes / value, nested. */
  private static final int MAX_NESTING_DEPTH = 32;

  private final AgentJson.Parsers json = new AgentJson.Parsers(MAX_NESTING_DEPTH);

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<AgentSamples> decode(byte[] payload) throws InvalidMessageException {
    AgentJson.requireUtf8(payload);
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    try (JsonParser parser = json.parser(payload)) {
      AgentJson.first(parser);
      ProtoJson.merge(parser, request);
      AgentJson.requireEnd(parser);
    } catch (IOException e) {
      throw AgentJson.notJson(e);
    }
    SampleBatch batch = new SampleBatch();
    OtlpSamples.add(batch, request.build());
    return batch.result();
  }
}

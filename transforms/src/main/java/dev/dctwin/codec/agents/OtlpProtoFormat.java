package dev.dctwin.codec.agents;

import static dev.dctwin.domain.DeadLetterReason.PAYLOAD_TOO_LARGE;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import java.util.List;

/**
 * OTLP metrics in protobuf: the body of an OTLP/HTTP {@code POST /v1/metrics} with {@code
 * Content-Type: application/x-protobuf} (uncompressed), or a message the OpenTelemetry Collector's
 * Kafka exporter writes with {@code encoding: otlp_proto}: an {@code ExportMetricsServiceRequest}.
 */
public final class OtlpProtoFormat implements AgentFormat {
  public static final String NAME = "otlp-proto";

  static final int MAX_PAYLOAD_BYTES = 16 << 20;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<AgentSamples> decode(byte[] payload) throws InvalidMessageException {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new InvalidMessageException(
          PAYLOAD_TOO_LARGE, payload.length + " bytes exceed the limit of " + MAX_PAYLOAD_BYTES);
    }
    ExportMetricsServiceRequest request;
    try {
      request = ExportMetricsServiceRequest.parseFrom(payload);
    } catch (InvalidProtocolBufferException e) {
      throw PrometheusRemoteWriteFormat.Protobuf.invalid(e);
    }
    SampleBatch batch = new SampleBatch();
    OtlpSamples.add(batch, request);
    return batch.result();
  }
}

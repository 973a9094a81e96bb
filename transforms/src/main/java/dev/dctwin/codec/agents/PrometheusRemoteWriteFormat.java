package dev.dctwin.codec.agents;

import static dev.dctwin.domain.DeadLetterReason.NOT_PROTOBUF;
import static dev.dctwin.domain.DeadLetterReason.NOT_SNAPPY;
import static dev.dctwin.domain.DeadLetterReason.NOT_UTF8;
import static dev.dctwin.domain.DeadLetterReason.PAYLOAD_TOO_LARGE;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.agents.proto.RemoteWrite.Label;
import dev.dctwin.codec.agents.proto.RemoteWrite.Sample;
import dev.dctwin.codec.agents.proto.RemoteWrite.TimeSeries;
import dev.dctwin.codec.agents.proto.RemoteWrite.WriteRequest;
import dev.dctwin.domain.AgentSamples;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xerial.snappy.Snappy;

/**
 * The body of a Prometheus remote write 1.0 request: a snappy block-compressed protobuf {@code
 * WriteRequest} of time series, each with its labels and samples (millisecond timestamps). Sent by
 * Prometheus, Grafana Agent / Alloy, vmagent, the OpenTelemetry Collector's prometheusremotewrite
 * exporter, and others.
 */
public final class PrometheusRemoteWriteFormat implements AgentFormat {
  public static final String NAME = "prometheus-remote-write";

  /** Compressed bytes of one request. */
  static final int MAX_PAYLOAD_BYTES = 16 << 20;

  /** Uncompressed bytes of one request: 100,000 samples of a wide series each. */
  static final int MAX_UNCOMPRESSED_BYTES = 32 << 20;

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public List<AgentSamples> decode(byte[] payload) throws InvalidMessageException {
    return decodeRequest(uncompress(payload));
  }

  /** Decodes an uncompressed WriteRequest, as {@link #decode} does after snappy. */
  List<AgentSamples> decodeRequest(byte[] request) throws InvalidMessageException {
    WriteRequest parsed;
    try {
      parsed = WriteRequest.parseFrom(request);
    } catch (InvalidProtocolBufferException e) {
      throw Protobuf.invalid(e);
    }
    if (parsed.getTimeseriesCount() == 0 && parsed.getMetadataCount() > 0) {
      // Metadata only (help texts and types): nothing for the twins, and not a mistake.
      return List.of();
    }
    SampleBatch batch = new SampleBatch();
    Map<String, String> labels = new HashMap<>();
    for (TimeSeries series : parsed.getTimeseriesList()) {
      labels.clear();
      for (Label label : series.getLabelsList()) {
        labels.put(label.getName(), label.getValue());
      }
      for (Sample sample : series.getSamplesList()) {
        PrometheusSamples.add(batch, labels, sample.getValue(), sample.getTimestamp());
      }
    }
    return batch.result();
  }

  static byte[] uncompress(byte[] payload) throws InvalidMessageException {
    if (payload.length > MAX_PAYLOAD_BYTES) {
      throw new InvalidMessageException(
          PAYLOAD_TOO_LARGE, payload.length + " bytes exceed the limit of " + MAX_PAYLOAD_BYTES);
    }
    if (payload.length == 0) {
      throw new InvalidMessageException(NOT_SNAPPY, "empty payload");
    }
    int length;
    try {
      length = Snappy.uncompressedLength(payload);
    } catch (IOException | RuntimeException e) {
      throw new InvalidMessageException(NOT_SNAPPY, "not snappy block format: " + e.getMessage());
    }
    if (length < 0 || length > MAX_UNCOMPRESSED_BYTES) {
      throw new InvalidMessageException(
          PAYLOAD_TOO_LARGE,
          "uncompressed length " + length + " exceeds the limit of " + MAX_UNCOMPRESSED_BYTES);
    }
    byte[] uncompressed = new byte[length];
    try {
      int written = Snappy.uncompress(payload, 0, payload.length, uncompressed, 0);
      if (written != length) {
        throw new InvalidMessageException(
            NOT_SNAPPY, "uncompressed " + written + " bytes, header said " + length);
      }
    } catch (IOException | RuntimeException e) {
      throw new InvalidMessageException(NOT_SNAPPY, "corrupt snappy block: " + e.getMessage());
    }
    return uncompressed;
  }

  /** Protobuf parse failures as dead-letter reasons. */
  static final class Protobuf {
    private Protobuf() {}

    static InvalidMessageException invalid(InvalidProtocolBufferException e) {
      String message = String.valueOf(e.getMessage());
      return new InvalidMessageException(
          message.contains("UTF-8") ? NOT_UTF8 : NOT_PROTOBUF, firstLine(message));
    }

    private static String firstLine(String message) {
      int newline = message.indexOf('\n');
      return newline < 0 ? message : message.substring(0, newline);
    }
  }
}

package dev.dctwin.codec.agents;

import static dev.dctwin.codec.agents.AgentTesting.assertRejected;
import static dev.dctwin.codec.agents.AgentTesting.assertSample;
import static dev.dctwin.codec.agents.AgentTesting.decode;
import static dev.dctwin.codec.agents.AgentTesting.fixtureText;
import static dev.dctwin.codec.agents.AgentTesting.host;
import static dev.dctwin.domain.MetricSample.Kind.COUNTER;
import static dev.dctwin.domain.MetricSample.Kind.GAUGE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.util.JsonFormat;
import dev.dctwin.domain.DeadLetterReason;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import io.opentelemetry.proto.metrics.v1.Summary;
import io.opentelemetry.proto.metrics.v1.SummaryDataPoint;
import io.opentelemetry.proto.resource.v1.Resource;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class OtlpProtoFormatTest {
  private static final long T0_NANOS = OtlpJsonFormatTest.T0 * 1_000_000L;
  private final AgentFormat format = AgentFormats.byName("otlp-proto");

  static ExportMetricsServiceRequest hostMetrics() throws IOException {
    ExportMetricsServiceRequest.Builder request = ExportMetricsServiceRequest.newBuilder();
    JsonFormat.parser().merge(fixtureText("otlp-hostmetrics.json"), request);
    return request.build();
  }

  @Test
  public void mapsHostMetricsAsTheJsonEncodingDoes() throws IOException {
    byte[] body = hostMetrics().toByteArray();
    OtlpJsonFormatTest.assertHostMetrics(decode(format, body));
    assertThat(
        decode(format, body),
        equalTo(
            decode(
                AgentFormats.byName("otlp-json"), AgentTesting.fixture("otlp-hostmetrics.json"))));
  }

  @Test
  public void sumsAndSummariesByTemporality() throws IOException {
    ExportMetricsServiceRequest request =
        request(
            "db-1",
            Metric.newBuilder()
                .setName("requests")
                .setSum(
                    Sum.newBuilder()
                        .setAggregationTemporality(
                            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .setIsMonotonic(true)
                        .addDataPoints(point(42).setAsInt(17)))
                .build(),
            Metric.newBuilder()
                .setName("queue.depth")
                .setSum(
                    Sum.newBuilder()
                        .setAggregationTemporality(
                            AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE)
                        .addDataPoints(point(0).setAsDouble(3.5))
                        // A gap: no recorded value.
                        .addDataPoints(point(1).setAsDouble(9).setFlags(1)))
                .build(),
            Metric.newBuilder()
                .setName("latency")
                .setSummary(
                    Summary.newBuilder()
                        .addDataPoints(
                            SummaryDataPoint.newBuilder()
                                .setTimeUnixNano(T0_NANOS)
                                .setCount(10)
                                .setSum(2.5)))
                .build());

    var db = host(decode(format, request.toByteArray()), "db-1");

    assertSample(db, "requests", Map.of(), 17.0, OtlpJsonFormatTest.T0 + 42, COUNTER);
    assertSample(db, "queue.depth", Map.of(), 3.5, OtlpJsonFormatTest.T0, GAUGE);
    assertSample(db, "latency_count", Map.of(), 10.0, OtlpJsonFormatTest.T0, COUNTER);
    assertSample(db, "latency_sum", Map.of(), 2.5, OtlpJsonFormatTest.T0, COUNTER);
    assertThat(db.samples(), hasSize(4));
  }

  @Test
  public void rejectsBadInput() throws IOException {
    byte[] good = hostMetrics().toByteArray();
    assertRejected(format, new byte[0], DeadLetterReason.MISSING_FIELD);
    assertRejected(format, Arrays.copyOf(good, good.length - 7), DeadLetterReason.NOT_PROTOBUF);
    assertRejected(
        format, AgentTesting.utf8("{\"resourceMetrics\":[]}"), DeadLetterReason.NOT_PROTOBUF);
    byte[] badUtf8 = good.clone();
    int at = new String(badUtf8, java.nio.charset.StandardCharsets.ISO_8859_1).indexOf("web-1");
    badUtf8[at + 1] = (byte) 0xC3;
    assertRejected(format, badUtf8, DeadLetterReason.NOT_UTF8);
    ByteArrayOutputStream nested = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(nested);
    for (int i = 0; i < 10_000; i++) {
      out.writeTag(9, 3);
    }
    for (int i = 0; i < 10_000; i++) {
      out.writeTag(9, 4);
    }
    out.flush();
    assertRejected(format, nested.toByteArray(), DeadLetterReason.NOT_PROTOBUF);
    assertRejected(
        format,
        request(
                "db-1",
                Metric.newBuilder()
                    .setName("up")
                    .setGauge(
                        io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
                            .addDataPoints(NumberDataPoint.newBuilder().setAsInt(1)))
                    .build())
            .toByteArray(),
        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
    assertRejected(
        format,
        request(
                "db-1",
                Metric.newBuilder()
                    .setName("u".repeat(257))
                    .setGauge(
                        io.opentelemetry.proto.metrics.v1.Gauge.newBuilder()
                            .addDataPoints(point(0).setAsInt(1)))
                    .build())
            .toByteArray(),
        DeadLetterReason.FIELD_TOO_LONG);
  }

  private static NumberDataPoint.Builder point(long offsetMs) {
    return NumberDataPoint.newBuilder().setTimeUnixNano(T0_NANOS + offsetMs * 1_000_000L);
  }

  private static ExportMetricsServiceRequest request(String host, Metric... metrics) {
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setResource(
                    Resource.newBuilder()
                        .addAttributes(
                            KeyValue.newBuilder()
                                .setKey("host.name")
                                .setValue(AnyValue.newBuilder().setStringValue(host))))
                .addScopeMetrics(ScopeMetrics.newBuilder().addAllMetrics(Arrays.asList(metrics))))
        .build();
  }
}

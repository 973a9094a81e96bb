package dev.dctwin.codec.agents;

import static dev.dctwin.codec.agents.AgentTesting.fixtureText;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import com.fasterxml.jackson.core.JsonParser;
import com.google.protobuf.ByteString;
import com.google.protobuf.util.JsonFormat;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.DeadLetterReason;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.ArrayValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Exemplar;
import io.opentelemetry.proto.metrics.v1.Histogram;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import io.opentelemetry.proto.metrics.v1.Sum;
import java.nio.charset.StandardCharsets;
import org.junit.Test;

/**
 * {@link ProtoJson} against protobuf-java-util's {@code JsonFormat} (a test dependency only): both
 * read the same JSON into the same message, for every kind of field OTLP's messages have.
 */
public class ProtoJsonTest {
  /** Every field type of OTLP metrics, with values at the edges of their ranges. */
  private static ExportMetricsServiceRequest everyKindOfField() {
    HistogramDataPoint point =
        HistogramDataPoint.newBuilder()
            .setStartTimeUnixNano(-1L) // fixed64 2^64 - 1
            .setTimeUnixNano(1763719200000000000L)
            .setCount(Long.MIN_VALUE) // fixed64 2^63
            .setSum(-0.5)
            .addBucketCounts(0)
            .addBucketCounts(-2L)
            .addExplicitBounds(1e-300)
            .addExplicitBounds(Double.NaN)
            .addExplicitBounds(Double.POSITIVE_INFINITY)
            .addExplicitBounds(Double.NEGATIVE_INFINITY)
            .setFlags(-1) // uint32 2^32 - 1
            .addExemplars(
                Exemplar.newBuilder()
                    .setAsInt(Long.MIN_VALUE) // sfixed64
                    .setSpanId(ByteString.copyFrom(new byte[] {1, 2, (byte) 0xFF, 0, 9, 8, 7, 6}))
                    .setTraceId(ByteString.copyFromUtf8("sixteen bytes!!!")))
            .addAttributes(attribute("bool", AnyValue.newBuilder().setBoolValue(true)))
            .addAttributes(attribute("int", AnyValue.newBuilder().setIntValue(Long.MAX_VALUE)))
            .addAttributes(attribute("double", AnyValue.newBuilder().setDoubleValue(2.5e10)))
            .addAttributes(
                attribute(
                    "array",
                    AnyValue.newBuilder()
                        .setArrayValue(
                            ArrayValue.newBuilder()
                                .addValues(AnyValue.newBuilder().setStringValue("ü \"q\" \u2028"))
                                .addValues(AnyValue.newBuilder().setBytesValue(ByteString.EMPTY)))))
            .build();
    Metric histogram =
        Metric.newBuilder()
            .setName("latency")
            .setUnit("s")
            .setHistogram(
                Histogram.newBuilder()
                    .setAggregationTemporality(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA)
                    .addDataPoints(point))
            .build();
    Metric sum =
        Metric.newBuilder()
            .setName("requests")
            .setSum(
                Sum.newBuilder()
                    .setIsMonotonic(true)
                    .setAggregationTemporalityValue(42) // not (yet) a known value
                    .addDataPoints(NumberDataPoint.newBuilder().setAsDouble(1.0).setAsInt(7)))
            .build();
    return ExportMetricsServiceRequest.newBuilder()
        .addResourceMetrics(
            ResourceMetrics.newBuilder()
                .setSchemaUrl("https://opentelemetry.io/schemas/1.21.0")
                .addScopeMetrics(
                    ScopeMetrics.newBuilder().addMetrics(histogram).addMetrics(sum).build()))
        .build();
  }

  private static KeyValue attribute(String key, AnyValue.Builder value) {
    return KeyValue.newBuilder().setKey(key).setValue(value).build();
  }

  @Test
  public void readsWhatJsonFormatPrintsIntoTheSameMessage() throws Exception {
    ExportMetricsServiceRequest request = everyKindOfField();
    for (JsonFormat.Printer printer :
        new JsonFormat.Printer[] {
          JsonFormat.printer(),
          JsonFormat.printer().preservingProtoFieldNames(),
          JsonFormat.printer().printingEnumsAsInts().omittingInsignificantWhitespace()
        }) {
      assertThat(read(printer.print(request)), equalTo(request));
    }
  }

  @Test
  public void readsTheFixturesAsJsonFormatDoes() throws Exception {
    for (String fixture : new String[] {"otlp-hostmetrics.json", "otlp-example-metrics.json"}) {
      String json = fixtureText(fixture);
      ExportMetricsServiceRequest.Builder expected = ExportMetricsServiceRequest.newBuilder();
      JsonFormat.parser().ignoringUnknownFields().merge(json, expected);
      assertThat(fixture, read(json), equalTo(expected.build()));
    }
  }

  @Test
  public void readsNumbersInEveryFormTheMappingAllows() throws Exception {
    String json =
        "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":{"
            + "\"aggregationTemporality\":\"AGGREGATION_TEMPORALITY_CUMULATIVE\","
            + "\"isMonotonic\":\"true\",\"dataPoints\":["
            + "{\"timeUnixNano\":1.0e3,\"asDouble\":\"2.5\"},"
            + "{\"timeUnixNano\":\"18446744073709551615\",\"asInt\":-9223372036854775808},"
            + "{\"time_unix_nano\":\"7\",\"asDouble\":\"-Infinity\",\"flags\":4294967295},"
            + "{\"flags\":null,\"unknown\":[{\"deep\":1}],\"asDouble\":3}]}}]}]}]}";
    ExportMetricsServiceRequest.Builder expected = ExportMetricsServiceRequest.newBuilder();
    JsonFormat.parser().ignoringUnknownFields().merge(json, expected);
    assertThat(read(json), equalTo(expected.build()));
  }

  @Test
  public void rejectsValuesOfTheWrongTypeOrRange() {
    String[] bad = {
      "{\"resourceMetrics\":{}}",
      "{\"resourceMetrics\":[7]}",
      "{\"resourceMetrics\":[{\"schemaUrl\":7}]}",
      point("\"timeUnixNano\":\"soon\""),
      point("\"timeUnixNano\":\"18446744073709551616\""),
      point("\"timeUnixNano\":-1"),
      point("\"timeUnixNano\":1.5"),
      point("\"timeUnixNano\":1e999999999"),
      point("\"timeUnixNano\":\"1e999999999\""),
      point("\"asInt\":9223372036854775808"),
      point("\"flags\":4294967296"),
      point("\"asDouble\":1e400"),
      point("\"asDouble\":\"many\""),
      point("\"asDouble\":true"),
      point("\"exemplars\":[{\"spanId\":\"not base64!\"}]"),
      "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"sum\":{\"isMonotonic\":1}}]}]}]}",
    };
    for (String json : bad) {
      InvalidMessageException e =
          assertThrows(json, InvalidMessageException.class, () -> read(json));
      assertThat(json, e.reason(), equalTo(DeadLetterReason.WRONG_TYPE));
    }
    InvalidMessageException e =
        assertThrows(InvalidMessageException.class, () -> read(point("\"timeUnixNano\":\"x\"")));
    assertThat(e.getMessage(), containsString("timeUnixNano"));
  }

  private static String point(String fields) {
    return "{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"gauge\":{\"dataPoints\":[{"
        + fields
        + "}]}}]}]}]}";
  }

  private static ExportMetricsServiceRequest read(String json) throws Exception {
    ExportMetricsServiceRequest.Builder builder = ExportMetricsServiceRequest.newBuilder();
    try (JsonParser parser =
        AgentJson.factory(32).createParser(json.getBytes(StandardCharsets.UTF_8))) {
      parser.nextToken();
      ProtoJson.merge(parser, builder);
    }
    return builder.build();
  }
}

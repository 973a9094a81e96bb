package dev.dctwin.codec.agents;

import static dev.dctwin.codec.agents.AgentTesting.assertRejected;
import static dev.dctwin.codec.agents.AgentTesting.assertSample;
import static dev.dctwin.codec.agents.AgentTesting.decode;
import static dev.dctwin.codec.agents.AgentTesting.fixture;
import static dev.dctwin.codec.agents.AgentTesting.fixtureText;
import static dev.dctwin.codec.agents.AgentTesting.host;
import static dev.dctwin.codec.agents.AgentTesting.named;
import static dev.dctwin.codec.agents.AgentTesting.utf8;
import static dev.dctwin.codec.agents.AgentTesting.withInvalidUtf8;
import static dev.dctwin.domain.MetricSample.Kind.COUNTER;
import static dev.dctwin.domain.MetricSample.Kind.DELTA;
import static dev.dctwin.domain.MetricSample.Kind.GAUGE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.DeadLetterReason;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * OTLP/JSON: {@code otlp-example-metrics.json} is the example of the opentelemetry-proto repository
 * ({@code examples/metrics.json}), {@code otlp-hostmetrics.json} a request shaped as the
 * Collector's hostmetrics receiver sends it (names, units, attributes and temporality of its
 * scrapers' metadata), with the {@code host.name} that the resourcedetection processor adds.
 */
@RunWith(JUnit4.class)
public class OtlpJsonFormatTest {
  static final long T0 = 1763719200000L;
  private static final long EXAMPLE_TIME = 1544712660300L;
  private final AgentFormat format = AgentFormats.byName("otlp-json");

  @Test
  public void readsTheSpecificationsExample() {
    String example = fixtureText("otlp-example-metrics.json");
    // The example names a service, not a host.
    assertRejected(format, utf8(example), DeadLetterReason.MISSING_FIELD);

    AgentSamples host =
        host(
            decode(format, utf8(example.replace("\"service.name\"", "\"host.name\""))),
            "my.service");

    assertSample(
        host, "my.counter", Map.of("my.counter.attr", "some value"), 5.0, EXAMPLE_TIME, DELTA);
    assertSample(
        host, "my.gauge", Map.of("my.gauge.attr", "some value"), 10.0, EXAMPLE_TIME, GAUGE);
    assertSample(
        host,
        "my.histogram_count",
        Map.of("my.histogram.attr", "some value"),
        3.0,
        EXAMPLE_TIME,
        DELTA);
    assertSample(
        host,
        "my.histogram_sum",
        Map.of("my.histogram.attr", "some value"),
        3.0,
        EXAMPLE_TIME,
        DELTA);
    assertThat(host.samples(), hasSize(4));
  }

  @Test
  public void mapsHostMetricsOntoCanonicalNames() {
    assertHostMetrics(decode(format, fixture("otlp-hostmetrics.json")));
  }

  /** What both OTLP encodings of {@code otlp-hostmetrics.json} decode to. */
  static void assertHostMetrics(List<AgentSamples> decoded) {
    assertThat(decoded, hasSize(1));
    AgentSamples web = host(decoded, "web-1");
    assertThat(web.eventTime(), equalTo(T0));
    assertSample(web, "cpu.time", Map.of("cpu", "cpu0", "state", "user"), 12345.67, T0, COUNTER);
    assertSample(web, "cpu.time", Map.of("cpu", "cpu0", "state", "wait"), 1500.25, T0, COUNTER);
    assertSample(web, "cpu.time", Map.of("cpu", "cpu1", "state", "interrupt"), 99.5, T0, COUNTER);
    assertSample(
        web, "system.cpu.utilization", Map.of("cpu", "cpu0", "state", "user"), 0.25, T0, GAUGE);
    assertSample(web, "memory.used", Map.of(), 4026531840.0, T0, GAUGE);
    assertSample(web, "memory.free", Map.of(), 8589934592.0, T0, GAUGE);
    assertSample(web, "memory.slab", Map.of("part", "reclaimable"), 104857600.0, T0, GAUGE);
    assertSample(web, "system.memory.usage", Map.of("state", "inactive"), 1073741824.0, T0, GAUGE);
    assertSample(web, "disk.octetsRead", Map.of("device", "sda"), 197141504.0, T0, COUNTER);
    assertSample(web, "disk.octetsWrite", Map.of("device", "sda"), 175136768.0, T0, COUNTER);
    assertSample(
        web, "system.disk.io", Map.of("device", "sda1", "direction", "read"), 4096.0, T0, COUNTER);
    assertSample(web, "disk.readTimeTotal", Map.of("device", "sda"), 51200.0, T0, COUNTER);
    assertSample(web, "disk.ioTime", Map.of("device", "sda"), 81200.0, T0, COUNTER);
    assertSample(web, "network.octetsIn", Map.of("device", "eth0"), 1234567890.0, T0, COUNTER);
    assertSample(web, "network.octetsOut", Map.of("device", "eth0"), 987654321.0, T0, COUNTER);
    assertThat(named(web, "system.network.io"), empty());
    assertSample(web, "processes.running", Map.of(), 2.0, T0, GAUGE);
    assertSample(web, "processes.sleeping", Map.of(), 300.0, T0, GAUGE);
    assertSample(web, "system.cpu.load_average.1m", Map.of(), 0.5, T0, GAUGE);
    assertSample(
        web,
        "system.filesystem.utilization",
        Map.of("device", "/dev/sda1", "mode", "rw", "mountpoint", "/", "type", "ext4"),
        0.42,
        T0,
        GAUGE);
    assertThat(web.samples(), hasSize(19));
  }

  @Test
  public void rejectsBadInput() {
    String good = fixtureText("otlp-hostmetrics.json");
    assertRejected(format, new byte[0], DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8(good.substring(0, good.length() / 2)), DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8(good + "{}"), DeadLetterReason.NOT_JSON);
    assertRejected(format, withInvalidUtf8(good, "web-1"), DeadLetterReason.NOT_UTF8);
    assertRejected(
        format, utf8("{\"x\":" + "[".repeat(40) + "]".repeat(40) + "}"), DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8("[" + good + "]"), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format,
        utf8(good.replaceFirst("\"1763719200000000000\"", "\"soon\"")),
        DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format,
        utf8(good.replace("\"resourceMetrics\": [", "\"resourceMetrics\": 7, \"x\": [")),
        DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format,
        utf8(good.replace("\"1763719200000000000\"", "\"1763719200\"")),
        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
    assertRejected(format, utf8("{}"), DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format,
        utf8(good.replace("\"web-1\"", "\"" + "w".repeat(300) + "\"")),
        DeadLetterReason.FIELD_TOO_LONG);
    assertThat(
        "unknown fields are ignored",
        decode(
            format,
            utf8(
                good.replace(
                    "\"resourceMetrics\"", "\"future\": {\"a\": [1]}, \"resourceMetrics\""))),
        hasSize(1));
  }
}

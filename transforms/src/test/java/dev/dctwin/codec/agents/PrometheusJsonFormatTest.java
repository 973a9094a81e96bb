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
import static dev.dctwin.domain.MetricSample.Kind.GAUGE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.DeadLetterReason;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class PrometheusJsonFormatTest {
  private static final long T0 = Instant.parse("2025-11-21T10:00:00Z").toEpochMilli();
  private final AgentFormat format = AgentFormats.byName("prometheus-json");

  @Test
  public void readsAnArrayOfAdapterSamples() {
    List<AgentSamples> decoded = decode(format, fixture("prometheus-json-node.json"));

    assertThat(decoded, hasSize(1));
    AgentSamples node = host(decoded, "node-1");
    assertThat(node.eventTime(), equalTo(T0 + 15_000));
    assertSample(node, "cpu.time", Map.of("cpu", "1", "state", "interrupt"), 1234.5, T0, COUNTER);
    assertSample(node, "memory.buffered", Map.of(), 33554432.0, T0, GAUGE);
    assertSample(node, "disk.failedDevices", Map.of("device", "md0"), 1.0, T0, GAUGE);
    assertSample(
        node,
        "node_md_disks",
        Map.of("device", "md0", "job", "node", "state", "active"),
        1.0,
        T0,
        GAUGE);
    assertSample(node, "node_load1", Map.of("job", "node"), 0.57, T0 + 15_000, GAUGE);
    assertThat("NaN left out", named(node, "node_load5"), empty());
    assertThat("+Inf left out", named(node, "node_load15"), empty());
    assertThat(node.samples(), hasSize(5));
  }

  @Test
  public void readsTheAdaptersDocumentedExample() {
    String readme = fixtureText("prometheus-json-readme.json");
    // As documented: epoch 0 and no instance label.
    assertRejected(format, utf8(readme), DeadLetterReason.MISSING_FIELD);
    String dated = readme.replace("1970-01-01T00:00:00Z", "2025-11-21T10:00:00Z");
    assertRejected(format, utf8(dated), DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format,
        utf8(readme.replace("\"label1\"", "\"instance\":\"web-1:9100\",\"label1\"")),
        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);

    List<AgentSamples> decoded =
        decode(format, utf8(dated.replace("\"label1\"", "\"instance\":\"web-1:9100\",\"label1\"")));

    assertSample(
        host(decoded, "web-1"),
        "up",
        Map.of("label1", "value1", "label2", "value2"),
        9876543210.0,
        T0,
        GAUGE);
  }

  @Test
  public void theNameFieldStandsInForAMissingNameLabel() {
    String json =
        "{\"timestamp\":\"2025-11-21T10:00:00.250+01:00\",\"value\":\"7\",\"name\":\"node_load1\","
            + "\"labels\":{\"instance\":\"a:1\"}}";
    assertSample(
        host(decode(format, utf8(json)), "a"),
        "node_load1",
        Map.of(),
        7.0,
        T0 - 3_600_000 + 250,
        GAUGE);
  }

  @Test
  public void rejectsBadInput() {
    String good =
        "{\"timestamp\":\"2025-11-21T10:00:00Z\",\"value\":\"1\",\"name\":\"up\","
            + "\"labels\":{\"__name__\":\"up\",\"instance\":\"a:1\"}}";
    decode(format, utf8(good));
    assertRejected(format, new byte[0], DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8("   "), DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8(good.substring(0, good.length() - 5)), DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8(good + "{}"), DeadLetterReason.NOT_JSON);
    assertRejected(format, withInvalidUtf8(good, "up\""), DeadLetterReason.NOT_UTF8);
    assertRejected(
        format, utf8("[".repeat(5_000) + "]".repeat(5_000)), DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8("[[[[[[{}]]]]]]"), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format,
        utf8(good.replace("{\"timestamp\"", "{\"x\":[[[[[[[[1]]]]]]]],\"timestamp\"")),
        DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8("\"up\""), DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8("[1]"), DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8(good.replace("\"1\"", "1")), DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8(good.replace("\"1\"", "\"0x1p3\"")), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format, utf8(good.replace("\"1\"", "\"1e999\"")), DeadLetterReason.NON_FINITE_NUMBER);
    assertRejected(format, utf8(good.replace("\"a:1\"", "[\"a:1\"]")), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format,
        utf8(good.replace("2025-11-21T10:00:00Z", "1763719200")),
        DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format, utf8(good.replace("\"value\":\"1\",", "")), DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format,
        utf8(good.replace("\"__name__\":\"up\",", "").replace("\"name\":\"up\",", "")),
        DeadLetterReason.MISSING_FIELD);
    assertRejected(format, utf8("[]"), DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format,
        utf8(good.replace("\"a:1\"", "\"" + "a".repeat(300) + "\"")),
        DeadLetterReason.FIELD_TOO_LONG);
  }
}

package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The wire format of what the report assembly reads and writes: host names, samples, NaN. */
@RunWith(JUnit4.class)
public class AgentWireTest {
  private static final long T0 = SampleMessages.T0;
  private final WireCodec codec = WireCodec.withDefaults();

  @Test
  public void aCommissioningWithoutHostnameIsWrittenAsBefore() throws Exception {
    CommissionServer plain = new CommissionServer("s1", "r1", "dc1", T0);
    assertThat(codec.encodeToString(plain), not(containsString("hostname")));
    CommissionServer named = new CommissionServer("s1", "r1", "dc1", T0, "node-1.example");
    assertThat(codec.encodeToString(named), containsString("\"hostname\":\"node-1.example\""));
    assertThat(codec.decode(codec.encode(named), null), equalTo(named));
  }

  @Test
  public void aDecommissioningNamesItsHostOnlyWhenItHasOne() throws Exception {
    DecommissionServer plain = new DecommissionServer("s1", "r1", "dc1", T0);
    assertThat(codec.encodeToString(plain), not(containsString("hostname")));
    assertThat(codec.decode(codec.encode(plain), null), equalTo(plain));
    DecommissionServer named = new DecommissionServer("s1", "r1", "dc1", T0, "node-1.example");
    assertThat(codec.encodeToString(named), containsString("\"hostname\":\"node-1.example\""));
    assertThat(codec.decode(codec.encode(named), null), equalTo(named));
    String tooLong = codec.encodeToString(named).replace("node-1.example", "h".repeat(257));
    assertReason(tooLong, DeadLetterReason.FIELD_TOO_LONG);
  }

  @Test
  public void rejectsHostnamesThatAreBlankOrTooLong() {
    String good = codec.encodeToString(new CommissionServer("s1", "r1", "dc1", T0, "h"));
    assertReason(good.replace("\"h\"", "\" \""), DeadLetterReason.MISSING_FIELD);
    assertReason(
        good.replace("\"h\"", "\"" + "h".repeat(257) + "\""), DeadLetterReason.FIELD_TOO_LONG);
    assertReason(good.replace("\"h\"", "7"), DeadLetterReason.WRONG_TYPE);
  }

  @Test
  public void aMetricThatIsNotReportedIsNullOnTheWireAndNaNInTheRecord() throws Exception {
    ServerMetricReport report =
        new ServerMetricReport(
            "s1",
            T0,
            new CpuMetrics(71.5, Double.NaN, 5.0, Double.NaN, 0, 0, 0, 2.0),
            null,
            null,
            null,
            null,
            new SensorReadings(Double.NaN, 24.5, Double.NaN, 310));
    String json = codec.encodeToString(report);
    assertThat(json, containsString("\"user\":null"));
    assertThat(json, containsString("\"voltage\":null"));
    ServerMetricReport decoded = (ServerMetricReport) codec.decode(codec.encode(report), null);
    assertThat(decoded, equalTo(report));
    assertThat(Double.isNaN(decoded.cpu().user()), equalTo(true));
  }

  @Test
  public void samplesRoundTripWithLabelsAndKinds() throws Exception {
    AgentSamples samples =
        new AgentSamples(
            "node-1",
            T0 + 1_000,
            List.of(
                new MetricSample(
                    "network.octetsIn",
                    Map.of("device", "eth0"),
                    1e12,
                    T0,
                    MetricSample.Kind.COUNTER),
                new MetricSample("requests", Map.of(), 12, T0 + 1_000, MetricSample.Kind.DELTA)));
    assertThat(codec.decode(codec.encode(samples), null), equalTo(samples));
  }

  @Test
  public void rejectsSamplesThatMakeNoSense() {
    String good =
        "{\"type\":\"samples\",\"host\":\"h\",\"eventTime\":1763719200000,\"samples\":[{\"name\":"
            + "\"m\",\"labels\":{\"a\":\"b\"},\"value\":1.5,\"time\":1763719200000,\"kind\":\"GAUGE\"}]}";
    assertReason(
        good.replace("\"samples\":[{", "\"samplez\":[{"),
        DeadLetterReason.MISSING_FIELD,
        "samples is missing or empty");
    assertReason(
        good.replace("\"GAUGE\"", "\"HISTOGRAM\""),
        DeadLetterReason.WRONG_TYPE,
        "kind must be one of [GAUGE, COUNTER, DELTA]");
    assertReason(
        good.replace("{\"a\":\"b\"}", "{\"a\":1}"),
        DeadLetterReason.WRONG_TYPE,
        "samples[0].labels.a must be a string");
    assertReason(
        good.replace("1.5", "1e999"),
        DeadLetterReason.NON_FINITE_NUMBER,
        "samples[0].value is not finite");
    assertReason(
        good.replace("\"m\"", "\"" + "m".repeat(300) + "\""),
        DeadLetterReason.FIELD_TOO_LONG,
        "samples[0].name of 300 characters, more than 256");
    assertReason(
        good.replace("\"host\":\"h\",", ""), DeadLetterReason.MISSING_FIELD, "host is missing");
  }

  private void assertReason(String payload, DeadLetterReason reason) {
    InvalidMessageException e =
        assertThrows(
            InvalidMessageException.class,
            () -> codec.decode(payload.getBytes(StandardCharsets.UTF_8), null));
    assertThat(e.getMessage(), e.reason(), equalTo(reason));
  }

  private void assertReason(String payload, DeadLetterReason reason, String detail) {
    InvalidMessageException e =
        assertThrows(
            InvalidMessageException.class,
            () -> codec.decode(payload.getBytes(StandardCharsets.UTF_8), null));
    assertThat(e.reason(), equalTo(reason));
    assertThat(e.getMessage(), equalTo(detail));
  }
}

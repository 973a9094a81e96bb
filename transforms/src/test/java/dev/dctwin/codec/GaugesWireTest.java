package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.FieldLimits;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.MetricEvidence;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.domain.Severity;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.TreeMap;
import org.junit.Test;

/** Named gauges, optional metric groups and metric evidence on the wire. */
public class GaugesWireTest {
  private static final long T0 = 1_763_719_200_000L;
  private final WireCodec codec = WireCodec.withDefaults();

  private ServerMetricReport decode(String json) throws InvalidMessageException {
    return (ServerMetricReport)
        codec.decode(json.getBytes(StandardCharsets.UTF_8), MessageType.METRICS);
  }

  private DeadLetterReason reasonOf(String json) {
    return assertThrows(InvalidMessageException.class, () -> decode(json)).reason();
  }

  @Test
  public void aReportOfGaugesOnlyRoundTripsWithoutTheAbsentGroups() throws Exception {
    TreeMap<String, Double> gauges = new TreeMap<>();
    gauges.put("m1", 0.25);
    gauges.put("node_filesystem_avail_bytes{mountpoint=\"/\"}", 1.5e10);
    ServerMetricReport report = ServerMetricReport.ofGauges("dc1-r01-s01", T0, gauges);
    String json = codec.encodeToString(report);
    assertThat(json, not(containsString("cpu")));
    assertThat(json, not(containsString("null")));
    assertThat(decode(json), equalTo(report));
  }

  @Test
  public void absentGroupsStayAbsentNotZero() throws Exception {
    ServerMetricReport report =
        decode(
            "{\"serverId\":\"s1\",\"eventTime\":"
                + T0
                + ",\"cpu\":{\"idle\":50,\"user\":40,\"system\":5,\"nice\":0,\"interrupt\":0,"
                + "\"softirq\":0,\"steal\":0,\"ioWait\":5}}");
    assertThat(report.cpu().user(), equalTo(40.0));
    assertThat(report.disk(), equalTo(null));
    assertThat(report.gauges().isEmpty(), equalTo(true));
  }

  @Test
  public void badReportsAreDeadLettersWithTheirReason() {
    assertThat(
        reasonOf("{\"serverId\":\"s1\",\"eventTime\":" + T0 + "}"),
        equalTo(DeadLetterReason.MISSING_FIELD));
    assertThat(
        reasonOf("{\"serverId\":\"s1\",\"eventTime\":" + T0 + ",\"gauges\":{\"m1\":\"x\"}}"),
        equalTo(DeadLetterReason.WRONG_TYPE));
    String longName = "m".repeat(FieldLimits.NAME + 1);
    assertThat(
        reasonOf(
            "{\"serverId\":\"s1\",\"eventTime\":" + T0 + ",\"gauges\":{\"" + longName + "\":1}}"),
        equalTo(DeadLetterReason.FIELD_TOO_LONG));
    StringBuilder many = new StringBuilder("{\"serverId\":\"s1\",\"eventTime\":" + T0 + ",");
    many.append("\"gauges\":{");
    for (int i = 0; i <= WireCodec.MAX_GAUGES; i++) {
      many.append(i == 0 ? "" : ",").append("\"g").append(i).append("\":1");
    }
    many.append("}}");
    assertThat(reasonOf(many.toString()), equalTo(DeadLetterReason.TOO_MANY_METRICS));
  }

  @Test
  public void anAlertCarriesItsMetricEvidence() throws Exception {
    Alert alert =
        new Alert(
            Alert.incidentId(Level.SERVER, "s1", IncidentType.METRIC_ANOMALY, T0),
            AlertStatus.OPENED,
            Level.SERVER,
            "s1",
            "dc1",
            "dc1-r01",
            IncidentType.METRIC_ANOMALY,
            Severity.WARNING,
            T0,
            T0,
            null,
            null,
            "score 9.0 above its learned threshold 4.0",
            List.of(new MetricEvidence("m3", 5.0, 0.3), new MetricEvidence("m7", 0.9, 0.7)));
    byte[] json = codec.encode(alert);
    assertThat(codec.decode(json, null), equalTo(alert));
  }
}

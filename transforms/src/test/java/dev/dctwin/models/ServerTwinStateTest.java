package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.Severity;
import dev.dctwin.golden.GoldenBytes;
import dev.dctwin.models.MetricSummary.Feature;
import dev.dctwin.models.ServerStatus.CheckHistory;
import dev.dctwin.models.baseline.BaselineConfig;
import dev.dctwin.models.baseline.ServerBaseline;
import java.util.Arrays;
import java.util.Map;
import org.junit.Test;

public class ServerTwinStateTest {
  private static final long T0 = SampleMessages.T0;
  private static final String SERVER = "dc1-r01-s01";

  /** Every part present: identity, a BMC reading, an open incident, histories, two entries. */
  private static ServerTwinState sample() {
    ServerWindow window = new ServerWindow();
    window.append(new MetricSummary(T0, 570f, 0.8f, 1.6f, 0f, 24.5f, 310f, 0), 120);
    window.append(
        new MetricSummary(
            T0 + 10_000, 12f, 0.9f, 80f, 3f, Float.NaN, Float.NaN, Feature.WRITE_LATENCY.bit()),
        120);
    ServerStatus status =
        new ServerStatus(
            Map.of(
                IncidentType.NIC_PACKET_LOSS,
                new Incident(
                    IncidentType.NIC_PACKET_LOSS,
                    Severity.MAJOR,
                    T0,
                    "20.00 % of packets dropped")),
            Map.of(
                IncidentType.NIC_PACKET_LOSS, new CheckHistory(0b111, 0),
                IncidentType.DISK_LATENCY, new CheckHistory(0b1, 0)),
            T0 + 10_000);
    return new ServerTwinState(
        new CommissionServer(SERVER, "dc1-r01", "dc1", T0 - 60_000),
        new BmcSensorReading(SERVER, T0 + 5_000, new SensorReadings(12.1, 24.5, 58.0, 310.0)),
        status,
        window,
        baseline());
  }

  /** A baseline that has learned three reports of the sample metrics. */
  private static ServerBaseline baseline() {
    ServerBaseline baseline = new ServerBaseline(BaselineConfig.DEFAULT);
    for (int i = 0; i < 3; i++) {
      baseline.observe(
          T0 + i * 10_000L, ReportMetrics.flatten(SampleMessages.report(SERVER, T0 + i * 10_000L)));
    }
    return baseline;
  }

  @Test
  public void aStateWithEveryPartRoundTrips() {
    ServerTwinState state = sample();
    byte[] bytes = state.toBytes();
    assertThat(ServerTwinState.fromBytes(bytes), is(equalTo(state)));
    assertThat(ServerTwinState.fromBytes(bytes).toBytes(), is(equalTo(bytes)));
  }

  @Test
  public void aServerThatIsNotCommissionedRoundTrips() {
    ServerTwinState state = ServerTwinState.notCommissioned();
    assertThat(ServerTwinState.fromBytes(state.toBytes()), is(equalTo(state)));
  }

  @Test
  public void theEncodingIsPinned() {
    GoldenBytes.assertPinned("ServerTwinState", ServerTwinState.VERSION, sample().toBytes());
    assertThat(
        ServerTwinState.fromBytes(GoldenBytes.read("ServerTwinState", ServerTwinState.VERSION)),
        is(equalTo(sample())));
  }

  /** Version 2 holds the baseline at its encoding 2, the same fields: it decodes bit for bit. */
  @Test
  public void version2StillDecodes() {
    assertThat(
        ServerTwinState.fromBytes(GoldenBytes.read("ServerTwinState", 2)), is(equalTo(sample())));
  }

  /** Version 1 holds the baseline at its encoding 1, which migrates (see ServerBaselineTest). */
  @Test
  public void version1StillDecodes() {
    ServerTwinState old = ServerTwinState.fromBytes(GoldenBytes.read("ServerTwinState", 1));
    ServerTwinState sample = sample();
    assertThat(old.identity(), is(equalTo(sample.identity())));
    assertThat(old.sensors(), is(equalTo(sample.sensors())));
    assertThat(old.status(), is(equalTo(sample.status())));
    assertThat(old.window(), is(equalTo(sample.window())));
    assertThat(old.baseline().reports(), is(equalTo(sample.baseline().reports())));
    assertThat(old.baseline().metricCount(), is(equalTo(sample.baseline().metricCount())));
  }

  @Test
  public void anUnknownVersionFailsNamingTheStateAndTheVersion() {
    byte[] bytes = sample().toBytes();
    bytes[0] = 9;
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> ServerTwinState.fromBytes(bytes));
    assertThat(
        error.getMessage(), allOf(containsString("ServerTwinState"), containsString("version 9")));
  }

  @Test
  public void truncatedOrTrailingBytesFail() {
    byte[] bytes = sample().toBytes();
    for (int length : new int[] {1, 20, bytes.length / 2, bytes.length - 1, bytes.length + 1}) {
      byte[] damaged = Arrays.copyOf(bytes, length);
      assertThrows(IllegalArgumentException.class, () -> ServerTwinState.fromBytes(damaged));
    }
  }

  @Test
  public void aBmcReadingOfAnotherServerIsNoPartOfTheState() {
    ServerTwinState state = sample();
    BmcSensorReading other = new BmcSensorReading("dc1-r01-s02", T0, SampleMessages.sensors());
    assertThrows(
        IllegalArgumentException.class,
        () -> new ServerTwinState(state.identity(), other, state.status(), state.window(), null));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ServerTwinState(null, state.sensors(), state.status(), state.window(), null));
  }
}

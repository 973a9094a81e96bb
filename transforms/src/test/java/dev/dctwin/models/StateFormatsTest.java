package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Severity;
import dev.dctwin.golden.GoldenBytes;
import dev.dctwin.models.ServerStatus.CheckHistory;
import java.util.Map;
import java.util.function.Function;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Pins version 1 of the models' state encodings ({@code toBytes}), one golden file per state, and
 * checks that the pinned bytes still decode to the same state and that an unknown version is
 * rejected by name.
 */
@RunWith(JUnit4.class)
public class StateFormatsTest {
  private static final long T0 = 1_763_719_200_000L;
  private static final Incident NIC =
      new Incident(IncidentType.NIC_ERRORS, Severity.MAJOR, T0, "errorsIn 40.0/s");
  private static final Incident SILENT =
      new Incident(IncidentType.SERVER_SILENT, Severity.CRITICAL, T0 + 5_000, null);
  private static final Incident TOR =
      new Incident(IncidentType.TOR_SWITCH, Severity.CRITICAL, T0, "31 of 40 servers");

  /** Tracked incidents of every kind: pending, released unexplained, released explained. */
  private static Map<IncidentType, TrackedIncident> tracked() {
    return Map.of(
        IncidentType.NIC_ERRORS,
        new TrackedIncident(NIC, true, T0 + 30_000, "rack-incident-1", IncidentType.TOR_SWITCH),
        IncidentType.SERVER_SILENT,
        new TrackedIncident(SILENT, false, T0 + 35_000, null, null),
        IncidentType.THERMAL,
        new TrackedIncident(
            new Incident(IncidentType.THERMAL, Severity.WARNING, T0 - 60_000, "inlet 36.0 °C"),
            true,
            T0 - 30_000,
            null,
            IncidentType.THERMAL));
  }

  static RackState rackState() {
    return new RackState(
        "dc1-r03",
        "dc1",
        Map.of("dc1-r03-s01", Map.of(), "dc1-r03-s11", tracked()),
        Map.of(IncidentType.TOR_SWITCH, TOR));
  }

  static DataCenterState dataCenterState() {
    return new DataCenterState(
        "dc1",
        Map.of("dc1-r03", tracked()),
        Map.of(
            IncidentType.NETWORK_CORE,
            new Incident(IncidentType.NETWORK_CORE, Severity.CRITICAL, T0, "3 racks")));
  }

  static ServerStatus serverStatus() {
    return new ServerStatus(
        Map.of(IncidentType.NIC_ERRORS, NIC, IncidentType.SERVER_SILENT, SILENT),
        Map.of(
            IncidentType.NIC_ERRORS, new CheckHistory(0b0111, 0),
            IncidentType.CPU_STEAL, new CheckHistory(0b1000, 3)),
        T0 + 20_000);
  }

  static ServerWindow serverWindow() {
    ServerWindow window = new ServerWindow();
    window.append(new MetricSummary(T0, 570f, 0.8f, 1.6f, 0f, 24.5f, 310f, 0), 120);
    window.append(
        new MetricSummary(T0 + 10_000, 3f, 0.5f, 99.5f, 12f, Float.NaN, Float.NaN, 0b11111), 120);
    window.append(new MetricSummary(T0 + 3_600_000, 571f, 0.8f, 1.7f, 0f, 24.5f, 0f, 0b1), 120);
    return window;
  }

  static MaintenanceState maintenanceState() {
    java.util.SortedMap<String, MaintenanceState.Window> windows = new java.util.TreeMap<>();
    windows.put(
        MaintenanceState.key(dev.dctwin.domain.Level.SERVER, "dc1-r01-s05"),
        new MaintenanceState.Window(
            dev.dctwin.domain.Level.SERVER, "dc1-r01-s05", T0, T0 + 7_200_000));
    windows.put(
        MaintenanceState.key(dev.dctwin.domain.Level.RACK, "dc1-r02"),
        new MaintenanceState.Window(dev.dctwin.domain.Level.RACK, "dc1-r02", T0, T0 + 600_000));
    return new MaintenanceState(
        "dc1", windows, new java.util.TreeSet<>(java.util.Set.of("80371d44-e735-3f2e")));
  }

  @Test
  public void maintenanceStateIsPinned() {
    assertPinned(
        "MaintenanceState",
        maintenanceState(),
        MaintenanceState::toBytes,
        MaintenanceState::fromBytes);
  }

  @Test
  public void rackStateIsPinned() {
    assertPinned("RackState", rackState(), RackState::toBytes, RackState::fromBytes);
  }

  @Test
  public void dataCenterStateIsPinned() {
    assertPinned(
        "DataCenterState", dataCenterState(), DataCenterState::toBytes, DataCenterState::fromBytes);
  }

  @Test
  public void serverStatusIsPinned() {
    assertPinned("ServerStatus", serverStatus(), ServerStatus::toBytes, ServerStatus::fromBytes);
  }

  @Test
  public void serverWindowIsPinned() {
    assertPinned("ServerWindow", serverWindow(), ServerWindow::toBytes, ServerWindow::fromBytes);
  }

  private static <S> void assertPinned(
      String state, S sample, Function<S, byte[]> toBytes, Function<byte[], S> fromBytes) {
    GoldenBytes.assertPinned(state, 1, toBytes.apply(sample));
    assertThat(state + " v1 decoded", fromBytes.apply(GoldenBytes.read(state, 1)), equalTo(sample));

    byte[] unknown = toBytes.apply(sample);
    unknown[0] = 2;
    IllegalArgumentException error =
        assertThrows(IllegalArgumentException.class, () -> fromBytes.apply(unknown));
    assertThat(
        error.getMessage(),
        equalTo(
            state
                + ": unknown format version 2; this build reads version 1 (written by a newer"
                + " build, or not a "
                + state
                + ")"));
  }
}

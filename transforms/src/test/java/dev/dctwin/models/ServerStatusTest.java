package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Severity;
import dev.dctwin.models.ServerStatus.CheckHistory;
import java.util.HashMap;
import java.util.Map;
import org.junit.Test;

public class ServerStatusTest {

  @Test
  public void initialStatusRoundTrips() {
    ServerStatus initial = ServerStatus.initial();
    assertThat(ServerStatus.fromBytes(initial.toBytes()), is(equalTo(initial)));
    assertThat(initial.hasReport(), is(false));
  }

  @Test
  public void statusWithIncidentsAndHistoriesRoundTrips() {
    ServerStatus status =
        new ServerStatus(
            Map.of(
                IncidentType.THERMAL,
                new Incident(
                    IncidentType.THERMAL, Severity.MAJOR, 42L, "inlet 38.0 °C, limit 35.0 °C"),
                IncidentType.SERVER_SILENT,
                new Incident(IncidentType.SERVER_SILENT, Severity.MAJOR, 43L, null)),
            Map.of(
                IncidentType.THERMAL, new CheckHistory(0b0111, 0),
                IncidentType.CPU_STEAL, new CheckHistory(0b1000, 3)),
            1_763_719_200_000L);
    byte[] bytes = status.toBytes();
    assertThat(ServerStatus.fromBytes(bytes), is(equalTo(status)));
    assertThat(bytes.length, lessThan(200));
  }

  @Test
  public void mapsAreImmutableCopies() {
    Map<IncidentType, Incident> open = new HashMap<>();
    ServerStatus status = new ServerStatus(open, Map.of(), 1L);
    open.put(IncidentType.THERMAL, new Incident(IncidentType.THERMAL, Severity.MAJOR, 1L, "x"));
    assertThat(status.open().isEmpty(), is(true));
    assertThrows(UnsupportedOperationException.class, () -> status.open().clear());
  }

  @Test
  public void historyKeepsTheLastVerdictsAndCountsTheClearStreak() {
    CheckHistory history = new CheckHistory(0, 0);
    for (boolean abnormal : new boolean[] {true, true, false, true, false, false}) {
      history = history.record(abnormal, 4);
    }
    assertThat(history.recent(), is(0b0100));
    assertThat(history.abnormalCount(4), is(1));
    assertThat(history.clearStreak(), is(2));
  }

  @Test
  public void rejectsAnotherVersion() {
    byte[] bytes = ServerStatus.initial().toBytes();
    bytes[0] = 2;
    assertThrows(IllegalArgumentException.class, () -> ServerStatus.fromBytes(bytes));
  }
}

package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Severity;
import java.util.OptionalLong;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class MaintenanceCalendarTest {
  private static final long T0 = 1_763_719_200_000L;
  private static final long MINUTE = 60_000;
  private static final long RETENTION = 10 * MINUTE;

  private final MaintenanceCalendar calendar = new MaintenanceCalendar(RETENTION);

  private static MaintenanceWindow window(Level level, String entity, long start, long end) {
    return new MaintenanceWindow(
        level, entity, "dc1", null, start, end, "disk swap", "ops", start - MINUTE);
  }

  private static Alert alert(
      Level level, String entity, String rack, AlertStatus status, long openedAt, long at) {
    IncidentType type =
        switch (level) {
          case SERVER -> IncidentType.DISK_FAILURE;
          case RACK -> IncidentType.TOR_SWITCH;
          case DATACENTER -> IncidentType.NETWORK_CORE;
        };
    return new Alert(
        Alert.incidentId(level, entity, type, openedAt),
        status,
        level,
        entity,
        "dc1",
        rack,
        type,
        Severity.CRITICAL,
        openedAt,
        at,
        type,
        null,
        null);
  }

  private static Alert server(String server, AlertStatus status, long openedAt, long at) {
    return alert(Level.SERVER, server, "dc1-r01", status, openedAt, at);
  }

  /** Runs an alert through the calendar at its event time; returns whether it was marked. */
  private boolean marked(MaintenanceState[] state, Alert alert) {
    MaintenanceCalendar.Decision decision = calendar.onAlert(state[0], alert, alert.eventTime());
    state[0] = decision.state();
    assertThat(decision.alerts().size(), equalTo(1));
    Alert out = decision.alerts().get(0);
    assertThat(out.withInMaintenance(false), equalTo(alert));
    return out.inMaintenance();
  }

  private MaintenanceState[] with(MaintenanceWindow... windows) {
    MaintenanceState state = MaintenanceState.empty("dc1");
    for (MaintenanceWindow window : windows) {
      state = calendar.onWindow(state, window);
    }
    return new MaintenanceState[] {state};
  }

  @Test
  public void anIncidentOfTheServerOpenedInItsWindowIsMarkedOpenedAndResolved() {
    MaintenanceState[] state = with(window(Level.SERVER, "dc1-r01-s05", T0, T0 + 60 * MINUTE));
    long opened = T0 + 10 * MINUTE;
    assertThat(marked(state, server("dc1-r01-s05", AlertStatus.OPENED, opened, opened)), is(true));
    assertThat(marked(state, server("dc1-r01-s06", AlertStatus.OPENED, opened, opened)), is(false));
    // Resolved after the window: still the incident of the window.
    long resolved = T0 + 65 * MINUTE;
    assertThat(
        marked(state, server("dc1-r01-s05", AlertStatus.RESOLVED, opened, resolved)), is(true));
    assertThat(
        marked(state, server("dc1-r01-s06", AlertStatus.RESOLVED, opened, resolved)), is(false));
    assertThat(state[0].markedOpen().isEmpty(), is(true));
  }

  @Test
  public void anIncidentOpenedBeforeOrAfterTheWindowPages() {
    MaintenanceState[] state = with(window(Level.SERVER, "dc1-r01-s05", T0, T0 + 60 * MINUTE));
    long before = T0 - MINUTE;
    assertThat(marked(state, server("dc1-r01-s05", AlertStatus.OPENED, before, before)), is(false));
    assertThat(
        marked(state, server("dc1-r01-s05", AlertStatus.RESOLVED, before, T0 + MINUTE)), is(false));
    long after = T0 + 60 * MINUTE; // the end is not in the window
    assertThat(marked(state, server("dc1-r01-s05", AlertStatus.OPENED, after, after)), is(false));
  }

  @Test
  public void aRackWindowMarksTheRackAndItsServersButNotOtherRacks() {
    MaintenanceState[] state = with(window(Level.RACK, "dc1-r01", T0, T0 + 60 * MINUTE));
    long at = T0 + MINUTE;
    assertThat(marked(state, server("dc1-r01-s01", AlertStatus.OPENED, at, at)), is(true));
    assertThat(
        marked(state, alert(Level.RACK, "dc1-r01", "dc1-r01", AlertStatus.OPENED, at, at)),
        is(true));
    assertThat(
        marked(state, alert(Level.SERVER, "dc1-r02-s01", "dc1-r02", AlertStatus.OPENED, at, at)),
        is(false));
    assertThat(
        marked(state, alert(Level.DATACENTER, "dc1", null, AlertStatus.OPENED, at, at)), is(false));
  }

  @Test
  public void aDatacenterWindowMarksEveryLevel() {
    MaintenanceState[] state = with(window(Level.DATACENTER, "dc1", T0, T0 + 60 * MINUTE));
    long at = T0 + MINUTE;
    assertThat(marked(state, server("dc1-r01-s01", AlertStatus.OPENED, at, at)), is(true));
    assertThat(
        marked(state, alert(Level.RACK, "dc1-r02", "dc1-r02", AlertStatus.OPENED, at, at)),
        is(true));
    assertThat(
        marked(state, alert(Level.DATACENTER, "dc1", null, AlertStatus.OPENED, at, at)), is(true));
  }

  @Test
  public void aWindowSentAgainWithAnEarlierEndEndsEarly() {
    MaintenanceState[] state =
        with(
            window(Level.SERVER, "dc1-r01-s05", T0, T0 + 60 * MINUTE),
            new MaintenanceWindow(
                Level.SERVER,
                "dc1-r01-s05",
                "dc1",
                null,
                T0,
                T0 + 20 * MINUTE,
                "done early",
                "ops",
                T0 + 20 * MINUTE));
    long at = T0 + 25 * MINUTE;
    assertThat(marked(state, server("dc1-r01-s05", AlertStatus.OPENED, at, at)), is(false));
    long in = T0 + 19 * MINUTE;
    assertThat(marked(state, server("dc1-r01-s05", AlertStatus.OPENED, in, at)), is(true));
  }

  @Test
  public void anOpenedAlertLeavingAfterTheEndIsMarkedWithinTheRetention() {
    // A silence that began in the window, noticed when reports resumed after it.
    MaintenanceState[] state = with(window(Level.SERVER, "dc1-r01-s05", T0, T0 + 60 * MINUTE));
    long opened = T0 + 59 * MINUTE;
    long noticed = T0 + 65 * MINUTE;
    assertThat(marked(state, server("dc1-r01-s05", AlertStatus.OPENED, opened, noticed)), is(true));
    assertThat(
        marked(state, server("dc1-r01-s05", AlertStatus.RESOLVED, opened, noticed)), is(true));
  }

  @Test
  public void anExpiredWindowLeavesNoState() {
    MaintenanceState state =
        calendar.onWindow(
            MaintenanceState.empty("dc1"),
            window(Level.SERVER, "dc1-r01-s05", T0, T0 + 60 * MINUTE));
    assertThat(calendar.nextTimer(state), equalTo(OptionalLong.of(T0 + 60 * MINUTE + RETENTION)));
    assertThat(calendar.onTimer(state, T0 + 60 * MINUTE + RETENTION - 1).isEmpty(), is(false));
    MaintenanceState expired = calendar.onTimer(state, T0 + 60 * MINUTE + RETENTION);
    assertThat(expired.isEmpty(), is(true));
    assertThat(calendar.nextTimer(expired), equalTo(OptionalLong.empty()));
    // A window that is over when it arrives is dropped on arrival once its retention is over.
    MaintenanceWindow late =
        new MaintenanceWindow(
            Level.RACK, "dc1-r01", "dc1", null, T0, T0 + MINUTE, null, null, T0 + 20 * MINUTE);
    assertThat(calendar.onWindow(MaintenanceState.empty("dc1"), late).isEmpty(), is(true));
  }

  @Test
  public void aMarkedIncidentStillOpenKeepsOnlyItsIdAfterTheWindow() {
    MaintenanceState[] state = with(window(Level.SERVER, "dc1-r01-s05", T0, T0 + 60 * MINUTE));
    long opened = T0 + MINUTE;
    marked(state, server("dc1-r01-s05", AlertStatus.OPENED, opened, opened));
    MaintenanceState later = calendar.onTimer(state[0], T0 + 60 * MINUTE + RETENTION);
    assertThat(later.windows().isEmpty(), is(true));
    assertThat(later.markedOpen().size(), equalTo(1));
    state[0] = later;
    assertThat(
        marked(state, server("dc1-r01-s05", AlertStatus.RESOLVED, opened, T0 + 90 * MINUTE)),
        is(true));
    assertThat(state[0].isEmpty(), is(true));
  }

  @Test
  public void stateRoundTripsThroughBytes() {
    MaintenanceState[] state =
        with(
            window(Level.SERVER, "dc1-r01-s05", T0, T0 + 60 * MINUTE),
            window(Level.RACK, "dc1-r02", T0, T0 + 30 * MINUTE));
    marked(state, server("dc1-r01-s05", AlertStatus.OPENED, T0, T0));
    assertThat(MaintenanceState.fromBytes(state[0].toBytes()), equalTo(state[0]));
  }
}

package dev.dctwin.models;

import static dev.dctwin.domain.IncidentType.NIC_PACKET_LOSS;
import static dev.dctwin.domain.IncidentType.SERVER_GONE;
import static dev.dctwin.domain.IncidentType.SERVER_SILENT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerStatusUpdate;
import dev.dctwin.domain.ServerStatusUpdate.Lifecycle;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.Test;

/**
 * The server twin's status updates, the rows of {@code server_status}: sent when what the row shows
 * changes (lifecycle, rack, open incidents, baseline readiness), and for the last report time alone
 * at most once per refresh interval. Every step starts from the decoded bytes of the state the
 * previous one returned, as a checkpoint would.
 */
public class ServerStatusUpdatesTest {
  private static final long T0 = SampleMessages.T0;
  private static final long SECOND = 1_000;
  private static final long MINUTE = 60 * SECOND;
  private static final long DAY = 24 * 60 * MINUTE;
  private static final String SERVER = "dc1-r01-s01";
  private static final CommissionServer IN_R01 =
      new CommissionServer(SERVER, "dc1-r01", "dc1", T0 - SECOND);
  private static final UnaryOperator<ReportBuilder> LOSS = r -> r.packetLoss(0.2);

  private ServerTwin model = ServerTwin.withDefaults();
  private ServerTwinState state = ServerTwinState.notCommissioned();

  private ServerStatusUpdate send(Message message) {
    return step(model.onMessage(ServerTwinState.fromBytes(state.toBytes()), message));
  }

  private ServerStatusUpdate report(long time, UnaryOperator<ReportBuilder> fault) {
    return send(fault.apply(ReportBuilder.at(SERVER, time)).build());
  }

  private ServerStatusUpdate healthyReport(long time) {
    return report(time, UnaryOperator.identity());
  }

  private ServerStatusUpdate step(ServerTwinDecision decision) {
    state = decision.state();
    return decision.statusUpdate();
  }

  private static ServerTwin withRefresh(long refreshMs) {
    return new ServerTwin(
        HealthThresholds.defaults(),
        ServerTwin.DEFAULT_SENSOR_MAX_AGE_MS,
        true,
        ServerTwin.DEFAULT_GONE_AFTER_MS,
        refreshMs);
  }

  @Test
  public void commissioningSendsACommissionedServerWithNothingOpenAndNoReport() {
    assertThat(
        send(IN_R01),
        equalTo(
            new ServerStatusUpdate(
                SERVER,
                "dc1-r01",
                "dc1",
                Lifecycle.COMMISSIONED,
                Set.of(),
                null,
                false,
                null,
                IN_R01.eventTime())));
  }

  @Test
  public void theFirstReportIsSentWithItsTimeAndWhenTheBaselineIsExpectedReady() {
    send(IN_R01);
    ServerStatusUpdate first = healthyReport(T0);
    assertThat(first.lastReportTime(), equalTo(T0));
    assertThat(first.eventTime(), equalTo(T0));
    assertThat(first.baselineReady(), is(false));
    assertThat(first.baselineExpectedReadyAt(), equalTo(T0 + DAY));
  }

  @Test
  public void aTenSecondFleetSendsItsLastReportTimeOncePerRefreshIntervalNotPerReport() {
    send(IN_R01);
    List<ServerStatusUpdate> updates = new ArrayList<>();
    long lastSent = Long.MIN_VALUE;
    for (long time = T0; time < T0 + 30 * MINUTE; time += 10 * SECOND) {
      ServerStatusUpdate update = healthyReport(time);
      if (update != null) {
        updates.add(update);
        lastSent = update.lastReportTime();
      }
      assertThat(
          "the table's last report time lags by less than the interval and a report gap",
          time - lastSent,
          lessThanOrEqualTo(ServerTwin.DEFAULT_STATUS_REFRESH_MS));
    }
    // 180 reports over 30 minutes: the first, then one per minute of the server's grid.
    assertThat(updates.size(), greaterThanOrEqualTo(30));
    assertThat(updates.size(), lessThanOrEqualTo(31));
    for (int i = 2; i < updates.size(); i++) {
      assertThat(
          updates.get(i).lastReportTime() - updates.get(i - 1).lastReportTime(),
          equalTo(ServerTwin.DEFAULT_STATUS_REFRESH_MS));
    }
    assertThat(
        "only the report time changed",
        updates.stream().map(ServerStatusUpdate::openIncidents).toList(),
        everyItem(equalTo(Set.of())));
  }

  @Test
  public void aFleetsRefreshesSpreadOverTheInterval() {
    Set<Long> firstRefreshes = new HashSet<>();
    for (int s = 1; s <= 12; s++) {
      String server = String.format("dc1-r01-s%02d", s);
      ServerTwinState twin =
          model
              .onMessage(
                  ServerTwinState.notCommissioned(),
                  new CommissionServer(server, "dc1-r01", "dc1", T0 - SECOND))
              .state();
      twin = model.onMessage(twin, ReportBuilder.at(server, T0).build()).state();
      for (long time = T0 + 10 * SECOND; ; time += 10 * SECOND) {
        ServerTwinDecision decision = model.onMessage(twin, ReportBuilder.at(server, time).build());
        twin = decision.state();
        if (decision.statusUpdate() != null) {
          firstRefreshes.add(time);
          break;
        }
      }
    }
    assertThat(
        "12 servers with consecutive ids spread over most of the 6 reports of an interval",
        firstRefreshes.size(),
        greaterThanOrEqualTo(4));
  }

  @Test
  public void anIncidentThatOpensOrResolvesIsSentAtOnce() {
    model = withRefresh(7 * DAY);
    send(IN_R01);
    healthyReport(T0);
    assertThat(report(T0 + 10 * SECOND, LOSS), nullValue());
    assertThat(report(T0 + 20 * SECOND, LOSS), nullValue());
    ServerStatusUpdate opened = report(T0 + 30 * SECOND, LOSS);
    assertThat(opened.openIncidents(), contains(NIC_PACKET_LOSS));
    assertThat(opened.eventTime(), equalTo(T0 + 30 * SECOND));
    assertThat(opened.lastReportTime(), equalTo(T0 + 30 * SECOND));

    ServerStatusUpdate resolved = null;
    long time = T0 + 30 * SECOND;
    while (resolved == null || !resolved.openIncidents().isEmpty()) {
      time += SECOND;
      resolved = healthyReport(time);
    }
    assertThat(state.status().open().keySet(), is(empty()));
    assertThat(resolved.eventTime(), equalTo(time));
  }

  @Test
  public void silenceIsSentAtItsDeadline() {
    send(IN_R01);
    healthyReport(T0);
    ServerStatusUpdate silent =
        step(model.onSilenceCheck(ServerTwinState.fromBytes(state.toBytes()), T0 + 5 * MINUTE));
    assertThat(silent.openIncidents(), contains(SERVER_SILENT));
    assertThat(silent.eventTime(), equalTo(T0 + MINUTE));
    assertThat(silent.lastReportTime(), equalTo(T0));
    assertThat(
        "nothing changed since",
        step(model.onSilenceCheck(ServerTwinState.fromBytes(state.toBytes()), T0 + 9 * MINUTE)),
        nullValue());
  }

  @Test
  public void baselineReadinessIsSentWhenItTurnsReady() {
    model = withRefresh(7 * DAY);
    send(IN_R01);
    List<ServerStatusUpdate> updates = new ArrayList<>();
    long time = T0;
    for (; time <= T0 + DAY; time += 30 * SECOND) {
      ServerStatusUpdate update = healthyReport(time);
      if (update != null) {
        updates.add(update);
      }
    }
    assertThat("the first report, then readiness", updates, hasSize(2));
    assertThat(updates.get(0).baselineReady(), is(false));
    ServerStatusUpdate ready = updates.get(1);
    assertThat(ready.baselineReady(), is(true));
    assertThat(ready.baselineExpectedReadyAt(), nullValue());
    assertThat("a day after the first report", ready.eventTime(), equalTo(T0 + DAY));
  }

  @Test
  public void aTwinThatLearnsNoBaselineSendsNoReadiness() {
    model =
        new ServerTwin(HealthThresholds.defaults(), ServerTwin.DEFAULT_SENSOR_MAX_AGE_MS, false);
    send(IN_R01);
    ServerStatusUpdate first = healthyReport(T0);
    assertThat(first.baselineReady(), nullValue());
    assertThat(first.baselineExpectedReadyAt(), nullValue());
  }

  @Test
  public void decommissioningSendsTheLastRowMarkedDecommissioned() {
    send(IN_R01);
    report(T0, LOSS);
    report(T0 + 10 * SECOND, LOSS);
    report(T0 + 20 * SECOND, LOSS);
    long at = T0 + 25 * SECOND;
    assertThat(
        send(new DecommissionServer(SERVER, "dc1-r01", "dc1", at)),
        equalTo(
            new ServerStatusUpdate(
                SERVER,
                "dc1-r01",
                "dc1",
                Lifecycle.DECOMMISSIONED,
                Set.of(),
                T0 + 20 * SECOND,
                null,
                null,
                at)));
    assertThat("a rejected report changes nothing", healthyReport(at + SECOND), nullValue());
  }

  @Test
  public void aGoneServerIsSentMarkedGoneWithItsServerGoneIncident() {
    send(IN_R01);
    healthyReport(T0);
    step(model.onSilenceCheck(ServerTwinState.fromBytes(state.toBytes()), T0 + MINUTE));
    long goneAt = T0 + ServerTwin.DEFAULT_GONE_AFTER_MS;
    ServerStatusUpdate gone =
        step(model.onGoneCheck(ServerTwinState.fromBytes(state.toBytes()), goneAt + MINUTE));
    assertThat(gone.lifecycle(), is(Lifecycle.GONE));
    assertThat(gone.openIncidents(), contains(SERVER_GONE));
    assertThat(gone.eventTime(), equalTo(goneAt));
    assertThat(gone.lastReportTime(), equalTo(T0));
    assertThat(gone.rackId(), equalTo("dc1-r01"));
  }

  @Test
  public void movingToAnotherRackSendsOneRowInTheNewRack() {
    send(IN_R01);
    healthyReport(T0);
    ServerStatusUpdate moved = send(new CommissionServer(SERVER, "dc1-r02", "dc1", T0 + SECOND));
    assertThat(moved.lifecycle(), is(Lifecycle.COMMISSIONED));
    assertThat(moved.rackId(), equalTo("dc1-r02"));
    assertThat("a new twin has no report yet", moved.lastReportTime(), nullValue());
    assertThat(moved.eventTime(), equalTo(T0 + SECOND));
  }

  @Test
  public void commissioningAgainInTheSameRackChangesNothingToSend() {
    send(IN_R01);
    healthyReport(T0);
    assertThat(send(new CommissionServer(SERVER, "dc1-r01", "dc1", T0 + SECOND)), nullValue());
  }

  @Test
  public void theSameInputSendsTheSameUpdates() {
    List<List<ServerStatusUpdate>> runs = new ArrayList<>();
    for (int run = 0; run < 2; run++) {
      state = ServerTwinState.notCommissioned();
      List<ServerStatusUpdate> updates = new ArrayList<>();
      updates.add(send(IN_R01));
      for (long time = T0; time < T0 + 5 * MINUTE; time += 10 * SECOND) {
        updates.add(report(time, time > T0 + 2 * MINUTE ? LOSS : UnaryOperator.identity()));
      }
      updates.add(send(new DecommissionServer(SERVER, "dc1-r01", "dc1", T0 + 6 * MINUTE)));
      runs.add(updates);
    }
    assertThat(runs.get(1), equalTo(runs.get(0)));
  }
}

package dev.dctwin.models;

import static dev.dctwin.domain.IncidentType.NIC_PACKET_LOSS;
import static dev.dctwin.domain.IncidentType.SERVER_SILENT;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.ServerTwinDecision.Rejected;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.Test;

/**
 * The server twin's lifecycle without a runner. Every step starts from the decoded bytes of the
 * state the previous one returned, as a twin's state cell in a checkpoint does.
 */
public class ServerTwinTest {
  private static final long T0 = SampleMessages.T0;
  private static final String SERVER = "dc1-r01-s01";
  private static final CommissionServer IN_R01 =
      new CommissionServer(SERVER, "dc1-r01", "dc1", T0 - 1_000);
  private static final UnaryOperator<ReportBuilder> LOSS = r -> r.packetLoss(0.2);

  private final ServerTwin model = ServerTwin.withDefaults();
  private ServerTwinState state = ServerTwinState.notCommissioned();

  private ServerTwinDecision send(Message message) {
    return step(model.onMessage(ServerTwinState.fromBytes(state.toBytes()), message));
  }

  private ServerTwinDecision checkSilence(long now) {
    return step(model.onSilenceCheck(ServerTwinState.fromBytes(state.toBytes()), now));
  }

  private ServerTwinDecision checkGone(long now) {
    return step(model.onGoneCheck(ServerTwinState.fromBytes(state.toBytes()), now));
  }

  private ServerTwinDecision step(ServerTwinDecision decision) {
    state = decision.state();
    return decision;
  }

  private ServerTwinDecision report(long time, UnaryOperator<ReportBuilder> fault) {
    return send(fault.apply(ReportBuilder.at(SERVER, time)).build());
  }

  private ServerTwinDecision healthyReport(long time) {
    return report(time, UnaryOperator.identity());
  }

  private static ServerIncidents joined(
      String rackId, long time, Map<IncidentType, Incident> open) {
    return new ServerIncidents(SERVER, rackId, "dc1", open, time, false);
  }

  private static ServerIncidents left(String rackId, long time) {
    return new ServerIncidents(SERVER, rackId, "dc1", Map.of(), time, true);
  }

  private MetricSummary newestSummary() {
    List<MetricSummary> summaries = state.window().summaries();
    return summaries.get(summaries.size() - 1);
  }

  @Test
  public void commissioningTellsTheRackTheServerJoinedWithNothingOpen() {
    ServerTwinDecision decision = send(IN_R01);
    assertThat(decision.toRack(), contains(joined("dc1-r01", IN_R01.eventTime(), Map.of())));
    assertThat(decision.rejected(), is(empty()));
    assertThat(decision.reportAccepted(), is(false));
    assertThat(state.identity(), is(IN_R01));
  }

  @Test
  public void anIncidentThatOpensTellsTheRackTheOpenSet() {
    send(IN_R01);
    assertThat(report(T0, LOSS).toRack(), is(empty()));
    assertThat(report(T0 + 10_000, LOSS).toRack(), is(empty()));
    ServerTwinDecision opening = report(T0 + 20_000, LOSS);
    assertThat(opening.reportAccepted(), is(true));
    assertThat(opening.toRack(), contains(joined("dc1-r01", T0 + 20_000, state.status().open())));
    assertThat(state.status().open().keySet(), contains(NIC_PACKET_LOSS));
  }

  @Test
  public void commissioningInAnotherRackLeavesTheOldRackAndJoinsTheNewAfresh() {
    send(IN_R01);
    for (int i = 0; i < 3; i++) {
      report(T0 + i * 10_000L, LOSS);
    }
    assertThat(state.status().open().keySet(), contains(NIC_PACKET_LOSS));

    long moved = T0 + 60_000;
    ServerTwinDecision decision = send(new CommissionServer(SERVER, "dc1-r02", "dc1", moved));
    assertThat(
        decision.toRack(), contains(left("dc1-r01", moved), joined("dc1-r02", moved, Map.of())));
    assertThat(state.identity().rackId(), is("dc1-r02"));
    assertThat(state.status(), is(ServerStatus.initial()));
    assertThat(state.window().size(), is(0));
    assertThat(model.silenceDeadline(state), is(OptionalLong.of(moved + 60_000)));
  }

  @Test
  public void commissioningAgainInTheSameRackKeepsTheHistory() {
    send(IN_R01);
    for (int i = 0; i < 3; i++) {
      report(T0 + i * 10_000L, LOSS);
    }
    ServerTwinDecision decision = send(new CommissionServer(SERVER, "dc1-r01", "dc1", T0 + 60_000));
    assertThat(decision.toRack(), contains(joined("dc1-r01", T0 + 60_000, state.status().open())));
    assertThat(state.status().open().keySet(), contains(NIC_PACKET_LOSS));
    assertThat(state.window().size(), is(3));
  }

  @Test
  public void decommissioningTellsTheRackTheServerLeftAndForgetsIt() {
    send(IN_R01);
    send(new BmcSensorReading(SERVER, T0, SampleMessages.sensors()));
    for (int i = 0; i < 3; i++) {
      report(T0 + i * 10_000L, LOSS);
    }
    ServerTwinDecision decision =
        send(new DecommissionServer(SERVER, "dc1-r01", "dc1", T0 + 60_000));
    assertThat(decision.toRack(), contains(left("dc1-r01", T0 + 60_000)));
    assertThat(state, is(equalTo(ServerTwinState.notCommissioned())));
    assertThat(model.silenceDeadline(state), is(OptionalLong.empty()));
    assertThat(
        "nothing is left to leave",
        send(new DecommissionServer(SERVER, "dc1-r01", "dc1", T0 + 70_000)).toRack(),
        is(empty()));
  }

  @Test
  public void aReportGetsTheLatestBmcReadingAtMostTheMaxAgeOlder() {
    send(IN_R01);
    send(new BmcSensorReading(SERVER, T0, new SensorReadings(12.1, 31.5, 58.0, 310.0)));

    report(T0 + 10_000, UnaryOperator.identity());
    assertThat("a report's own sensors win", newestSummary().inletCelsius(), is(not(31.5f)));
    report(T0 + ServerTwin.DEFAULT_SENSOR_MAX_AGE_MS, ReportBuilder::withoutSensors);
    assertThat(newestSummary().inletCelsius(), is(31.5f));
    report(T0 + ServerTwin.DEFAULT_SENSOR_MAX_AGE_MS + 1, ReportBuilder::withoutSensors);
    assertThat("too old", newestSummary().hasSensors(), is(false));
  }

  @Test
  public void reportsAndReadingsOfAServerThatIsNotCommissionedAreRejected() {
    ServerMetricReport report = ReportBuilder.at(SERVER, T0).build();
    BmcSensorReading reading = new BmcSensorReading(SERVER, T0, SampleMessages.sensors());
    for (Message message : List.of(report, reading)) {
      ServerTwinDecision decision = send(message);
      assertThat(
          decision.rejected(),
          contains(
              new Rejected(
                  DeadLetterReason.UNCOMMISSIONED, "server is not commissioned", message)));
      assertThat(decision.toRack(), is(empty()));
      assertThat(decision.reportAccepted(), is(false));
      assertThat(state.isCommissioned(), is(false));
    }
  }

  @Test
  public void aReportNotNewerThanTheLastIsRejectedAsOutOfOrder() {
    send(IN_R01);
    assertThat(healthyReport(T0 + 10_000).reportAccepted(), is(true));
    for (long time : new long[] {T0, T0 + 10_000}) {
      ServerMetricReport late = ReportBuilder.at(SERVER, time).build();
      ServerTwinDecision decision = send(late);
      assertThat(
          decision.rejected(),
          contains(
              new Rejected(DeadLetterReason.OUT_OF_ORDER, "not newer than the last report", late)));
      assertThat(decision.reportAccepted(), is(false));
    }
    assertThat(state.window().size(), is(1));
  }

  @Test
  public void silenceBeforeTheFirstReportCountsFromCommissioning() {
    send(IN_R01);
    long deadline = IN_R01.eventTime() + 60_000;
    assertThat(model.silenceDeadline(state), is(OptionalLong.of(deadline)));
    assertThat(checkSilence(deadline - 1).toRack(), is(empty()));

    // A timer that fires late still opens the incident at the deadline.
    ServerTwinDecision silence = checkSilence(deadline + 5_000);
    assertThat(silence.toRack(), hasSize(1));
    assertThat(silence.toRack().get(0).eventTime(), is(deadline));
    Incident silent = silence.toRack().get(0).open().get(SERVER_SILENT);
    assertThat(silent.openedAt(), is(deadline));
    assertThat(silent.context(), is("no report since commissioning"));
    assertThat(model.silenceDeadline(state), is(OptionalLong.empty()));
    assertThat("silent already", checkSilence(deadline + 120_000).toRack(), is(empty()));
  }

  @Test
  public void silenceAfterReportsCountsFromTheLastReportAndTheNextReportEndsIt() {
    send(IN_R01);
    healthyReport(T0);
    healthyReport(T0 + 10_000);
    long deadline = T0 + 70_000;
    assertThat(model.silenceDeadline(state), is(OptionalLong.of(deadline)));
    assertThat(checkSilence(deadline - 1).toRack(), is(empty()));

    ServerTwinDecision silence = checkSilence(deadline);
    assertThat(silence.toRack(), hasSize(1));
    Incident silent = silence.toRack().get(0).open().get(SERVER_SILENT);
    assertThat(silent.openedAt(), is(deadline));
    assertThat(silent.context(), is("no report for 60 s"));

    assertThat(
        healthyReport(deadline + 30_000).toRack(),
        contains(joined("dc1-r01", deadline + 30_000, Map.of())));
  }

  @Test
  public void aReportAfterTheDeadlineWithoutATimerEndsASilenceThatBeganAtTheDeadline() {
    send(IN_R01);
    healthyReport(T0);
    ServerTwinDecision decision = healthyReport(T0 + 90_000);
    assertThat(decision.reportAccepted(), is(true));
    assertThat(decision.toRack(), hasSize(2));
    ServerIncidents silent = decision.toRack().get(0);
    assertThat(silent.eventTime(), is(T0 + 60_000));
    assertThat(silent.open().get(SERVER_SILENT).openedAt(), is(T0 + 60_000));
    assertThat(decision.toRack().get(1), is(joined("dc1-r01", T0 + 90_000, Map.of())));
  }

  @Test
  public void aServerThatNeverReportsIsGoneAfterItsTtlAndForgotten() {
    send(IN_R01);
    long silentAt = IN_R01.eventTime() + 60_000;
    long goneAt = IN_R01.eventTime() + ServerTwin.DEFAULT_GONE_AFTER_MS;
    checkSilence(silentAt);
    assertThat(model.goneDeadline(state), is(OptionalLong.of(goneAt)));
    assertThat(checkGone(goneAt - 1).toRack(), is(empty()));
    assertThat(state.isCommissioned(), is(true));

    // A timer that fires late still makes it gone at the deadline.
    ServerTwinDecision gone = checkGone(goneAt + 5_000);
    Incident incident =
        new Incident(
            IncidentType.SERVER_GONE,
            IncidentType.SERVER_GONE.defaultSeverity(),
            goneAt,
            "no report for 7 days; forgotten until commissioned again");
    assertThat(
        gone.toRack(),
        contains(
            new ServerIncidents(
                SERVER,
                "dc1-r01",
                "dc1",
                Map.of(IncidentType.SERVER_GONE, incident),
                goneAt,
                true)));
    assertThat(state.isCommissioned(), is(false));
    assertThat(state, is(ServerTwinState.notCommissioned()));
    assertThat(model.goneDeadline(state), is(OptionalLong.empty()));
    assertThat(model.silenceDeadline(state), is(OptionalLong.empty()));
    assertThat("gone once", checkGone(goneAt + 60_000).toRack(), is(empty()));

    // Forgotten: its reports are those of an uncommissioned server, until it is commissioned again.
    assertThat(
        healthyReport(goneAt + 1_000).rejected().get(0).reason(),
        is(DeadLetterReason.UNCOMMISSIONED));
    CommissionServer again = new CommissionServer(SERVER, "dc1-r01", "dc1", goneAt + 2_000);
    assertThat(send(again).toRack(), contains(joined("dc1-r01", goneAt + 2_000, Map.of())));
  }

  @Test
  public void theGoneDeadlineCountsFromTheLastReportOrCommissioning() {
    ServerTwin twoDays = new ServerTwin(HealthThresholds.defaults(), 30_000, false, 172_800_000);
    ServerTwinState server = twoDays.onMessage(ServerTwinState.notCommissioned(), IN_R01).state();
    assertThat(twoDays.goneDeadline(server), is(OptionalLong.of(IN_R01.eventTime() + 172_800_000)));
    server = twoDays.onMessage(server, ReportBuilder.at(SERVER, T0 + 3_600_000).build()).state();
    assertThat(twoDays.goneDeadline(server), is(OptionalLong.of(T0 + 3_600_000 + 172_800_000)));
    CommissionServer again = new CommissionServer(SERVER, "dc1-r01", "dc1", T0 + 7_200_000);
    server = twoDays.onMessage(server, again).state();
    assertThat(twoDays.goneDeadline(server), is(OptionalLong.of(T0 + 7_200_000 + 172_800_000)));
    ServerTwinDecision gone = twoDays.onGoneCheck(server, T0 + 7_200_000 + 172_800_000);
    assertThat(
        gone.toRack().get(gone.toRack().size() - 1).open().get(IncidentType.SERVER_GONE).context(),
        is("no report for 2 days; forgotten until commissioned again"));
    assertThrows(
        IllegalArgumentException.class,
        () -> new ServerTwin(HealthThresholds.defaults(), 30_000, false, 0));
  }

  @Test
  public void aMessageAfterTheGoneDeadlineWithoutATimerFindsTheServerGone() {
    send(IN_R01);
    healthyReport(T0);
    long goneAt = T0 + ServerTwin.DEFAULT_GONE_AFTER_MS;
    ServerTwinDecision decision = healthyReport(goneAt);

    // Silent at its own deadline, then gone at its own, then the report finds no server.
    assertThat(
        decision.toRack().stream().map(update -> update.eventTime() + " " + update.left()).toList(),
        contains((T0 + 60_000) + " false", goneAt + " true"));
    assertThat(decision.toRack().get(0).open().keySet(), contains(SERVER_SILENT));
    assertThat(decision.toRack().get(1).open().keySet(), contains(IncidentType.SERVER_GONE));
    assertThat(decision.reportAccepted(), is(false));
    assertThat(decision.rejected().get(0).reason(), is(DeadLetterReason.UNCOMMISSIONED));
    assertThat(state.isCommissioned(), is(false));
  }

  @Test
  public void aReportJustBeforeTheGoneDeadlineKeepsTheServer() {
    send(IN_R01);
    healthyReport(T0);
    long goneAt = T0 + ServerTwin.DEFAULT_GONE_AFTER_MS;
    ServerTwinDecision decision = healthyReport(goneAt - 1);
    assertThat(decision.reportAccepted(), is(true));
    assertThat(state.isCommissioned(), is(true));
    assertThat(
        model.goneDeadline(state),
        is(OptionalLong.of(goneAt - 1 + ServerTwin.DEFAULT_GONE_AFTER_MS)));
  }

  @Test
  public void messagesOfAnotherServerOrForAnotherTwinAreRefused() {
    send(IN_R01);
    assertThrows(
        IllegalArgumentException.class,
        () -> model.onMessage(state, ReportBuilder.at("dc1-r01-s02", T0).build()));
    assertThrows(
        IllegalArgumentException.class,
        () -> model.onMessage(state, new GetUnhealthyRacks("q-1", "dc1", T0)));
  }

  @Test
  public void onATimestampCommissioningComesFirstAndDecommissioningLast() {
    Message commission = new CommissionServer(SERVER, "dc1-r01", "dc1", T0);
    Message report = ReportBuilder.at(SERVER, T0).build();
    Message reading = new BmcSensorReading(SERVER, T0, SampleMessages.sensors());
    Message decommission = new DecommissionServer(SERVER, "dc1-r01", "dc1", T0);
    assertThat(
        Stream.of(decommission, report, commission, reading)
            .sorted(ServerTwin.LIFECYCLE_ORDER)
            .toList(),
        contains(commission, report, reading, decommission));
  }
}

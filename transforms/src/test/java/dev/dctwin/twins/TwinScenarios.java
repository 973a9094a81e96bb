package dev.dctwin.twins;

import static dev.dctwin.twins.FleetScenario.T0;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.UnhealthyRacks;
import dev.dctwin.models.ReportBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.junit.Rule;
import org.junit.Test;

/**
 * The acceptance scenarios of the twins, run on a real runner with {@link
 * org.apache.beam.sdk.testing.TestStream}; subclasses choose the runner. Every scenario ends by
 * decommissioning the fleet, so that the final watermark (which jumps to infinity) does not make
 * every server look silent.
 */
public abstract class TwinScenarios {
  static final long MINUTE = 60_000;

  @Rule public final transient TestPipeline pipeline = createPipeline();

  protected abstract TestPipeline createPipeline();

  private PCollectionTuple runTwins(FleetScenario scenario, long endMs) {
    for (Message commission : scenario.commissions()) {
      var c = (dev.dctwin.domain.CommissionServer) commission;
      scenario.with(new DecommissionServer(c.serverId(), c.rackId(), "dc1", endMs));
    }
    return pipeline.apply("Fleet", scenario.stream()).apply("Twins", DatacenterTwins.create());
  }

  private static List<Alert> opened(Iterable<Alert> alerts) {
    return StreamSupport.stream(alerts.spliterator(), false)
        .filter(alert -> alert.status() == AlertStatus.OPENED)
        .collect(Collectors.toList());
  }

  private static String describe(List<?> items) {
    return items.stream().map(Object::toString).collect(Collectors.joining("\n", "\n", "\n"));
  }

  private static List<Alert> at(List<Alert> alerts, Level level) {
    return alerts.stream().filter(alert -> alert.level() == level).collect(Collectors.toList());
  }

  @Test
  public void diskFailureOnOneServerIsOneServerAlertAndNoRackAlert() {
    FleetScenario scenario =
        new FleetScenario(1, 10, 12 * MINUTE)
            .behaviour(
                (server, time) -> {
                  ReportBuilder report = ReportBuilder.at(server, time);
                  return Optional.of(
                      server.equals("dc1-r01-s03") && time >= T0 + 5 * MINUTE
                          ? report.failedDisks(1)
                          : report);
                });
    PCollection<Alert> alerts = runTwins(scenario, T0 + 12 * MINUTE).get(DatacenterTwins.ALERTS);
    PAssert.that(alerts)
        .satisfies(
            all -> {
              List<Alert> opened = opened(all);
              assertThat(describe(opened), opened, hasSize(1));
              Alert alert = opened.get(0);
              assertThat(alert.level(), equalTo(Level.SERVER));
              assertThat(alert.entity(), equalTo("dc1-r01-s03"));
              assertThat(alert.incidentType(), equalTo(IncidentType.DISK_FAILURE));
              assertThat(alert.explainedBy(), nullValue());
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void torSwitchFailureIsOneRackIncidentExplainingThirtyServerAlerts() {
    PCollection<Alert> alerts =
        runTwins(torFailure(new FleetScenario(1, 40, 10 * MINUTE)), T0 + 10 * MINUTE)
            .get(DatacenterTwins.ALERTS);
    PAssert.that(alerts)
        .satisfies(
            all -> {
              List<Alert> opened = opened(all);
              List<Alert> rack = at(opened, Level.RACK);
              assertThat(describe(rack), rack, hasSize(1));
              assertThat(rack.get(0).incidentType(), equalTo(IncidentType.TOR_SWITCH));
              List<Alert> servers = at(opened, Level.SERVER);
              assertThat(describe(servers), servers, hasSize(30));
              assertThat(
                  servers.stream().map(Alert::explainedBy).collect(Collectors.toList()),
                  everyItem(equalTo(rack.get(0).incidentId())));
              assertThat(at(opened, Level.DATACENTER), hasSize(0));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void aDiskFailureInAMaintenanceWindowIsMarkedAndTheSameFailureAfterItIsNot() {
    // s03's disk fails from minute 3 to 5, in its window [2, 7), and again from minute 9.
    FleetScenario scenario =
        new FleetScenario(1, 5, 14 * MINUTE)
            .behaviour(
                (server, time) -> {
                  ReportBuilder report = ReportBuilder.at(server, time);
                  boolean failed =
                      server.equals("dc1-r01-s03")
                          && ((time >= T0 + 3 * MINUTE && time < T0 + 5 * MINUTE)
                              || time >= T0 + 9 * MINUTE);
                  return Optional.of(failed ? report.failedDisks(1) : report);
                })
            .with(
                new MaintenanceWindow(
                    Level.SERVER,
                    "dc1-r01-s03",
                    null,
                    null,
                    T0 + 2 * MINUTE,
                    T0 + 7 * MINUTE,
                    "disk swap",
                    "ops",
                    T0 + MINUTE))
            .with(
                new MaintenanceWindow(
                    Level.SERVER,
                    "dc1-r01-s99",
                    null,
                    null,
                    T0 + 2 * MINUTE,
                    T0 + 7 * MINUTE,
                    null,
                    null,
                    T0 + MINUTE));
    PCollectionTuple twins = runTwins(scenario, T0 + 14 * MINUTE);
    PAssert.that(twins.get(DatacenterTwins.ALERTS))
        .satisfies(
            all -> {
              List<Alert> list = new ArrayList<>();
              all.forEach(list::add);
              list.sort(java.util.Comparator.comparingLong(Alert::eventTime));
              assertThat(describe(list), list, hasSize(4));
              for (Alert alert : list) {
                assertThat(alert.entity(), equalTo("dc1-r01-s03"));
                assertThat(alert.incidentType(), equalTo(IncidentType.DISK_FAILURE));
                assertThat(
                    describe(list),
                    alert.inMaintenance(),
                    equalTo(alert.openedAt() < T0 + 7 * MINUTE));
              }
              assertThat(
                  list.stream().map(Alert::status).collect(Collectors.toList()),
                  equalTo(
                      List.of(
                          AlertStatus.OPENED,
                          AlertStatus.RESOLVED,
                          AlertStatus.OPENED,
                          AlertStatus.RESOLVED)));
              assertThat(list.get(0).inMaintenance(), equalTo(true));
              assertThat(list.get(2).inMaintenance(), equalTo(false));
              return null;
            });
    PAssert.that(twins.get(DatacenterTwins.DEAD_LETTERS))
        .satisfies(
            letters -> {
              List<DeadLetter> list = new ArrayList<>();
              letters.forEach(list::add);
              assertThat(describe(list), list, hasSize(1));
              assertThat(list.get(0).reason(), equalTo(DeadLetterReason.UNKNOWN_ENTITY));
              assertThat(list.get(0).source(), equalTo("twin:dc1-r01-s99"));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  /** Servers 1..30 of every rack lose 20 % of their packets from minute 3 to minute 8. */
  static FleetScenario torFailure(FleetScenario scenario) {
    return scenario.behaviour(
        (server, time) -> {
          ReportBuilder report = ReportBuilder.at(server, time);
          boolean broken =
              FleetScenario.rackOf(server) == 1
                  && FleetScenario.indexOf(server) <= 30
                  && time >= T0 + 3 * MINUTE
                  && time < T0 + 8 * MINUTE;
          return Optional.of(broken ? report.packetLoss(0.2) : report);
        });
  }

  @Test
  public void sensorReadingsOnTheirOwnSeriesReachTheHealthModel() {
    // The BMC of s04 reports a 45 degree inlet from minute 3; its OS reports carry no sensors.
    FleetScenario scenario =
        new FleetScenario(1, 10, 8 * MINUTE)
            .sensorsApart()
            .behaviour(
                (server, time) -> {
                  ReportBuilder report = ReportBuilder.at(server, time);
                  return Optional.of(
                      server.equals("dc1-r01-s04") && time >= T0 + 3 * MINUTE
                          ? report.inlet(45)
                          : report);
                });
    PCollection<Alert> alerts = runTwins(scenario, T0 + 8 * MINUTE).get(DatacenterTwins.ALERTS);
    PAssert.that(alerts)
        .satisfies(
            all -> {
              List<Alert> opened = opened(all);
              assertThat(describe(opened), opened, hasSize(1));
              assertThat(opened.get(0).entity(), equalTo("dc1-r01-s04"));
              assertThat(opened.get(0).incidentType(), equalTo(IncidentType.THERMAL));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void silentServerRaisesSilenceAfterTheIntervalAndResolvesWhenReportsReturn() {
    // s05 reports nothing from minute 4 to minute 7.
    FleetScenario scenario =
        new FleetScenario(1, 10, 10 * MINUTE)
            .behaviour(
                (server, time) ->
                    server.equals("dc1-r01-s05")
                            && time >= T0 + 4 * MINUTE
                            && time < T0 + 7 * MINUTE
                        ? Optional.empty()
                        : Optional.of(ReportBuilder.at(server, time)));
    PCollection<Alert> alerts = runTwins(scenario, T0 + 10 * MINUTE).get(DatacenterTwins.ALERTS);
    long lastReport = T0 + 4 * MINUTE - FleetScenario.STEP_MS;
    PAssert.that(alerts)
        .satisfies(
            all -> {
              List<Alert> list = new ArrayList<>();
              all.forEach(list::add);
              assertThat(describe(list), list, hasSize(2));
              Alert open =
                  list.stream().filter(a -> a.status() == AlertStatus.OPENED).findFirst().get();
              Alert resolved =
                  list.stream().filter(a -> a.status() == AlertStatus.RESOLVED).findFirst().get();
              assertThat(open.entity(), equalTo("dc1-r01-s05"));
              assertThat(open.incidentType(), equalTo(IncidentType.SERVER_SILENT));
              assertThat(open.openedAt(), equalTo(lastReport + 60_000));
              assertThat(resolved.incidentId(), equalTo(open.incidentId()));
              assertThat(resolved.eventTime(), equalTo(T0 + 7 * MINUTE));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void decommissionClearsTheTwinSoNoSilenceFollowsAndLaterReportsAreDeadLetters() {
    // s03 is decommissioned at minute 3 and sends one more report at minute 5.
    FleetScenario scenario =
        new FleetScenario(1, 5, 8 * MINUTE)
            .behaviour(
                (server, time) ->
                    server.equals("dc1-r01-s03") && time >= T0 + 3 * MINUTE
                        ? (time == T0 + 5 * MINUTE
                            ? Optional.of(ReportBuilder.at(server, time))
                            : Optional.empty())
                        : Optional.of(ReportBuilder.at(server, time)))
            .with(new DecommissionServer("dc1-r01-s03", "dc1-r01", "dc1", T0 + 3 * MINUTE - 1));
    PCollectionTuple twins = runTwins(scenario, T0 + 8 * MINUTE);
    PAssert.that(twins.get(DatacenterTwins.ALERTS)).empty();
    PAssert.that(twins.get(DatacenterTwins.DEAD_LETTERS))
        .satisfies(
            letters -> {
              List<DeadLetter> list = new ArrayList<>();
              letters.forEach(list::add);
              assertThat(describe(list), list, hasSize(1));
              assertThat(list.get(0).reason(), equalTo(DeadLetterReason.UNCOMMISSIONED));
              assertThat(list.get(0).source(), equalTo("twin:dc1-r01-s03"));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void unhealthyRacksListsExactlyTheRacksWithOpenIncidents() {
    FleetScenario scenario =
        torFailure(new FleetScenario(2, 40, 20 * MINUTE))
            .with(new GetUnhealthyRacks("before", "dc1", T0 + 2 * MINUTE))
            .with(new GetUnhealthyRacks("during", "dc1", T0 + 6 * MINUTE))
            .with(new GetUnhealthyRacks("after", "dc1", T0 + 15 * MINUTE));
    PCollection<UnhealthyRacks> answers =
        runTwins(scenario, T0 + 20 * MINUTE).get(DatacenterTwins.ANSWERS);
    PAssert.that(answers)
        .containsInAnyOrder(
            new UnhealthyRacks("before", "dc1", List.of(), T0 + 2 * MINUTE),
            new UnhealthyRacks("during", "dc1", List.of("dc1-r01"), T0 + 6 * MINUTE),
            new UnhealthyRacks("after", "dc1", List.of(), T0 + 15 * MINUTE));
    pipeline.run().waitUntilFinish();
  }

  @Test
  public void powerAnomaliesInThreeRacksAreOneDatacenterIncident() {
    // Racks 1-3 of 4 see their supply voltage sag on 8 of 10 servers from minute 3.
    FleetScenario scenario =
        new FleetScenario(4, 10, 10 * MINUTE)
            .behaviour(
                (server, time) -> {
                  ReportBuilder report = ReportBuilder.at(server, time);
                  boolean sagging =
                      FleetScenario.rackOf(server) <= 3
                          && FleetScenario.indexOf(server) <= 8
                          && time >= T0 + 3 * MINUTE;
                  return Optional.of(sagging ? report.voltage(10.6) : report);
                });
    PCollection<Alert> alerts = runTwins(scenario, T0 + 10 * MINUTE).get(DatacenterTwins.ALERTS);
    PAssert.that(alerts)
        .satisfies(
            all -> {
              List<Alert> opened = opened(all);
              List<Alert> datacenter = at(opened, Level.DATACENTER);
              assertThat(describe(datacenter), datacenter, hasSize(1));
              assertThat(
                  datacenter.get(0).incidentType(), equalTo(IncidentType.POWER_SUPPLY_DEGRADATION));
              List<Alert> racks = at(opened, Level.RACK);
              assertThat(describe(racks), racks, hasSize(3));
              assertThat(
                  describe(racks) + " / " + describe(datacenter),
                  racks.stream().map(Alert::explainedBy).collect(Collectors.toSet()),
                  equalTo(Set.of(datacenter.get(0).incidentId())));
              assertThat(
                  racks.stream().map(Alert::incidentType).collect(Collectors.toSet()),
                  equalTo(Set.of(IncidentType.RACK_POWER)));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  static final ConcurrentLinkedQueue<String> REPLAY_IDS = new ConcurrentLinkedQueue<>();

  @Test
  public void replayingTheSameInputInAnotherOrderGivesIdenticalAlertIds() {
    Set<String> first = alertIdsOf(pipeline, 1);
    Pipeline replay = Pipeline.create(pipeline.getOptions());
    Set<String> second = alertIdsOf(replay, 2);
    assertThat(first.isEmpty(), equalTo(false));
    assertThat(second, equalTo(first));
  }

  private static Set<String> alertIdsOf(Pipeline target, long shuffleSeed) {
    REPLAY_IDS.clear();
    FleetScenario scenario =
        torFailure(new FleetScenario(1, 40, 10 * MINUTE)).shuffled(shuffleSeed);
    for (Message commission : scenario.commissions()) {
      var c = (dev.dctwin.domain.CommissionServer) commission;
      scenario.with(new DecommissionServer(c.serverId(), c.rackId(), "dc1", T0 + 10 * MINUTE));
    }
    target
        .apply("Fleet", scenario.stream())
        .apply("Twins", DatacenterTwins.create())
        .get(DatacenterTwins.ALERTS)
        .apply("CollectIds", ParDo.of(new CollectIdsFn()));
    target.run().waitUntilFinish();
    return new TreeSet<>(REPLAY_IDS);
  }

  static final class CollectIdsFn extends DoFn<Alert, Void> {
    @ProcessElement
    public void processElement(@Element Alert alert) {
      REPLAY_IDS.add(alert.id());
    }
  }
}

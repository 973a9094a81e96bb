package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.Level;
import dev.dctwin.pipeline.cli.Durations;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.Test;

/** The default scenario and the fault specification. */
public class ScenarioTest {
  private static final Topology FLEET = Topology.of(1, 4, 40);

  @Test
  public void defaultScenarioHasTenMixedFaultsAtEveryLevelAndBenignNoise() {
    for (long seed = 1; seed <= 20; seed++) {
      FleetConfig config = FleetConfig.defaults(seed);
      Scenario scenario = ScenarioPlanner.plan(config, FLEET);
      assertThat(scenario.warnings(), is(empty()));
      List<Fault> faults = scenario.faults().stream().filter(f -> !f.benign()).toList();
      assertThat(faults.size(), greaterThanOrEqualTo(10));
      Set<String> kinds = faults.stream().map(Fault::kind).collect(Collectors.toSet());
      assertThat(kinds.size(), greaterThanOrEqualTo(3));
      Set<Level> levels = EnumSet.noneOf(Level.class);
      faults.forEach(f -> levels.add(f.level()));
      assertThat(levels, is(EnumSet.allOf(Level.class)));
      assertThat(
          scenario.faults().stream().filter(Fault::benign).count(), greaterThanOrEqualTo(1L));
      for (Fault fault : faults) {
        assertThat(fault.toString(), fault.end() - fault.start(), greaterThanOrEqualTo(120_000L));
        assertThat(fault.toString(), fault.end() + 60_000, lessThanOrEqualTo(config.end()));
        assertThat(fault.expectedIncident().level(), is(fault.level()));
      }
    }
  }

  @Test
  public void faultsOnCommonServersAreSeparatedByTheGrace() {
    Scenario scenario = ScenarioPlanner.plan(FleetConfig.defaults(3), FLEET);
    long separation = ScenarioPlanner.SEPARATION.toMillis();
    List<Fault> faults = scenario.faults();
    for (int i = 0; i < faults.size(); i++) {
      for (int j = i + 1; j < faults.size(); j++) {
        Fault a = faults.get(i);
        Fault b = faults.get(j);
        boolean near = a.start() < b.end() + separation && b.start() < a.end() + separation;
        if (near) {
          assertThat(a + " and " + b, covers(a).stream().anyMatch(covers(b)::contains), is(false));
        }
      }
    }
  }

  private static Set<String> covers(Fault fault) {
    return switch (fault.level()) {
      case SERVER -> Set.of(fault.entity());
      case RACK ->
          FLEET.serversOfRack(fault.entity()).stream()
              .map(Topology.Server::serverId)
              .collect(Collectors.toSet());
      case DATACENTER ->
          FLEET.racksOf(fault.entity()).stream()
              .flatMap(rack -> FLEET.serversOfRack(rack).stream())
              .map(Topology.Server::serverId)
              .collect(Collectors.toSet());
    };
  }

  @Test
  public void rackAndDatacenterFaultsAffectMostServersOfEachRack() {
    Scenario scenario = ScenarioPlanner.plan(FleetConfig.defaults(4), FLEET);
    for (Fault fault : scenario.faults()) {
      if (fault.level() == Level.RACK) {
        assertThat(fault.toString(), fault.servers().size(), greaterThanOrEqualTo(30));
      } else if (fault.level() == Level.DATACENTER) {
        assertThat(fault.toString(), fault.servers().size(), greaterThanOrEqualTo(4 * 28));
      }
    }
  }

  @Test
  public void explicitFaultsArePlacedAsAsked() {
    FleetConfig config =
        FleetConfig.defaults(1)
            .withFaults("TOR_SWITCH_FAILURE:dc1-r02@12m+5m, disk_failure*2, NOISE_CPU_STEAL");
    Scenario scenario = ScenarioPlanner.plan(config, FLEET);
    assertThat(scenario.faults(), hasSize(4));
    Fault tor =
        scenario.faults().stream()
            .filter(f -> f.kind().equals("TOR_SWITCH_FAILURE"))
            .findFirst()
            .get();
    assertThat(tor.entity(), is("dc1-r02"));
    assertThat(tor.start(), is(config.start() + 12 * 60_000));
    assertThat(tor.end(), is(config.start() + 17 * 60_000));
    assertThat(
        scenario.faults().stream().filter(f -> f.kind().equals("DISK_FAILURE")).count(), is(2L));
  }

  @Test
  public void noneMeansNoFaults() {
    Scenario scenario = ScenarioPlanner.plan(FleetConfig.defaults(1).withFaults("none"), FLEET);
    assertThat(scenario.faults(), is(empty()));
    assertThat(scenario.effectsByServer().isEmpty(), is(true));
  }

  @Test
  public void aFaultThatDoesNotFitIsLeftOutWithAWarning() {
    FleetConfig config =
        FleetConfig.defaults(1).withFaults("RACK_POWER:dc1-r01@5m,RACK_COOLING:dc1-r01@6m");
    Scenario scenario = ScenarioPlanner.plan(config, FLEET);
    assertThat(scenario.faults(), hasSize(1));
    assertThat(scenario.warnings().get(0), containsString("RACK_COOLING"));
  }

  @Test
  public void badSpecificationsAreRejected() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse("DISK_MELTDOWN"));
    assertThat(unknown.getMessage(), containsString("unknown fault kind"));
    assertThrows(IllegalArgumentException.class, () -> FaultSpec.parse("DISK_FAILURE@soon"));
    assertThrows(
        IllegalArgumentException.class,
        () ->
            ScenarioPlanner.plan(FleetConfig.defaults(1).withFaults("RACK_POWER:dc9-r01"), FLEET));
  }

  @Test
  public void durationsAndInstantsParse() {
    assertThat(Durations.parse("30m"), is(Duration.ofMinutes(30)));
    assertThat(Durations.parse("1h30m"), is(Duration.ofMinutes(90)));
    assertThat(Durations.parse("3m20s"), is(Duration.ofSeconds(200)));
    assertThat(Durations.parse("500ms"), is(Duration.ofMillis(500)));
    assertThat(Durations.parse("PT10S"), is(Duration.ofSeconds(10)));
    assertThat(Durations.format(Duration.ofSeconds(330)), is("5m30s"));
    assertThat(Durations.format(Duration.ofMillis(3_600_250)), is("1h250ms"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("10"));
    assertThrows(IllegalArgumentException.class, () -> Durations.parse("10x"));
    assertThat(Durations.parseInstant("2025-11-21T10:00:00Z"), is(FleetConfig.DEFAULT_START));
    assertThat(Durations.parseInstant("2025-11-21T11:00:00+01:00"), is(FleetConfig.DEFAULT_START));
    assertThat(Durations.parseInstant("1763719200000"), is(FleetConfig.DEFAULT_START));
  }
}

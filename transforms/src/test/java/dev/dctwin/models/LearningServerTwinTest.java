package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerMetricReport;
import java.util.List;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.junit.Test;

/**
 * The server twin with its learned baseline: it learns a server's named gauges from history, opens
 * METRIC_ANOMALY with the explaining metrics when they depart from it, and opens nothing while the
 * baseline is not ready. Every step goes through the state's bytes, as a checkpoint would.
 */
public class LearningServerTwinTest {
  private static final long T0 = 1_735_689_600_000L;
  private static final long MINUTE = 60_000;
  private static final String SERVER = "smd-s01";

  private final ServerTwin model = ServerTwin.withDefaults();
  private final SplittableRandom noise = new SplittableRandom(7);
  private ServerTwinState state =
      model
          .onMessage(
              ServerTwinState.notCommissioned(),
              new CommissionServer(SERVER, "r01", "dc1", T0 - MINUTE))
          .state();
  private long time = T0;

  /** One report of 10 gauges around their normal levels, {@code m3} at {@code m3}. */
  private List<ServerIncidents> report(double m3) {
    SortedMap<String, Double> gauges = new TreeMap<>();
    for (int i = 1; i <= 10; i++) {
      gauges.put("m" + i, 0.1 * i + 0.01 * noise.nextGaussian());
    }
    gauges.put("m3", m3);
    ServerTwinDecision decision =
        model.onMessage(
            ServerTwinState.fromBytes(state.toBytes()),
            ServerMetricReport.ofGauges(SERVER, time, gauges));
    state = decision.state();
    time += MINUTE;
    return decision.toRack();
  }

  private double normalM3() {
    return 0.3 + 0.01 * noise.nextGaussian();
  }

  private Incident anomaly() {
    return state.status().open().get(IncidentType.METRIC_ANOMALY);
  }

  @Test
  public void aNewServerFlagsNothingUntilItsBaselineIsReady() {
    assertThat(model.baselineReadiness(state).orElseThrow().ready(), is(false));
    for (int i = 0; i < 200; i++) {
      report(normalM3());
    }
    // Far off its history, but the baseline has seen only 200 reports (3 h 20 min).
    for (int i = 0; i < 5; i++) {
      report(5.0);
    }
    assertThat(anomaly(), equalTo(null));
    assertThat(model.baselineReadiness(state).orElseThrow().reportsNeeded(), greaterThan(0L));
  }

  @Test
  public void aDepartureFromTheLearnedBaselineOpensAnIncidentNamingItsMetric() {
    for (int i = 0; i < 1_600; i++) {
      report(normalM3());
    }
    assertThat(model.baselineReadiness(state).orElseThrow().ready(), is(true));
    assertThat(anomaly(), equalTo(null));

    for (int i = 0; i < 5 && anomaly() == null; i++) {
      report(5.0);
    }
    Incident opened = anomaly();
    assertThat("METRIC_ANOMALY opens", opened, not(equalTo(null)));
    assertThat(opened.evidence(), not(empty()));
    assertThat(opened.evidence().get(0).metric(), equalTo("m3"));
    assertThat(opened.evidence().get(0).observed(), equalTo(5.0));
    assertThat(Math.abs(opened.evidence().get(0).expected() - 0.3) < 0.05, is(true));

    for (int i = 0; i < 60 && anomaly() != null; i++) {
      report(normalM3());
    }
    assertThat("resolves once m3 is back", anomaly(), equalTo(null));
  }

  @Test
  public void switchedOffTheTwinKeepsNoBaseline() {
    ServerTwin off = new ServerTwin(HealthThresholds.defaults(), 30_000, false);
    ServerTwinState commissioned =
        off.onMessage(
                ServerTwinState.notCommissioned(),
                new CommissionServer(SERVER, "r01", "dc1", T0 - MINUTE))
            .state();
    assertThat(commissioned.baseline(), equalTo(null));
    assertThat(off.baselineReadiness(commissioned).isPresent(), is(false));
  }
}

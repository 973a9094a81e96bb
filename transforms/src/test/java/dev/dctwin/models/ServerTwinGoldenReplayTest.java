package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.hasItems;

import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.domain.ServerStatusUpdate;
import dev.dctwin.golden.GoldenBytes;
import dev.dctwin.models.baseline.BaselineConfig;
import dev.dctwin.models.baseline.BaselineVerdict;
import dev.dctwin.models.baseline.ServerBaseline;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.Test;

/**
 * Pins everything the server twin and its learned baseline compute over days of random reports
 * (noise, anomalies of a few metrics, shifts, missing groups, NaN and infinite values, gauges that
 * come and go and are forgotten, duplicates, silences, BMC readings) as a SHA-256 of every decision
 * and every verdict. The records print their doubles exactly, so a change of any result in its last
 * bit fails here. The state goes through its encoding every 500 reports, so an encoding that loses
 * a bit changes a later result too; the digest holds no encoded bytes, which a new state version
 * changes without changing a result (version 1 of the digests held them; the encodings are pinned
 * by their golden-bytes tests). The pinned digests were written by the model before its per-report
 * work was cut (transforms/PERFORMANCE.md, "Server twin model per report"); a speed-up must keep
 * them, and only a deliberate change of the model may rewrite them.
 */
public class ServerTwinGoldenReplayTest {
  private static final long T0 = 1_790_000_000_000L;
  private static final long MINUTE = 60_000;
  private static final long DAY = 1440 * MINUTE;
  private static final String SERVER = "dc1-r007-s03";

  @Test
  public void theTwinsDecisionsOverRandomReportsArePinned() {
    MessageDigest digest = sha256();
    ServerTwin model = ServerTwin.withDefaults();
    Set<IncidentType> opened = EnumSet.noneOf(IncidentType.class);
    Scenario scenario = new Scenario(11, MINUTE / 2);
    ServerTwinState state =
        model
            .onMessage(
                ServerTwinState.notCommissioned(),
                new CommissionServer(SERVER, "dc1-r007", "dc1", T0 - MINUTE))
            .state();
    long time = T0;
    for (int i = 0; i < 3 * DAY / scenario.step; i++) {
      time += scenario.gap();
      if (scenario.chance(0.1)) {
        ServerTwinDecision decision =
            model.onMessage(state, new BmcSensorReading(SERVER, time - 5_000, scenario.sensors()));
        state = record(digest, opened, decision);
      }
      state = record(digest, opened, model.onSilenceCheck(state, time - 1));
      ServerMetricReport report = scenario.report(time);
      state = record(digest, opened, model.onMessage(state, report));
      if (scenario.chance(0.005)) {
        // A duplicate, as an at-least-once source redelivers it.
        state = record(digest, opened, model.onMessage(state, report));
      }
      if (i % 500 == 0) {
        state = ServerTwinState.fromBytes(state.toBytes());
      }
    }
    // The scenario reaches the learned baseline's incident and the health model's.
    assertThat(
        opened,
        hasItems(
            IncidentType.METRIC_ANOMALY,
            IncidentType.SERVER_SILENT,
            IncidentType.CPU_SATURATION,
            IncidentType.MEMORY_ECC_CORRECTED,
            IncidentType.THERMAL));
    GoldenBytes.assertPinned("ServerTwinReplayDigest", 2, digest.digest());
  }

  @Test
  public void theBaselinesVerdictsOverRandomReportsArePinned() {
    MessageDigest digest = sha256();
    ServerBaseline baseline = new ServerBaseline(BaselineConfig.DEFAULT);
    Scenario scenario = new Scenario(12, 2 * MINUTE);
    long time = T0;
    for (int i = 0; i < 9 * DAY / scenario.step; i++) {
      time += scenario.gap();
      BaselineVerdict verdict =
          baseline.observe(time, ReportMetrics.flatten(scenario.report(time)));
      update(digest, verdict);
      if (scenario.chance(0.005)) {
        update(digest, baseline.observe(time, ReportMetrics.flatten(scenario.report(time))));
      }
      if (i % 500 == 0) {
        baseline = ServerBaseline.fromBytes(baseline.toBytes(), BaselineConfig.DEFAULT);
      }
    }
    GoldenBytes.assertPinned("ServerBaselineReplayDigest", 2, digest.digest());
  }

  private static ServerTwinState record(
      MessageDigest digest, Set<IncidentType> opened, ServerTwinDecision decision) {
    for (ServerIncidents incidents : decision.toRack()) {
      opened.addAll(incidents.open().keySet());
      // Map.copyOf and Set.copyOf iterate in an order of their own per JVM: print them sorted.
      update(
          digest,
          List.of(
              incidents.serverId(),
              incidents.rackId(),
              incidents.datacenterId(),
              new TreeMap<>(incidents.open()),
              incidents.eventTime(),
              incidents.left()));
    }
    update(digest, decision.rejected());
    update(digest, decision.maintenance());
    ServerStatusUpdate status = decision.statusUpdate();
    if (status != null) {
      update(
          digest,
          Arrays.asList(
              status.serverId(),
              status.rackId(),
              status.datacenterId(),
              status.lifecycle(),
              new TreeSet<>(status.openIncidents()),
              status.lastReportTime(),
              status.baselineReady(),
              status.baselineExpectedReadyAt(),
              status.eventTime()));
    }
    update(digest, decision.reportAccepted());
    return decision.state();
  }

  private static void update(MessageDigest digest, Object printed) {
    digest.update(String.valueOf(printed).getBytes(StandardCharsets.UTF_8));
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Reports of one server {@code step} apart, with the trouble a fleet has. */
  private static final class Scenario {
    private final SplittableRandom random;
    private final long step;
    private int anomalyLeft;
    private double anomalyFactor;
    private int anomalyMetric;
    private double shift = 1;

    Scenario(long seed, long step) {
      random = new SplittableRandom(seed);
      this.step = step;
    }

    boolean chance(double p) {
      return random.nextDouble() < p;
    }

    /** A step, now and then a gap of minutes to hours (silences). */
    long gap() {
      return chance(0.001) ? MINUTE * (2 + random.nextInt(300)) : step;
    }

    SensorReadings sensors() {
      return new SensorReadings(
          12 * (1 + 0.005 * random.nextGaussian()), v(24.5, 21), v(58, 22), v(310, 23));
    }

    ServerMetricReport report(long time) {
      long day = (time - T0) / DAY;
      if (anomalyLeft > 0) {
        anomalyLeft--;
      } else if (chance(0.004)) {
        anomalyLeft = 1 + random.nextInt(60);
        anomalyFactor = chance(0.5) ? 3 + 10 * random.nextDouble() : 0.1 * random.nextDouble();
        anomalyMetric = random.nextInt(50);
      }
      if (chance(0.0005)) {
        // A lasting change of level: the new normal.
        shift = 0.7 + 0.6 * random.nextDouble();
      }
      TreeMap<String, Double> gauges = new TreeMap<>();
      for (int g = 0; g < 12; g++) {
        if (!chance(0.05)) {
          gauges.put("node_gauge_" + g, v(1e3 * (g + 1), 30 + g));
        }
      }
      if (day == 1) {
        // Absent for a week after this day: forgotten.
        gauges.put("node_temporary_bytes", v(5e5, 45));
      }
      if (day >= 2) {
        gauges.put("node_late_total", v(42, 46));
      }
      if (chance(0.002)) {
        gauges.put("node_gauge_0", chance(0.5) ? Double.POSITIVE_INFINITY : Double.NaN);
      }
      return new ServerMetricReport(
          SERVER,
          time,
          chance(0.01)
              ? null
              : new CpuMetrics(
                  v(71.5, 0), v(20, 1), v(5, 2), v(0.5, 3), 0.3, 0.7, v(0.1, 4), v(2, 5)),
          new NetworkMetrics(
              chance(0.01) ? 50 : 0, 0, 0, 0, v(12e3, 6), v(11.5e3, 7), v(9.6e6, 8), v(8.1e6, 9)),
          new MemoryMetrics(
              v(96e9, 10),
              v(60e9, 11),
              v(90e9, 12),
              2e9,
              v(8e9, 13),
              256e9,
              v(12e9, 14),
              chance(0.02) ? Double.NaN : v(3e9, 15),
              30e6,
              chance(0.01) ? 3 : 0,
              0,
              0),
          chance(0.02)
              ? null
              : new DiskMetrics(
                  v(120, 16),
                  180,
                  4,
                  30,
                  v(2.1e6, 17),
                  v(8.4e6, 18),
                  v(150, 19),
                  v(420, 24),
                  v(0.8, 25),
                  v(1.6, 26),
                  0),
          new ProcessMetrics(v(6, 27), 412, chance(0.01) ? 30 : 0, 0, 0, 0),
          chance(0.5) ? null : sensors(),
          gauges);
    }

    /** {@code level} with noise, shifted, and off by the anomaly when it hits metric {@code m}. */
    private double v(double level, int m) {
      double value = level * shift * (1 + 0.03 * random.nextGaussian());
      return anomalyLeft > 0 && (m == anomalyMetric || m == anomalyMetric + 1)
          ? value * anomalyFactor
          : value;
    }
  }
}

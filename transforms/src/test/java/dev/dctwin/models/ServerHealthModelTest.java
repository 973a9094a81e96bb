package dev.dctwin.models;

import static dev.dctwin.domain.IncidentType.CPU_SATURATION;
import static dev.dctwin.domain.IncidentType.DISK_LATENCY;
import static dev.dctwin.domain.IncidentType.MEMORY_ECC_UNCORRECTED;
import static dev.dctwin.domain.IncidentType.NIC_PACKET_LOSS;
import static dev.dctwin.domain.IncidentType.POWER_ANOMALY;
import static dev.dctwin.domain.IncidentType.SERVER_SILENT;
import static dev.dctwin.domain.IncidentType.THERMAL;
import static dev.dctwin.models.ModelMatchers.opening;
import static dev.dctwin.models.ModelMatchers.resolution;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.Severity;
import java.util.List;
import java.util.OptionalLong;
import java.util.function.UnaryOperator;
import org.junit.Test;

public class ServerHealthModelTest {
  private static final UnaryOperator<ReportBuilder> LOSS = r -> r.packetLoss(0.05);

  @Test
  public void healthyServerOpensNothingIn15Minutes() {
    ServerHealthDriver server = new ServerHealthDriver();
    assertThat(server.healthy(90), is(empty()));
    assertThat(server.status().checks().keySet(), is(empty()));
  }

  @Test
  public void oneNoisySampleDoesNotOpen() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.healthy(12);
    server.report(LOSS);
    assertThat(server.healthy(12), is(empty()));
    assertThat(server.changes, is(empty()));
  }

  @Test
  public void oneGoodSampleDoesNotResolve() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.reports(3, LOSS);
    assertThat(server.isOpen(NIC_PACKET_LOSS), is(true));
    server.healthy(1);
    assertThat(server.reports(10, LOSS), is(empty()));
    assertThat(server.isOpen(NIC_PACKET_LOSS), is(true));
  }

  @Test
  public void alternatingBadAndGoodSamplesFor15MinutesOpenNothing() {
    ServerHealthDriver server = new ServerHealthDriver();
    for (int i = 0; i < 90; i++) {
      server.report(i % 2 == 0 ? LOSS : UnaryOperator.identity());
    }
    assertThat(server.changes, is(empty()));
  }

  @Test
  public void flappingThatOpensStaysOneIncident() {
    ServerHealthDriver server = new ServerHealthDriver();
    // bad, bad, good: 3 of the last 4 are often bad, but never 3 in a row good.
    for (int i = 0; i < 90; i++) {
      server.report(i % 3 == 2 ? UnaryOperator.identity() : LOSS);
    }
    assertThat(server.changes.size(), is(1));
    assertThat(server.changes.get(0).opened(), is(true));
  }

  @Test
  public void uncorrectedEccErrorOpensCriticalOnTheFirstSample() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.healthy(3);
    long time = server.nextTime();
    HealthEvaluation evaluation = server.report(r -> r.uncorrectedEcc(1));
    assertThat(evaluation.changes(), contains(opening(MEMORY_ECC_UNCORRECTED, time)));
    assertThat(
        evaluation.status().open().get(MEMORY_ECC_UNCORRECTED).severity(), is(Severity.CRITICAL));
    assertThat(
        evaluation.status().open().get(MEMORY_ECC_UNCORRECTED).context(),
        is("1 uncorrected ECC errors"));
  }

  @Test
  public void hysteresisIsConfigurable() {
    HealthThresholds twoOfTwo =
        HealthThresholds.defaults().withHysteresis(new HealthThresholds.Hysteresis(2, 2, 1, 90));
    ServerHealthDriver server = new ServerHealthDriver(twoOfTwo);
    server.report(LOSS);
    long time = server.nextTime();
    assertThat(server.report(LOSS).changes(), contains(opening(NIC_PACKET_LOSS, time)));
    assertThat(server.healthy(1), contains(resolution(NIC_PACKET_LOSS, time + 10_000)));
  }

  @Test
  public void silenceOpensOnTheTimerAndTheNextReportResolvesIt() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.healthy(6);
    long lastReport = server.nextTime() - ServerHealthDriver.CADENCE_MS;
    OptionalLong deadline = server.model().silenceDeadline(server.status());
    assertThat(deadline, is(OptionalLong.of(lastReport + 60_000)));

    assertThat(server.silence(lastReport + 59_999).changes(), is(empty()));
    long timer = deadline.getAsLong();
    HealthEvaluation silence = server.silence(timer);
    assertThat(silence.changes(), contains(opening(SERVER_SILENT, timer)));
    assertThat(silence.status().open().get(SERVER_SILENT).context(), is("no report for 60 s"));
    assertThat(server.model().silenceDeadline(server.status()), is(OptionalLong.empty()));
    assertThat("a repeated timer opens nothing", server.silence(timer + 60_000).changes(), empty());

    server.skip(300_000);
    long next = server.nextTime();
    assertThat(server.healthy(1), contains(resolution(SERVER_SILENT, next)));
    assertThat(server.status().open().keySet(), is(empty()));
  }

  @Test
  public void silenceOfAServerThatNeverReported() {
    ServerHealthDriver server = new ServerHealthDriver();
    HealthEvaluation silence = server.silence(1_000);
    assertThat(silence.changes(), contains(opening(SERVER_SILENT, 1_000)));
    assertThat(
        silence.status().open().get(SERVER_SILENT).context(), is("no report since commissioning"));
  }

  @Test
  public void silenceKeepsOtherIncidentsOpen() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.reports(3, LOSS);
    server.silence(server.nextTime() + 60_000);
    assertThat(server.isOpen(NIC_PACKET_LOSS), is(true));
    assertThat(server.isOpen(SERVER_SILENT), is(true));
  }

  @Test
  public void outOfOrderAndDuplicateReportsAreIgnored() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.healthy(5);
    long last = server.nextTime() - ServerHealthDriver.CADENCE_MS;
    ServerWindow window = server.window();
    ServerStatus status = server.status();

    for (long time : new long[] {last, last - 5_000, last - 3_600_000}) {
      HealthEvaluation evaluation =
          server.evaluate(ReportBuilder.at(ServerHealthDriver.SERVER, time).packetLoss(0.5));
      assertThat(evaluation.accepted(), is(false));
      assertThat(evaluation.changes(), is(empty()));
      assertThat(evaluation.status(), is(equalTo(status)));
    }
    assertThat(server.window(), is(equalTo(window)));
    assertThat(server.healthy(1).isEmpty(), is(true));
  }

  @Test
  public void reportsWithoutSensorsNeitherOpenNorResolveSensorIncidents() {
    ServerHealthDriver server = new ServerHealthDriver();
    assertThat(server.reports(10, r -> r.inlet(40).withoutSensors()), is(empty()));

    server.reports(3, r -> r.inlet(40));
    assertThat(server.isOpen(THERMAL), is(true));
    assertThat(server.reports(10, ReportBuilder::withoutSensors), is(empty()));
    assertThat(server.isOpen(THERMAL), is(true));
    server.healthy(3);
    assertThat(server.isOpen(THERMAL), is(false));
  }

  @Test
  public void baselineChecksWaitUntilTheWindowHasABaseline() {
    ServerHealthDriver server = new ServerHealthDriver();
    assertThat(server.reports(9, r -> r.writeLatency(60).inputPower(100)), is(empty()));
  }

  @Test
  public void anOngoingAnomalyDoesNotBecomeItsOwnBaseline() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.healthy(30);
    server.reports(60, r -> r.writeLatency(60).inputPower(100));
    assertThat(server.isOpen(DISK_LATENCY), is(true));
    assertThat(server.isOpen(POWER_ANOMALY), is(true));
    assertThat(server.changes.size(), is(2));
  }

  @Test
  public void aResolvedIncidentNeedsAFreshOpeningRun() {
    HealthThresholds quickClear =
        HealthThresholds.defaults().withHysteresis(new HealthThresholds.Hysteresis(3, 4, 1, 90));
    ServerHealthDriver server = new ServerHealthDriver(quickClear);
    server.reports(3, LOSS);
    server.healthy(1);
    assertThat(server.isOpen(NIC_PACKET_LOSS), is(false));
    // Without the reset, the two bad verdicts still in the history would reopen it at once.
    assertThat(server.reports(2, LOSS), is(empty()));
  }

  @Test
  public void windowKeepsFifteenMinutesOfReports() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.healthy(100);
    ServerWindow window = server.window();
    long newest = server.nextTime() - ServerHealthDriver.CADENCE_MS;
    assertThat(window.size(), is(90));
    assertThat(window.newestEventTime(), is(OptionalLong.of(newest)));
    assertThat(window.oldestEventTime(), is(OptionalLong.of(newest - 890_000)));

    server.skip(20 * 60_000);
    server.healthy(1);
    assertThat(server.window().size(), is(1));
  }

  @Test
  public void windowLengthIsConfigurable() {
    ServerHealthDriver server =
        new ServerHealthDriver(
            HealthThresholds.defaults()
                .withWindow(new HealthThresholds.WindowSettings(5 * 60_000, 120, 10)));
    server.healthy(60);
    assertThat(server.window().size(), is(30));
  }

  @Test
  public void fifteenMinutesOfReportsEncodeInAtMost3KiB() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.healthy(90);
    assertThat(server.window().size(), is(90));
    assertThat(server.windowBytes(), lessThanOrEqualTo(3 * 1024));
    assertThat(server.window().sizeInBytes(), is(server.windowBytes()));
  }

  @Test
  public void worstCaseTwinStateStaysWithin4KiB() {
    // Every entry with ECC errors, several incidents open, reports every 5 s: the entry cap holds.
    ServerHealthDriver server = new ServerHealthDriver();
    for (int i = 0; i < 180; i++) {
      server.evaluate(
          ReportBuilder.at(ServerHealthDriver.SERVER, server.nextTime() + i * 5_000L)
              .correctedEcc(3)
              .uncorrectedEcc(1)
              .packetLoss(0.05)
              .cpuBusy(99)
              .inlet(40));
    }
    assertThat(server.window().size(), is(120));
    assertThat(server.status().open().size(), is(5));
    assertThat(server.windowBytes() + server.statusBytes(), lessThanOrEqualTo(4 * 1024));
  }

  @Test
  public void thresholdsRejectInconsistentHysteresis() {
    assertThrows(
        IllegalArgumentException.class, () -> new HealthThresholds.Hysteresis(4, 3, 3, 90));
    assertThrows(
        IllegalArgumentException.class, () -> new HealthThresholds.Hysteresis(3, 32, 3, 90));
    assertThrows(
        IllegalArgumentException.class, () -> HealthThresholds.defaults().withSilenceAfterMs(0));
  }

  @Test
  public void changesListResolutionsBeforeOpenings() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.reports(3, LOSS);
    server.silence(server.nextTime() + 60_000);
    server.skip(120_000);
    server.reports(2, r -> r.packetLoss(0).cpuBusy(99));
    long time = server.nextTime();
    List<IncidentChange> changes = server.report(r -> r.cpuBusy(99)).changes();
    assertThat(changes, contains(resolution(NIC_PACKET_LOSS, time), opening(CPU_SATURATION, time)));
  }
}

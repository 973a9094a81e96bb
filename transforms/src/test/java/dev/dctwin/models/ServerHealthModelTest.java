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
    ServerTwin twin = new ServerTwin();
    assertThat(twin.healthy(90), is(empty()));
    assertThat(twin.status().checks().keySet(), is(empty()));
  }

  @Test
  public void oneNoisySampleDoesNotOpen() {
    ServerTwin twin = new ServerTwin();
    twin.healthy(12);
    twin.report(LOSS);
    assertThat(twin.healthy(12), is(empty()));
    assertThat(twin.changes, is(empty()));
  }

  @Test
  public void oneGoodSampleDoesNotResolve() {
    ServerTwin twin = new ServerTwin();
    twin.reports(3, LOSS);
    assertThat(twin.isOpen(NIC_PACKET_LOSS), is(true));
    twin.healthy(1);
    assertThat(twin.reports(10, LOSS), is(empty()));
    assertThat(twin.isOpen(NIC_PACKET_LOSS), is(true));
  }

  @Test
  public void alternatingBadAndGoodSamplesFor15MinutesOpenNothing() {
    ServerTwin twin = new ServerTwin();
    for (int i = 0; i < 90; i++) {
      twin.report(i % 2 == 0 ? LOSS : UnaryOperator.identity());
    }
    assertThat(twin.changes, is(empty()));
  }

  @Test
  public void flappingThatOpensStaysOneIncident() {
    ServerTwin twin = new ServerTwin();
    // bad, bad, good: 3 of the last 4 are often bad, but never 3 in a row good.
    for (int i = 0; i < 90; i++) {
      twin.report(i % 3 == 2 ? UnaryOperator.identity() : LOSS);
    }
    assertThat(twin.changes.size(), is(1));
    assertThat(twin.changes.get(0).opened(), is(true));
  }

  @Test
  public void uncorrectedEccErrorOpensCriticalOnTheFirstSample() {
    ServerTwin twin = new ServerTwin();
    twin.healthy(3);
    long time = twin.nextTime();
    HealthEvaluation evaluation = twin.report(r -> r.uncorrectedEcc(1));
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
    ServerTwin twin = new ServerTwin(twoOfTwo);
    twin.report(LOSS);
    long time = twin.nextTime();
    assertThat(twin.report(LOSS).changes(), contains(opening(NIC_PACKET_LOSS, time)));
    assertThat(twin.healthy(1), contains(resolution(NIC_PACKET_LOSS, time + 10_000)));
  }

  @Test
  public void silenceOpensOnTheTimerAndTheNextReportResolvesIt() {
    ServerTwin twin = new ServerTwin();
    twin.healthy(6);
    long lastReport = twin.nextTime() - ServerTwin.CADENCE_MS;
    OptionalLong deadline = twin.model().silenceDeadline(twin.status());
    assertThat(deadline, is(OptionalLong.of(lastReport + 60_000)));

    assertThat(twin.silence(lastReport + 59_999).changes(), is(empty()));
    long timer = deadline.getAsLong();
    HealthEvaluation silence = twin.silence(timer);
    assertThat(silence.changes(), contains(opening(SERVER_SILENT, timer)));
    assertThat(silence.status().open().get(SERVER_SILENT).context(), is("no report for 60 s"));
    assertThat(twin.model().silenceDeadline(twin.status()), is(OptionalLong.empty()));
    assertThat("a repeated timer opens nothing", twin.silence(timer + 60_000).changes(), empty());

    twin.skip(300_000);
    long next = twin.nextTime();
    assertThat(twin.healthy(1), contains(resolution(SERVER_SILENT, next)));
    assertThat(twin.status().open().keySet(), is(empty()));
  }

  @Test
  public void silenceOfAServerThatNeverReported() {
    ServerTwin twin = new ServerTwin();
    HealthEvaluation silence = twin.silence(1_000);
    assertThat(silence.changes(), contains(opening(SERVER_SILENT, 1_000)));
    assertThat(
        silence.status().open().get(SERVER_SILENT).context(), is("no report since commissioning"));
  }

  @Test
  public void silenceKeepsOtherIncidentsOpen() {
    ServerTwin twin = new ServerTwin();
    twin.reports(3, LOSS);
    twin.silence(twin.nextTime() + 60_000);
    assertThat(twin.isOpen(NIC_PACKET_LOSS), is(true));
    assertThat(twin.isOpen(SERVER_SILENT), is(true));
  }

  @Test
  public void outOfOrderAndDuplicateReportsAreIgnored() {
    ServerTwin twin = new ServerTwin();
    twin.healthy(5);
    long last = twin.nextTime() - ServerTwin.CADENCE_MS;
    ServerWindow window = twin.window();
    ServerStatus status = twin.status();

    for (long time : new long[] {last, last - 5_000, last - 3_600_000}) {
      HealthEvaluation evaluation =
          twin.evaluate(ReportBuilder.at(ServerTwin.SERVER, time).packetLoss(0.5));
      assertThat(evaluation.accepted(), is(false));
      assertThat(evaluation.changes(), is(empty()));
      assertThat(evaluation.status(), is(equalTo(status)));
    }
    assertThat(twin.window(), is(equalTo(window)));
    assertThat(twin.healthy(1).isEmpty(), is(true));
  }

  @Test
  public void reportsWithoutSensorsNeitherOpenNorResolveSensorIncidents() {
    ServerTwin twin = new ServerTwin();
    assertThat(twin.reports(10, r -> r.inlet(40).withoutSensors()), is(empty()));

    twin.reports(3, r -> r.inlet(40));
    assertThat(twin.isOpen(THERMAL), is(true));
    assertThat(twin.reports(10, ReportBuilder::withoutSensors), is(empty()));
    assertThat(twin.isOpen(THERMAL), is(true));
    twin.healthy(3);
    assertThat(twin.isOpen(THERMAL), is(false));
  }

  @Test
  public void baselineChecksWaitUntilTheWindowHasABaseline() {
    ServerTwin twin = new ServerTwin();
    assertThat(twin.reports(9, r -> r.writeLatency(60).inputPower(100)), is(empty()));
  }

  @Test
  public void anOngoingAnomalyDoesNotBecomeItsOwnBaseline() {
    ServerTwin twin = new ServerTwin();
    twin.healthy(30);
    twin.reports(60, r -> r.writeLatency(60).inputPower(100));
    assertThat(twin.isOpen(DISK_LATENCY), is(true));
    assertThat(twin.isOpen(POWER_ANOMALY), is(true));
    assertThat(twin.changes.size(), is(2));
  }

  @Test
  public void aResolvedIncidentNeedsAFreshOpeningRun() {
    HealthThresholds quickClear =
        HealthThresholds.defaults().withHysteresis(new HealthThresholds.Hysteresis(3, 4, 1, 90));
    ServerTwin twin = new ServerTwin(quickClear);
    twin.reports(3, LOSS);
    twin.healthy(1);
    assertThat(twin.isOpen(NIC_PACKET_LOSS), is(false));
    // Without the reset, the two bad verdicts still in the history would reopen it at once.
    assertThat(twin.reports(2, LOSS), is(empty()));
  }

  @Test
  public void windowKeepsFifteenMinutesOfReports() {
    ServerTwin twin = new ServerTwin();
    twin.healthy(100);
    ServerWindow window = twin.window();
    long newest = twin.nextTime() - ServerTwin.CADENCE_MS;
    assertThat(window.size(), is(90));
    assertThat(window.newestEventTime(), is(OptionalLong.of(newest)));
    assertThat(window.oldestEventTime(), is(OptionalLong.of(newest - 890_000)));

    twin.skip(20 * 60_000);
    twin.healthy(1);
    assertThat(twin.window().size(), is(1));
  }

  @Test
  public void windowLengthIsConfigurable() {
    ServerTwin twin =
        new ServerTwin(
            HealthThresholds.defaults()
                .withWindow(new HealthThresholds.WindowSettings(5 * 60_000, 120, 10)));
    twin.healthy(60);
    assertThat(twin.window().size(), is(30));
  }

  @Test
  public void fifteenMinutesOfReportsEncodeInAtMost3KiB() {
    ServerTwin twin = new ServerTwin();
    twin.healthy(90);
    assertThat(twin.window().size(), is(90));
    assertThat(twin.windowBytes(), lessThanOrEqualTo(3 * 1024));
    assertThat(twin.window().sizeInBytes(), is(twin.windowBytes()));
  }

  @Test
  public void worstCaseTwinStateStaysWithin4KiB() {
    // Every entry with ECC errors, several incidents open, reports every 5 s: the entry cap holds.
    ServerTwin twin = new ServerTwin();
    for (int i = 0; i < 180; i++) {
      twin.evaluate(
          ReportBuilder.at(ServerTwin.SERVER, twin.nextTime() + i * 5_000L)
              .correctedEcc(3)
              .uncorrectedEcc(1)
              .packetLoss(0.05)
              .cpuBusy(99)
              .inlet(40));
    }
    assertThat(twin.window().size(), is(120));
    assertThat(twin.status().open().size(), is(5));
    assertThat(twin.windowBytes() + twin.statusBytes(), lessThanOrEqualTo(4 * 1024));
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
    ServerTwin twin = new ServerTwin();
    twin.reports(3, LOSS);
    twin.silence(twin.nextTime() + 60_000);
    twin.skip(120_000);
    twin.reports(2, r -> r.packetLoss(0).cpuBusy(99));
    long time = twin.nextTime();
    List<IncidentChange> changes = twin.report(r -> r.cpuBusy(99)).changes();
    assertThat(changes, contains(resolution(NIC_PACKET_LOSS, time), opening(CPU_SATURATION, time)));
  }
}

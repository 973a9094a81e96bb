package dev.dctwin.models;

import static dev.dctwin.domain.IncidentType.CPU_SATURATION;
import static dev.dctwin.domain.IncidentType.CPU_STEAL;
import static dev.dctwin.domain.IncidentType.DISK_FAILURE;
import static dev.dctwin.domain.IncidentType.DISK_LATENCY;
import static dev.dctwin.domain.IncidentType.MEMORY_ECC_CORRECTED;
import static dev.dctwin.domain.IncidentType.MEMORY_ECC_UNCORRECTED;
import static dev.dctwin.domain.IncidentType.MEMORY_PRESSURE;
import static dev.dctwin.domain.IncidentType.NIC_ERRORS;
import static dev.dctwin.domain.IncidentType.NIC_PACKET_LOSS;
import static dev.dctwin.domain.IncidentType.POWER_ANOMALY;
import static dev.dctwin.domain.IncidentType.THERMAL;
import static dev.dctwin.models.ModelMatchers.opening;
import static dev.dctwin.models.ModelMatchers.resolution;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.is;

import dev.dctwin.domain.IncidentType;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * Every incident type opens on its fault and resolves on recovery, after exactly the number of
 * reports its hysteresis prescribes, without opening anything else.
 */
@RunWith(Parameterized.class)
public class IncidentDetectionTest {
  /** Healthy reports first, so that the baseline checks have their baseline. */
  private static final int WARM_UP = 12;

  @Parameters(name = "{0}")
  public static List<Object[]> faults() {
    return Arrays.asList(
        fault("failed disk device", DISK_FAILURE, r -> r.failedDisks(1), 3, 3),
        fault("hung disk", DISK_FAILURE, ReportBuilder::diskHung, 3, 3),
        fault("slow writes", DISK_LATENCY, r -> r.writeLatency(60), 3, 3),
        fault("slow reads", DISK_LATENCY, r -> r.readLatency(35), 3, 3),
        fault("packet loss", NIC_PACKET_LOSS, r -> r.packetLoss(0.05), 3, 3),
        fault("interface errors", NIC_ERRORS, r -> r.interfaceErrors(0.01), 3, 3),
        fault("busy CPU", CPU_SATURATION, r -> r.cpuBusy(98), 3, 3),
        fault("stolen CPU", CPU_STEAL, r -> r.cpuSteal(25), 3, 3),
        fault("memory full", MEMORY_PRESSURE, r -> r.memoryUsed(97), 3, 3),
        fault(
            "memory reclaim", MEMORY_PRESSURE, r -> r.memoryUsed(88).stalledProcesses(9, 3), 3, 3),
        // 3 reports of 10 errors stay in the 5-minute rate window for 30 reports.
        fault("corrected ECC", MEMORY_ECC_CORRECTED, r -> r.correctedEcc(10), 3, 32),
        fault("uncorrected ECC", MEMORY_ECC_UNCORRECTED, r -> r.uncorrectedEcc(1), 1, 90),
        fault("inlet over limit", THERMAL, r -> r.inlet(38), 3, 3),
        fault("inlet far above baseline", THERMAL, r -> r.inlet(33.5), 3, 3),
        fault("voltage sag", POWER_ANOMALY, r -> r.voltage(11.2), 3, 3),
        fault("input power collapse", POWER_ANOMALY, r -> r.inputPower(120), 3, 3));
  }

  private static Object[] fault(
      String name,
      IncidentType type,
      UnaryOperator<ReportBuilder> fault,
      int reportsToOpen,
      int reportsToResolve) {
    return new Object[] {name, type, fault, reportsToOpen, reportsToResolve};
  }

  private final IncidentType type;
  private final UnaryOperator<ReportBuilder> fault;
  private final int reportsToOpen;
  private final int reportsToResolve;

  public IncidentDetectionTest(
      String name,
      IncidentType type,
      UnaryOperator<ReportBuilder> fault,
      int reportsToOpen,
      int reportsToResolve) {
    this.type = type;
    this.fault = fault;
    this.reportsToOpen = reportsToOpen;
    this.reportsToResolve = reportsToResolve;
  }

  @Test
  public void opensOnTheFaultAndResolvesOnRecovery() {
    ServerHealthDriver server = new ServerHealthDriver();
    assertThat(server.healthy(WARM_UP), is(empty()));

    assertThat(server.reports(reportsToOpen - 1, fault), is(empty()));
    long openingTime = server.nextTime();
    HealthEvaluation opening = server.report(fault);
    assertThat(opening.changes(), contains(opening(type, openingTime)));
    assertThat(opening.status().open().get(type).openedAt(), is(openingTime));
    assertThat(opening.status().open().get(type).severity(), is(type.defaultSeverity()));

    // The fault goes on: still one incident, nothing else.
    assertThat(server.reports(5, fault), is(empty()));

    assertThat(server.healthy(reportsToResolve - 1), is(empty()));
    long resolvingTime = server.nextTime();
    assertThat(
        server.report(UnaryOperator.identity()).changes(),
        contains(resolution(type, resolvingTime)));
    assertThat(server.status().open().keySet(), is(empty()));
    assertThat(server.healthy(20), is(empty()));
  }
}

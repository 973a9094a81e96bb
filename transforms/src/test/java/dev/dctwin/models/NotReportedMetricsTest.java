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
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import dev.dctwin.domain.IncidentType;
import dev.dctwin.models.MetricSummary.Feature;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.Parameterized;
import org.junit.runners.Parameterized.Parameters;

/**
 * A metric that is not reported (NaN, as a report assembled from an agent that does not send it has
 * it) gives its check no verdict: it neither opens an incident, nor resolves one, nor becomes part
 * of a baseline as 0.
 */
@RunWith(Parameterized.class)
public class NotReportedMetricsTest {
  private static final int WARM_UP = 12;
  private static final double NAN = Double.NaN;

  @Parameters(name = "{0}")
  public static List<Object[]> checks() {
    return Arrays.asList(
        check(
            "failed devices",
            DISK_FAILURE,
            r -> r.failedDisks(1),
            r -> r.failedDisks(NAN).diskBusy(NAN)),
        check(
            "latency",
            DISK_LATENCY,
            r -> r.writeLatency(60),
            r -> r.readLatency(NAN).writeLatency(NAN)),
        check("drops", NIC_PACKET_LOSS, r -> r.packetLoss(0.05), r -> r.packetLoss(NAN)),
        check("errors", NIC_ERRORS, r -> r.interfaceErrors(0.01), r -> r.interfaceErrors(NAN)),
        check("idle", CPU_SATURATION, r -> r.cpuBusy(98), r -> r.cpuBusy(NAN)),
        check("steal", CPU_STEAL, r -> r.cpuSteal(25), r -> r.cpuSteal(NAN)),
        check("used memory", MEMORY_PRESSURE, r -> r.memoryUsed(97), r -> r.memoryUsed(NAN)),
        check("corrected", MEMORY_ECC_CORRECTED, r -> r.correctedEcc(10), r -> r.correctedEcc(NAN)),
        check(
            "uncorrected",
            MEMORY_ECC_UNCORRECTED,
            r -> r.uncorrectedEcc(1),
            r -> r.uncorrectedEcc(NAN)),
        check("inlet", THERMAL, r -> r.inlet(38), r -> r.inlet(NAN)),
        check(
            "voltage and power",
            POWER_ANOMALY,
            r -> r.voltage(11.2),
            r -> r.voltage(NAN).inputPower(NAN)));
  }

  private static Object[] check(
      String metric,
      IncidentType type,
      UnaryOperator<ReportBuilder> fault,
      UnaryOperator<ReportBuilder> notReported) {
    return new Object[] {metric, type, fault, notReported};
  }

  private final IncidentType type;
  private final UnaryOperator<ReportBuilder> fault;
  private final UnaryOperator<ReportBuilder> notReported;

  public NotReportedMetricsTest(
      String metric,
      IncidentType type,
      UnaryOperator<ReportBuilder> fault,
      UnaryOperator<ReportBuilder> notReported) {
    this.type = type;
    this.fault = fault;
    this.notReported = notReported;
  }

  @Test
  public void anOpenIncidentStaysOpenWhileItsMetricIsNotReported() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.healthy(WARM_UP);
    server.reports(3, fault);
    assertThat(server.isOpen(type), is(true));
    assertThat(server.reports(40, notReported), is(empty()));
    assertThat(server.isOpen(type), is(true));
  }

  @Test
  public void aMetricThatIsNotReportedOpensNothingAndIsNotLearnt() {
    ServerHealthDriver server = new ServerHealthDriver();
    server.healthy(WARM_UP);
    ServerWindow before = server.window();
    assertThat(server.reports(40, notReported), is(empty()));
    assertThat(server.status().open().keySet(), is(empty()));
    for (Feature feature : Feature.values()) {
      assertThat(
          feature.name(),
          server.window().baseline(feature, 1).map(RobustStats::median),
          equalTo(
              notReportedFeature(feature)
                  ? before.baseline(feature, 1).map(RobustStats::median)
                  : server.window().baseline(feature, 1).map(RobustStats::median)));
    }
  }

  /** Whether this parameter's metric feeds {@code feature} of the window. */
  private boolean notReportedFeature(Feature feature) {
    return switch (feature) {
      case DISK_OPS -> false;
      case READ_LATENCY, WRITE_LATENCY -> type == DISK_LATENCY;
      case INLET_TEMPERATURE -> type == THERMAL;
      case INPUT_POWER -> type == POWER_ANOMALY;
    };
  }
}

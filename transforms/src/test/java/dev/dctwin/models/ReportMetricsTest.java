package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerMetricReport;
import java.util.Map;
import java.util.SortedMap;
import org.junit.Test;

public class ReportMetricsTest {
  @Test
  public void aMetricThatIsNotReportedIsAbsentNotZero() {
    double nan = Double.NaN;
    ServerMetricReport report =
        new ServerMetricReport(
            "s1",
            SampleMessages.T0,
            new CpuMetrics(60, 30, nan, nan, nan, nan, nan, 10),
            null,
            null,
            null,
            null,
            null,
            Map.of("node_load1", 1.5));
    SortedMap<String, Double> metrics = ReportMetrics.flatten(report);
    assertThat(metrics, hasEntry("cpu.idle", 60.0));
    assertThat(metrics, hasEntry("cpu.ioWait", 10.0));
    assertThat(metrics, not(hasKey("cpu.system")));
    assertThat(metrics, not(hasKey("memory.used")));
    assertThat(metrics.keySet().size(), equalTo(4));
  }
}

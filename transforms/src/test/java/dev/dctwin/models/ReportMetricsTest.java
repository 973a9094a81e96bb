package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasEntry;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;

import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerMetricReport;
import java.util.Arrays;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
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

  /**
   * The gauges merge with the typed fields in name order, before, between and after them; a gauge
   * with a typed field's name replaces it unless the gauge is NaN, as when a map took the typed
   * fields first and then the gauges.
   */
  @Test
  public void gaugesMergeInNameOrderAndReplaceATypedFieldUnlessNaN() {
    double nan = Double.NaN;
    SortedMap<String, Double> gauges = new TreeMap<>();
    gauges.put("a", 1.0);
    gauges.put("cpu.idle", 2.0);
    gauges.put("cpu.ioWait", nan);
    gauges.put("cpu.system", nan);
    gauges.put("cpu.zzz", Double.POSITIVE_INFINITY);
    gauges.put("memory", 3.0);
    gauges.put("zzz", 4.0);
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
            gauges);
    ReportMetrics.Sorted sorted = ReportMetrics.sorted(report);
    assertThat(
        Arrays.asList(sorted.names()).subList(0, sorted.size()),
        contains("a", "cpu.idle", "cpu.ioWait", "cpu.user", "cpu.zzz", "memory", "zzz"));
    assertThat(
        Arrays.stream(sorted.values(), 0, sorted.size()).boxed().toList(),
        contains(1.0, 2.0, 10.0, 30.0, Double.POSITIVE_INFINITY, 3.0, 4.0));
  }
}

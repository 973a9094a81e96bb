package dev.dctwin.models.agents;

import static dev.dctwin.models.agents.AssemblyDriver.T0;
import static dev.dctwin.models.agents.AssemblyDriver.counter;
import static dev.dctwin.models.agents.AssemblyDriver.delta;
import static dev.dctwin.models.agents.AssemblyDriver.gauge;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.ServerTwin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;

public class ReportAssemblerTest {
  private static final long S = 1_000;
  private static final Map<String, String> ETH0 = Map.of("device", "eth0");
  private static final Map<String, String> ETH1 = Map.of("device", "eth1");

  @Test
  public void countersBecomeRatesPerSecondSummedOverDevices() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(
            counter("network.octetsIn", ETH0, 1e9, T0 + 1 * S),
            counter("network.octetsIn", ETH1, 5e8, T0 + 1 * S))
        .add(
            counter("network.octetsIn", ETH0, 1e9 + 2e6, T0 + 11 * S),
            counter("network.octetsIn", ETH1, 5e8 + 1e6, T0 + 11 * S))
        .advanceTo(T0 + 60 * S);

    // The first interval holds the first samples only: no rate, no report.
    assertThat(host.reports, hasSize(1));
    ServerMetricReport report = host.last();
    assertThat(report.serverId(), equalTo("node-1"));
    assertThat(report.eventTime(), equalTo(T0 + 20 * S));
    assertThat(report.network().octetsIn(), closeTo(300_000, 1e-6));
    assertThat(Double.isNaN(report.network().octetsOut()), is(true));
    assertThat(report.cpu(), nullValue());
    assertThat(report.gauges().isEmpty(), is(true));
  }

  @Test
  public void cpuTimeBecomesSharesOfAllCores() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    for (int i = 0; i <= 1; i++) {
      long time = T0 + (1 + 10 * i) * S;
      List<MetricSample> samples = new ArrayList<>();
      for (String cpu : List.of("0", "1")) {
        samples.add(counter("cpu.time", Map.of("cpu", cpu, "state", "idle"), 1e6 + i * 800, time));
        samples.add(counter("cpu.time", Map.of("cpu", cpu, "state", "user"), 2e5 + i * 150, time));
        samples.add(counter("cpu.time", Map.of("cpu", cpu, "state", "system"), 1e5 + i * 50, time));
      }
      host.add(new AgentSamples("node-1", time, samples));
    }
    host.advanceTo(T0 + 60 * S);

    CpuMetrics cpu = host.last().cpu();
    assertThat(cpu.idle(), closeTo(80, 1e-9));
    assertThat(cpu.user(), closeTo(15, 1e-9));
    assertThat(cpu.system(), closeTo(5, 1e-9));
    assertThat("not reported", Double.isNaN(cpu.steal()), is(true));
    assertThat(cpu.busy(), closeTo(20, 1e-9));
  }

  @Test
  public void aCounterResetCountsFromZeroWithoutASpike() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    // A 64-bit counter in the range where a 32-bit one would wrap, then an agent restart.
    host.add(counter("network.octetsIn", ETH0, 3.9e9, T0 + 1 * S))
        .add(counter("network.octetsIn", ETH0, 3.9e9 + 10_000, T0 + 11 * S))
        .add(counter("network.octetsIn", ETH0, 500, T0 + 21 * S))
        .advanceTo(T0 + 60 * S);

    assertThat(host.reports, hasSize(2));
    assertThat(host.reports.get(0).network().octetsIn(), closeTo(1_000, 1e-9));
    assertThat("the increase since the reset", host.last().network().octetsIn(), closeTo(50, 1e-9));
    assertThat(host.total(AssemblyStep.Counts::resets), is(1));
    assertThat(host.total(AssemblyStep.Counts::wraps), is(0));
  }

  @Test
  public void aCounterThatWrapsAround32BitsKeepsItsRate() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    double top = 0x1p32;
    host.add(counter("network.packetsIn", ETH0, top - 15_000, T0 + 1 * S))
        .add(counter("network.packetsIn", ETH0, top - 5_000, T0 + 11 * S))
        .add(counter("network.packetsIn", ETH0, 5_000, T0 + 21 * S))
        .advanceTo(T0 + 60 * S);

    assertThat(host.reports, hasSize(2));
    assertThat(host.last().network().packetsIn(), closeTo(1_000, 1e-6));
    assertThat(host.total(AssemblyStep.Counts::wraps), is(1));
  }

  @Test
  public void aGapLongerThanTheLimitGivesNoRate() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(counter("network.octetsIn", ETH0, 1_000, T0 + 1 * S))
        .add(counter("network.octetsIn", ETH0, 1e9, T0 + 201 * S))
        .add(counter("network.octetsIn", ETH0, 1e9 + 1_000, T0 + 211 * S))
        .advanceTo(T0 + 300 * S);

    assertThat(host.reports, hasSize(1));
    assertThat(host.last().eventTime(), equalTo(T0 + 220 * S));
    assertThat(host.last().network().octetsIn(), closeTo(100, 1e-9));
    assertThat(host.total(AssemblyStep.Counts::gaps), is(1));
  }

  @Test
  public void deltasBecomeARateOverTheInterval() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(delta("http_requests", Map.of("code", "200"), 30, T0 + 2 * S))
        .add(delta("http_requests", Map.of("code", "200"), 20, T0 + 7 * S))
        .advanceTo(T0 + 60 * S);

    assertThat(host.last().gauges(), equalTo(Map.of("http_requests{code=\"200\"}", 5.0)));
  }

  @Test
  public void aDuplicateDeliveryCountsOnce() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    AgentSamples first =
        new AgentSamples(
            "node-1",
            T0 + 2 * S,
            List.of(
                delta("http_requests", Map.of(), 30, T0 + 2 * S),
                counter("disk.opsRead", Map.of("device", "sda"), 100, T0 + 2 * S)));
    AgentSamples second =
        new AgentSamples(
            "node-1",
            T0 + 12 * S,
            List.of(
                delta("http_requests", Map.of(), 40, T0 + 12 * S),
                counter("disk.opsRead", Map.of("device", "sda"), 600, T0 + 12 * S)));
    host.add(first).add(first).advanceTo(T0 + 10 * S).add(second).add(first).add(second);
    host.advanceTo(T0 + 60 * S);

    assertThat(host.reports, hasSize(2));
    assertThat(host.reports.get(0).gauges().get("http_requests"), closeTo(3, 1e-9));
    assertThat(host.reports.get(1).gauges().get("http_requests"), closeTo(4, 1e-9));
    assertThat(host.reports.get(1).disk().opsRead(), closeTo(50, 1e-9));
  }

  @Test
  public void everyOtherSeriesIsANamedGaugeWithSortedEscapedLabels() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(
            gauge(
                "node_filesystem_avail_bytes",
                Map.of("mountpoint", "/", "fstype", "ext4"),
                4.2e10,
                T0 + S),
            gauge("node_load1", Map.of(), 1.5, T0 + S),
            gauge("odd", Map.of("path", "C:\\a \"b\"\nc"), 1, T0 + S),
            gauge("cpu.time", Map.of("state", "guest"), 3, T0 + S))
        .advanceTo(T0 + 60 * S);

    assertThat(
        host.last().gauges().keySet(),
        contains(
            "cpu.time{state=\"guest\"}",
            "node_filesystem_avail_bytes{fstype=\"ext4\",mountpoint=\"/\"}",
            "node_load1",
            "odd{path=\"C:\\\\a \\\"b\\\"\\nc\"}"));
    assertThat(host.last().cpu(), nullValue());
  }

  @Test
  public void gaugesBeyondTheLimitAreOneDeadLetter() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    List<MetricSample> samples = new ArrayList<>();
    for (int i = 0; i < 1_005; i++) {
      samples.add(gauge(String.format("m%04d", i), Map.of(), i, T0 + S));
    }
    host.add(new AgentSamples("node-1", T0 + S, samples)).advanceTo(T0 + 60 * S);

    assertThat(host.last().gauges().size(), is(1_000));
    assertThat(host.last().gauges().containsKey("m0999"), is(true));
    assertThat(host.last().gauges().containsKey("m1000"), is(false));
    assertThat(host.rejected, hasSize(1));
    AssemblyStep.Rejected dropped = host.rejected.get(0);
    assertThat(dropped.reason(), is(DeadLetterReason.TOO_MANY_METRICS));
    assertThat(dropped.detail(), containsString("5 gauges of host node-1"));
    assertThat(((AgentSamples) dropped.payload()).samples(), hasSize(5));
  }

  @Test
  public void aLateSampleGoesIntoTheNextReportOrIsADeadLetter() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(gauge("node_load1", Map.of(), 1, T0 + 1 * S))
        .add(gauge("node_load1", Map.of(), 2, T0 + 51 * S))
        .advanceTo(T0 + 60 * S);
    assertThat(host.reports, hasSize(2));

    // Its interval (ending at +50 s) was reported; the last report ended at +60 s.
    host.add(gauge("late_gauge", Map.of(), 7, T0 + 45 * S)).advanceTo(T0 + 65 * S);
    assertThat("held for the next report", host.reports, hasSize(2));
    host.advanceTo(T0 + 70 * S);
    assertThat(host.reports, hasSize(3));
    assertThat(host.last().eventTime(), equalTo(T0 + 70 * S));
    assertThat(host.last().gauges(), equalTo(Map.of("late_gauge", 7.0)));
    assertThat(host.total(AssemblyStep.Counts::lateMerged), is(1));

    // More than 3 intervals before the last report (ending at +70 s): a dead letter.
    MetricSample tooLate = gauge("late_gauge", Map.of(), 8, T0 + 35 * S);
    host.add(tooLate).advanceTo(T0 + 100 * S);
    assertThat(host.reports, hasSize(3));
    assertThat(host.rejected, hasSize(1));
    assertThat(host.rejected.get(0).reason(), is(DeadLetterReason.LATE_SAMPLE));
    assertThat(((AgentSamples) host.rejected.get(0).payload()).samples(), contains(tooLate));
  }

  @Test
  public void aCommissioningNamesTheServerOfItsHostInReportsFromItsEventTime() {
    AssemblyDriver host = new AssemblyDriver("node-1.example");
    host.add(gauge("node_load1", Map.of(), 1, T0 + 1 * S))
        .add(new CommissionServer("dc1-r01-s01", "dc1-r01", "dc1", T0 + 15 * S, "node-1.example"))
        .add(gauge("node_load1", Map.of(), 2, T0 + 11 * S))
        .add(gauge("node_load1", Map.of(), 3, T0 + 21 * S))
        .advanceTo(T0 + 60 * S);

    assertThat(
        host.reports.stream().map(ServerMetricReport::serverId).toList(),
        contains("node-1.example", "dc1-r01-s01", "dc1-r01-s01"));
    assertThat(host.state().serverId(), equalTo("dc1-r01-s01"));
  }

  @Test
  public void groupsHoldWhatTheAgentReportsAndDeriveTheRest() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(
            gauge("memory.total", Map.of(), 100e9, T0 + S),
            gauge("memory.free", Map.of(), 30e9, T0 + S),
            gauge("memory.cached", Map.of(), 20e9, T0 + S),
            gauge("cpu.percent", Map.of("state", "idle"), 40, T0 + S),
            gauge("processes.blocked", Map.of(), 2, T0 + S))
        .advanceTo(T0 + 60 * S);

    ServerMetricReport report = host.last();
    MemoryMetrics memory = report.memory();
    assertThat("total - free - cached", memory.used(), closeTo(50e9, 1));
    assertThat(memory.usedPercent(), closeTo(50, 1e-9));
    assertThat(Double.isNaN(memory.buffered()), is(true));
    assertThat(Double.isNaN(memory.correctedErrors()), is(true));
    assertThat(report.cpu().busy(), closeTo(60, 1e-9));
    assertThat(Double.isNaN(report.cpu().user()), is(true));
    assertThat(report.processes().blocked(), is(2.0));
    assertThat(Double.isNaN(report.processes().running()), is(true));
    assertThat(report.network(), nullValue());
  }

  @Test
  public void diskTimePerOperationComesFromCumulativeTimeAndOperations() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    Map<String, String> sda = Map.of("device", "sda");
    host.add(
            counter("disk.readTimeTotal", sda, 1_000, T0 + S),
            counter("disk.opsRead", sda, 500, T0 + S),
            counter("memory.correctedErrors", Map.of(), 7, T0 + S))
        .add(
            counter("disk.readTimeTotal", sda, 1_400, T0 + 11 * S),
            counter("disk.opsRead", sda, 700, T0 + 11 * S),
            counter("memory.correctedErrors", Map.of(), 10, T0 + 11 * S))
        .advanceTo(T0 + 60 * S);

    assertThat(host.last().disk().timeRead(), closeTo(2.0, 1e-9));
    assertThat(host.last().disk().opsRead(), closeTo(20, 1e-9));
    assertThat(Double.isNaN(host.last().disk().timeWrite()), is(true));
    assertThat("a count, not a rate", host.last().memory().correctedErrors(), is(3.0));
  }

  @Test
  public void seriesAreForgottenAfterTheirTtlAndAnIdleHostLeavesNoState() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(counter("network.octetsIn", ETH0, 1_000, T0 + S)).advanceTo(T0 + 10 * S);
    assertThat(host.state().series().keySet(), contains("network.octetsIn{device=\"eth0\"}"));
    assertThat("a flush when the last report expires", host.wakeUpAt(), equalTo(T0 + 310 * S));

    host.advanceTo(T0 + 400 * S);
    assertThat(host.stateCleared(), is(true));

    AssemblyDriver mapped = new AssemblyDriver("node-2");
    mapped
        .add(new CommissionServer("s2", "r1", "dc1", T0, "node-2"))
        .add(counter("network.octetsIn", ETH0, 1_000, T0 + S))
        .advanceTo(T0 + 400 * S);
    assertThat("the mapping stays", mapped.state().serverId(), equalTo("s2"));
    assertThat(mapped.state().series().isEmpty(), is(true));
    assertThat(
        "a flush when the mapping expires, 7 days after the host's last interval",
        mapped.wakeUpAt(),
        equalTo(T0 + 10 * S + ServerTwin.DEFAULT_GONE_AFTER_MS));
    mapped.advanceTo(T0 + 10 * S + ServerTwin.DEFAULT_GONE_AFTER_MS);
    assertThat(mapped.stateCleared(), is(true));
    assertThat(mapped.wakeUpAt(), equalTo(Long.MAX_VALUE));
  }

  /**
   * A decommissioning of the host's server ends the mapping: the report of an interval that ends at
   * the decommissioning still goes to the server (the server twin takes it before the
   * decommissioning), a later one to the host name; and the host's state goes with its series.
   */
  @Test
  public void aDecommissioningOfItsServerEndsTheHostsMapping() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(new CommissionServer("s1", "r1", "dc1", T0, "node-1"))
        .add(gauge("node_load1", Map.of(), 1, T0 + 1 * S))
        .add(gauge("node_load1", Map.of(), 2, T0 + 11 * S))
        .add(new DecommissionServer("s1", "r1", "dc1", T0 + 20 * S, "node-1"))
        .add(gauge("node_load1", Map.of(), 3, T0 + 21 * S))
        .advanceTo(T0 + 30 * S);

    assertThat(
        host.reports.stream().map(r -> r.serverId() + "@" + (r.eventTime() - T0) / S).toList(),
        contains("s1@10", "s1@20", "node-1@30"));
    assertThat(host.state().serverId(), nullValue());
    assertThat(host.state().mappingSeen(), nullValue());

    host.advanceTo(T0 + 400 * S);
    assertThat(host.stateCleared(), is(true));
    assertThat(host.wakeUpAt(), equalTo(Long.MAX_VALUE));
  }

  /** A host commissioned again for another server is not unmapped by the old server's end. */
  @Test
  public void aDecommissioningOfAnotherServerLeavesTheMapping() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(new CommissionServer("s1", "r1", "dc1", T0, "node-1"))
        .add(new CommissionServer("s2", "r1", "dc1", T0 + 5 * S, "node-1"))
        .add(new DecommissionServer("s1", "r1", "dc1", T0 + 6 * S, "node-1"))
        .add(gauge("node_load1", Map.of(), 1, T0 + 7 * S))
        .advanceTo(T0 + 10 * S);
    assertThat(host.last().serverId(), equalTo("s2"));
    assertThat(host.state().serverId(), equalTo("s2"));
  }

  /**
   * At the same time, a commissioning comes before a decommissioning, as in the server twin: a
   * server commissioned and decommissioned at once leaves no mapping.
   */
  @Test
  public void aCommissioningAndADecommissioningAtOnceLeaveNoMapping() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(new DecommissionServer("s1", "r1", "dc1", T0, "node-1"))
        .add(new CommissionServer("s1", "r1", "dc1", T0, "node-1"))
        .advanceTo(T0);
    assertThat(host.stateCleared(), is(true));
    assertThat(host.wakeUpAt(), equalTo(Long.MAX_VALUE));
  }

  /**
   * The mapping is kept for its TTL after the commissioning or the end of the host's latest
   * interval with samples, whichever is later; then it is forgotten, and the host's next report
   * carries the host name. A report at the moment of expiry is already after it, as the server
   * twin, which forgets the server at the same moment, would take it.
   */
  @Test
  public void theMappingIsForgottenATtlAfterItsCommissioningOrItsLatestSamples() {
    long ttl = 100 * S;
    AssemblyDriver host = new AssemblyDriver("node-1", AssemblyConfig.defaults(), ttl);
    host.add(new CommissionServer("s1", "r1", "dc1", T0, "node-1")).advanceTo(T0);
    assertThat(host.state().mappingSeen(), equalTo(T0));
    assertThat(host.wakeUpAt(), equalTo(T0 + ttl));

    host.add(gauge("load", Map.of(), 1, T0 + 55 * S))
        .add(gauge("load", Map.of(), 2, T0 + 145 * S))
        .advanceTo(T0 + 150 * S);
    assertThat("refreshed by the samples", host.state().mappingSeen(), equalTo(T0 + 150 * S));
    assertThat(host.wakeUpAt(), equalTo(T0 + 150 * S + ttl));

    host.add(gauge("load", Map.of(), 3, T0 + 245 * S)).advanceTo(T0 + 250 * S);
    assertThat(
        host.reports.stream().map(r -> r.serverId() + "@" + (r.eventTime() - T0) / S).toList(),
        contains("s1@60", "s1@150", "node-1@250"));
    assertThat(host.state().serverId(), nullValue());

    AssemblyDriver silent = new AssemblyDriver("node-2", AssemblyConfig.defaults(), ttl);
    silent.add(new CommissionServer("s2", "r1", "dc1", T0, "node-2")).advanceTo(T0 + ttl - 1);
    assertThat(silent.state().serverId(), equalTo("s2"));
    silent.advanceTo(T0 + ttl);
    assertThat("a host that never reports leaves nothing", silent.stateCleared(), is(true));
    assertThat(silent.wakeUpAt(), equalTo(Long.MAX_VALUE));
  }

  /** A mapping of version 1, which had no TTL, counts it from the first flush after the upgrade. */
  @Test
  public void aMappingOfVersion1CountsItsTtlFromTheNextFlush() {
    ReportAssembler assembler = new ReportAssembler(AssemblyConfig.defaults(), 100 * S);
    AssemblyStep step =
        assembler.flush(
            "node-1",
            new AssemblerState("s1", AssemblerState.NONE, Map.of(), null),
            List.of(),
            T0 + 5 * S);
    assertThat(step.state().serverId(), equalTo("s1"));
    assertThat(step.state().mappingSeen(), equalTo(T0 + 5 * S));
    assertThat(step.wakeUpAt().getAsLong(), equalTo(T0 + 105 * S));
  }

  @Test
  public void samplesWithoutAFiniteValueAreCountedNotReported() {
    AssemblyDriver host = new AssemblyDriver("node-1");
    host.add(gauge("up", Map.of(), Double.NaN, T0 + S), gauge("load", Map.of(), 1, T0 + S))
        .advanceTo(T0 + 60 * S);
    assertThat(host.last().gauges(), equalTo(Map.of("load", 1.0)));
    assertThat(host.total(AssemblyStep.Counts::notFinite), is(1));
    assertThat(host.rejected, is(empty()));
  }
}

package dev.dctwin.models;

import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * One server's reports every 10 s for {@link ServerTwinBenchmark} and {@link ServerTwinCpuTime}:
 * the throughput bench's report (every typed group, sensors attached) with each value a few percent
 * off its level, optionally with 40 named gauges as node_exporter sends, and a twin that has
 * learned from a day and a bit of them (its baseline ready).
 */
final class ServerTwinFeed {
  static final String SERVER = "dc1-r042-s17";
  static final long T0 = 1_790_000_000_000L;
  static final long STEP_MS = 10_000;

  /** Reports until the learned baseline is ready: a day of history (8,640 reports) and some. */
  static final int WARM_UP_REPORTS = 9_000;

  final ServerTwin model = ServerTwin.withDefaults();
  private final SplittableRandom random = new SplittableRandom(22);
  private final int gauges;
  ServerTwinState state;
  private long time = T0;

  /** A commissioned twin that has learned from {@link #WARM_UP_REPORTS} reports. */
  ServerTwinFeed(int gauges) {
    this.gauges = gauges;
    state =
        model
            .onMessage(
                ServerTwinState.notCommissioned(),
                new CommissionServer(SERVER, "dc1-r042", "dc1", T0 - STEP_MS))
            .state();
    for (int i = 0; i < WARM_UP_REPORTS; i++) {
      state = model.onMessage(state, next()).state();
    }
  }

  /** The next report, 10 s after the last one. */
  ServerMetricReport next() {
    TreeMap<String, Double> named = new TreeMap<>();
    for (int i = 0; i < gauges; i++) {
      named.put("node_filesystem_avail_bytes{mountpoint=\"/m" + i + "\"}", v(1.5e9 + i * 1e7));
    }
    time += STEP_MS;
    return new ServerMetricReport(
        SERVER,
        time,
        new CpuMetrics(v(71.5), v(20.0), v(5.0), v(0.5), v(0.3), v(0.7), 0.0, v(2.0)),
        new NetworkMetrics(0.0, 0.0, 0.0, 0.0, v(12_000), v(11_500), v(9.6e6), v(8.1e6)),
        new MemoryMetrics(
            v(96e9), v(60e9), v(90e9), v(2e9), v(8e9), 256e9, v(12e9), v(3e9), v(30e6), 0, 0, 0),
        new DiskMetrics(
            v(120), v(180), v(4), v(30), v(2.1e6), v(8.4e6), v(150), v(420), v(0.8), v(1.6), 0),
        new ProcessMetrics(v(6), v(412), 0, 0, 0, 0),
        new SensorReadings(v(12.1), v(24.5), v(58.0), v(310.0)),
        named);
  }

  /** {@code level} a few percent off, as measurements are. */
  private double v(double level) {
    return level * (1 + 0.03 * random.nextGaussian());
  }
}

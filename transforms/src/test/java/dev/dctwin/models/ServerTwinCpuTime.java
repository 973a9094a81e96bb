package dev.dctwin.models;

import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.testing.CpuRounds;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * CPU microseconds of this thread per metric report of {@link ServerTwinBenchmark}'s twins ({@code
 * typed}, {@code gauges}), in alternating rounds of a CPU-second: unlike JMH's wall clock, this
 * does not grow when other processes share the cores. Only the model is timed; the reports of a
 * batch are built before it.
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.models.ServerTwinCpuTime}.
 */
public final class ServerTwinCpuTime {
  private static final int ROUNDS = 10;
  private static final long ROUND_NANOS = 1_000_000_000L;

  private ServerTwinCpuTime() {}

  public static void main(String[] args) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    ServerTwinFeed[] feeds = {new ServerTwinFeed(0), new ServerTwinFeed(40)};
    double[][] micros = new double[2][ROUNDS];
    ServerMetricReport[] batch = new ServerMetricReport[ServerTwinBenchmark.BATCH];
    long accepted = 0;
    for (int round = -3; round < ROUNDS; round++) {
      for (int variant = 0; variant < 2; variant++) {
        ServerTwinFeed feed = feeds[variant];
        long cpu = 0;
        long reports = 0;
        while (cpu < ROUND_NANOS) {
          for (int i = 0; i < batch.length; i++) {
            batch[i] = feed.next();
          }
          long start = threads.getCurrentThreadCpuTime();
          for (ServerMetricReport report : batch) {
            ServerTwinDecision decision = feed.model.onMessage(feed.state, report);
            feed.state = decision.state();
            accepted += decision.reportAccepted() ? 1 : 0;
          }
          cpu += threads.getCurrentThreadCpuTime() - start;
          reports += batch.length;
        }
        if (round >= 0) {
          micros[variant][round] = cpu / 1e3 / reports;
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "typed %s | gauges %s (%d accepted)%n",
        CpuRounds.summary(micros[0]),
        CpuRounds.summary(micros[1]),
        accepted);
  }
}

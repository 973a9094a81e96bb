package dev.dctwin.models;

import dev.dctwin.codec.agents.AgentFormatsBenchmark;
import dev.dctwin.domain.ServerMetricReport;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server twin's model on one metric report ({@link ServerTwin#onMessage}: the health model and
 * the learned baseline), in microseconds per report, on a twin whose baseline is ready: {@code
 * typed} is the throughput bench's report (45 metrics), {@code gauges} the same with 40 named
 * gauges. The reports of a batch are built before it, untimed; the twin keeps learning from them.
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.models.ServerTwinBenchmark -Dexec.args="-f 3 -wi 3 -i 5"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
public class ServerTwinBenchmark {
  static final int BATCH = 256;

  /** A warmed-up twin and its next batch of reports. */
  @State(Scope.Thread)
  public abstract static class Twin {
    ServerTwinFeed feed;
    final ServerMetricReport[] batch = new ServerMetricReport[BATCH];

    abstract int gauges();

    @Setup(Level.Trial)
    public void warmUp() {
      feed = new ServerTwinFeed(gauges());
    }

    @Setup(Level.Invocation)
    public void nextBatch() {
      for (int i = 0; i < BATCH; i++) {
        batch[i] = feed.next();
      }
    }

    int run() {
      int accepted = 0;
      for (ServerMetricReport report : batch) {
        ServerTwinDecision decision = feed.model.onMessage(feed.state, report);
        feed.state = decision.state();
        accepted += decision.reportAccepted() ? 1 : 0;
      }
      return accepted;
    }
  }

  public static class Typed extends Twin {
    @Override
    int gauges() {
      return 0;
    }
  }

  public static class Gauges extends Twin {
    @Override
    int gauges() {
      return 40;
    }
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int typed(Typed twin) {
    return twin.run();
  }

  @Benchmark
  @OperationsPerInvocation(BATCH)
  public int gauges(Gauges twin) {
    return twin.run();
  }

  public static void main(String[] args) throws Exception {
    AgentFormatsBenchmark.run(ServerTwinBenchmark.class, args);
  }
}

package dev.dctwin.codec;

import dev.dctwin.domain.MessageType;
import dev.dctwin.testing.CpuRounds;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.TreeMap;

/**
 * CPU microseconds of this thread per decoded metric report, through the JSON tree and through
 * {@link WireCodec#decode} (the streaming path), in alternating rounds: unlike JMH's wall clock,
 * this does not grow when other processes share the cores, so it compares the two on a loaded
 * machine (caches and memory bandwidth are still shared).
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.codec.WireCodecCpuTime}.
 */
public final class WireCodecCpuTime {
  private static final int ROUNDS = 10;
  private static final long ROUND_NANOS = 1_000_000_000L;

  private WireCodecCpuTime() {}

  public static void main(String[] args) throws InvalidMessageException {
    WireCodec codec = WireCodec.withDefaults();
    TreeMap<String, Double> named = new TreeMap<>();
    for (int i = 0; i < 40; i++) {
      named.put("node_filesystem_avail_bytes_" + i, 1.5e9 + i);
    }
    measure("typed", codec, codec.encode(WireCodecBenchmark.report(new TreeMap<>())));
    measure("gauges", codec, codec.encode(WireCodecBenchmark.report(named)));
  }

  private static void measure(String name, WireCodec codec, byte[] payload)
      throws InvalidMessageException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[] tree = new double[ROUNDS];
    double[] streaming = new double[ROUNDS];
    long sink = 0;
    for (int round = -3; round < ROUNDS; round++) {
      for (int variant = 0; variant < 2; variant++) {
        long start = threads.getCurrentThreadCpuTime();
        long decoded = 0;
        while (threads.getCurrentThreadCpuTime() - start < ROUND_NANOS) {
          for (int i = 0; i < 1_000; i++) {
            sink +=
                variant == 0
                    ? codec.decodeTree(payload, MessageType.METRICS).hashCode()
                    : codec.decode(payload, MessageType.METRICS).hashCode();
          }
          decoded += 1_000;
        }
        double micros = (threads.getCurrentThreadCpuTime() - start) / 1e3 / decoded;
        if (round >= 0) {
          (variant == 0 ? tree : streaming)[round] = micros;
        }
      }
    }
    System.out.printf(
        Locale.ROOT,
        "%-7s tree %s | streaming %s (%d)%n",
        name,
        CpuRounds.summary(tree),
        CpuRounds.summary(streaming),
        sink % 10);
  }
}

package dev.dctwin.codec.agents;

import dev.dctwin.codec.InvalidMessageException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

/**
 * Samples decoded per second of this thread's CPU time, per payload shape of {@link
 * AgentFormatsBenchmark}: a figure that, unlike JMH's wall-clock throughput, does not fall when
 * other processes share the cores (caches and memory bandwidth still do).
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.codec.agents.AgentDecodeCpuTime -Dexec.args="collectd"}.
 */
public final class AgentDecodeCpuTime {
  private AgentDecodeCpuTime() {}

  public static void main(String[] args) throws InvalidMessageException {
    String only = args.length > 0 ? args[0].toLowerCase(Locale.ROOT) : "";
    for (AgentFormatsBenchmark.Shape shape : AgentFormatsBenchmark.Shape.values()) {
      if (shape.name().toLowerCase(Locale.ROOT).contains(only)) {
        measure(
            shape.name(),
            AgentFormats.byName(shape.format()),
            AgentFormatsBenchmark.checked(shape));
      }
    }
  }

  private static void measure(String shape, AgentFormat format, byte[][] batch)
      throws InvalidMessageException {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sink = 0;
    // Warm-up, then five rounds of about two CPU-seconds each.
    for (long end = threads.getCurrentThreadCpuTime() + 5_000_000_000L;
        threads.getCurrentThreadCpuTime() < end; ) {
      sink += decodeAll(format, batch);
    }
    double best = 0;
    StringBuilder rounds = new StringBuilder();
    for (int round = 0; round < 5; round++) {
      long start = threads.getCurrentThreadCpuTime();
      long samples = 0;
      while (threads.getCurrentThreadCpuTime() - start < 2_000_000_000L) {
        sink += decodeAll(format, batch);
        samples += AgentFormatsBenchmark.SAMPLES;
      }
      double perSecond = samples / ((threads.getCurrentThreadCpuTime() - start) / 1e9);
      best = Math.max(best, perSecond);
      rounds.append(String.format(Locale.ROOT, " %.0f", perSecond));
    }
    System.out.printf(
        Locale.ROOT,
        "%-28s best %,12.0f samples per CPU-second; rounds:%s (%d)%n",
        shape,
        best,
        rounds,
        sink % 10);
  }

  private static int decodeAll(AgentFormat format, byte[][] payloads)
      throws InvalidMessageException {
    int hosts = 0;
    for (byte[] payload : payloads) {
      hosts += format.decode(payload).size();
    }
    return hosts;
  }
}

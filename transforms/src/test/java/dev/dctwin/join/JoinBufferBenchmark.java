package dev.dctwin.join;

import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Joined pairs per second of {@link JoinBuffer} on one core, over one million records with
 * increasing times, the two sides strictly alternating or in blocks of five. The score of each
 * benchmark is in pairs per second.
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.join.JoinBufferBenchmark}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
@State(Scope.Benchmark)
public class JoinBufferBenchmark {
  private static final int RECORDS = 1_000_000;
  private static final int BLOCK = 5;
  private static final int ALTERNATING_PAIRS = RECORDS - 1;

  /**
   * Between two neighbouring blocks: each record of the first with the head of the second, each of
   * the second with the tail of the first, the tail-head pair counted once.
   */
  private static final int BLOCK_PAIRS = (2 * BLOCK - 1) * (RECORDS / BLOCK - 1);

  private final boolean[] alternatingIsLeft = new boolean[RECORDS];
  private final boolean[] blocksIsLeft = new boolean[RECORDS];
  private final Double[] values = new Double[RECORDS];

  @Setup
  public void setUp() {
    for (int i = 0; i < RECORDS; i++) {
      alternatingIsLeft[i] = i % 2 == 0;
      blocksIsLeft[i] = (i / BLOCK) % 2 == 0;
      values[i] = (double) i;
    }
  }

  @Benchmark
  @OperationsPerInvocation(ALTERNATING_PAIRS)
  public long alternating() {
    return join(alternatingIsLeft, ALTERNATING_PAIRS);
  }

  @Benchmark
  @OperationsPerInvocation(BLOCK_PAIRS)
  public long blocksOfFive() {
    return join(blocksIsLeft, BLOCK_PAIRS);
  }

  private long join(boolean[] isLeft, int expectedPairs) {
    PairCounter counter = new PairCounter();
    JoinBuffer<Double> buffer = new JoinBuffer<>(null);
    for (int i = 0; i < RECORDS; i++) {
      if (isLeft[i]) {
        buffer.addLeft(i, values[i], counter);
      } else {
        buffer.addRight(i, values[i], counter);
      }
    }
    buffer.finish(counter);
    if (counter.pairs != expectedPairs) {
      throw new IllegalStateException(counter.pairs + " pairs, expected " + expectedPairs);
    }
    return counter.checksum;
  }

  /** Touches both entries of each pair, as a real sink would. */
  private static final class PairCounter implements JoinBuffer.PairSink<Double> {
    long pairs;
    long checksum;

    @Override
    public void pair(JoinBuffer.Entry<Double> left, JoinBuffer.Entry<Double> right) {
      pairs++;
      checksum += left.seq() ^ right.seq();
    }
  }

  public static void main(String[] args) throws RunnerException {
    // exec:java loads the test classpath into a class loader of its own; the forked JVM gets its
    // classpath from java.class.path, so hand that class loader's entries over.
    if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
      String classPath =
          Stream.of(loader.getURLs())
              .map(JoinBufferBenchmark::toPath)
              .collect(Collectors.joining(System.getProperty("path.separator")));
      System.setProperty("java.class.path", classPath);
    }
    new Runner(
            new OptionsBuilder()
                .include(JoinBufferBenchmark.class.getSimpleName())
                .forks(1)
                .warmupIterations(3)
                .measurementIterations(5)
                .build())
        .run();
  }

  private static String toPath(URL url) {
    try {
      return Path.of(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}

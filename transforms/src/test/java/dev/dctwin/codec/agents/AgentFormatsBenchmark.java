package dev.dctwin.codec.agents;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
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
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Samples decoded per second on one core, per agent format (goal: at least one million for collectd
 * and OTLP/protobuf). Each invocation decodes payloads that hold {@value #SAMPLES} samples in all,
 * the shapes agents send: collectd as write_http batches of value lists and as write_kafka messages
 * of one value list, Telegraf batches, OTLP requests of host metrics, Prometheus remote write
 * requests and prometheus-kafka-adapter messages of one sample. The score is samples per second.
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.codec.agents.AgentFormatsBenchmark -Dexec.args="collectd -f 1 -wi 2
 * -i 3"} (JMH's options; the first argument picks benchmarks by a regular expression).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class AgentFormatsBenchmark {
  static final int SAMPLES = 10_000;

  /** The payloads of each benchmark: which format, made how. */
  enum Shape {
    COLLECTD_WRITE_HTTP("collectd", AgentPayloads::collectdBatches),
    COLLECTD_WRITE_KAFKA("collectd", AgentPayloads::collectdValueLists),
    TELEGRAF("telegraf", AgentPayloads::telegrafBatches),
    OTLP_PROTO("otlp-proto", AgentPayloads::otlpProto),
    OTLP_JSON("otlp-json", AgentPayloads::otlpJson),
    PROMETHEUS_REMOTE_WRITE("prometheus-remote-write", AgentPayloads::prometheusRemoteWrite),
    PROMETHEUS_JSON("prometheus-json", AgentPayloads::prometheusJson);

    private final String format;
    final IntFunction<List<byte[]>> payloads;

    Shape(String format, IntFunction<List<byte[]>> payloads) {
      this.format = format;
      this.payloads = payloads;
    }

    String format() {
      return format;
    }
  }

  private byte[][] collectdBatches;
  private byte[][] collectdValueLists;
  private byte[][] telegraf;
  private byte[][] otlpProto;
  private byte[][] otlpJson;
  private byte[][] prometheusRemoteWrite;
  private byte[][] prometheusJson;

  @Setup
  public void setUp() throws InvalidMessageException {
    collectdBatches = checked(Shape.COLLECTD_WRITE_HTTP);
    collectdValueLists = checked(Shape.COLLECTD_WRITE_KAFKA);
    telegraf = checked(Shape.TELEGRAF);
    otlpProto = checked(Shape.OTLP_PROTO);
    otlpJson = checked(Shape.OTLP_JSON);
    prometheusRemoteWrite = checked(Shape.PROMETHEUS_REMOTE_WRITE);
    prometheusJson = checked(Shape.PROMETHEUS_JSON);
  }

  /** The payloads, after checking that they decode to {@link #SAMPLES} samples in all. */
  static byte[][] checked(Shape shape) throws InvalidMessageException {
    return checked(shape, SAMPLES);
  }

  static byte[][] checked(Shape shape, int count) throws InvalidMessageException {
    AgentFormat decoder = AgentFormats.byName(shape.format());
    List<byte[]> payloads = shape.payloads.apply(count);
    int samples = 0;
    for (byte[] payload : payloads) {
      for (AgentSamples host : decoder.decode(payload)) {
        samples += host.samples().size();
      }
    }
    if (samples != count) {
      throw new IllegalStateException(shape + " payloads hold " + samples + " samples");
    }
    return payloads.toArray(new byte[0][]);
  }

  private static int decodeAll(AgentFormat format, byte[][] payloads)
      throws InvalidMessageException {
    int hosts = 0;
    for (byte[] payload : payloads) {
      hosts += format.decode(payload).size();
    }
    return hosts;
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int collectdWriteHttp() throws InvalidMessageException {
    return decodeAll(AgentFormats.byName("collectd"), collectdBatches);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int collectdWriteKafka() throws InvalidMessageException {
    return decodeAll(AgentFormats.byName("collectd"), collectdValueLists);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int telegraf() throws InvalidMessageException {
    return decodeAll(AgentFormats.byName("telegraf"), telegraf);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int otlpProto() throws InvalidMessageException {
    return decodeAll(AgentFormats.byName("otlp-proto"), otlpProto);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int otlpJson() throws InvalidMessageException {
    return decodeAll(AgentFormats.byName("otlp-json"), otlpJson);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int prometheusRemoteWrite() throws InvalidMessageException {
    return decodeAll(AgentFormats.byName("prometheus-remote-write"), prometheusRemoteWrite);
  }

  @Benchmark
  @OperationsPerInvocation(SAMPLES)
  public int prometheusJson() throws InvalidMessageException {
    return decodeAll(AgentFormats.byName("prometheus-json"), prometheusJson);
  }

  public static void main(String[] args) throws RunnerException, Exception {
    run(AgentFormatsBenchmark.class, args);
  }

  /**
   * Runs the JMH benchmarks of {@code benchmarks} under {@code exec:java}: JMH's options, and the
   * first argument picks benchmarks by a regular expression.
   */
  public static void run(Class<?> benchmarks, String[] args) throws RunnerException, Exception {
    // exec:java loads the test classpath into a class loader of its own; the forked JVM gets its
    // classpath from java.class.path, so hand that class loader's entries over.
    if (Thread.currentThread().getContextClassLoader() instanceof URLClassLoader loader) {
      String classPath =
          Stream.of(loader.getURLs())
              .map(AgentFormatsBenchmark::toPath)
              .collect(Collectors.joining(System.getProperty("path.separator")));
      System.setProperty("java.class.path", classPath);
    }
    CommandLineOptions options = new CommandLineOptions(args);
    OptionsBuilder builder = new OptionsBuilder();
    if (options.getIncludes().isEmpty()) {
      builder.include(benchmarks.getSimpleName());
    } else {
      for (String include : options.getIncludes()) {
        builder.include("(?i)" + benchmarks.getSimpleName() + "\\..*" + include);
      }
    }
    new Runner(builder.parent(options).build()).run();
  }

  private static String toPath(URL url) {
    try {
      return Path.of(url.toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}

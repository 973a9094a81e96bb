package dev.dctwin.simulator.bench;

import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.JoinInputs;
import dev.dctwin.join.OrderedTimeSeriesJoin;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import dev.dctwin.join.OrderedTimeSeriesJoin.Side;
import dev.dctwin.pipeline.join.Counters;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.coders.DoubleCoder;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.options.StreamingOptions;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Instant;

/**
 * Throughput of {@link OrderedTimeSeriesJoin} on a Beam runner: joins generated series (one million
 * records by default, spread over keys, times increasing, each series in order) with the two sides
 * strictly alternating or in blocks of five, in each mode, and prints records and pairs per second
 * of wall time, pipeline start-up included.
 *
 * <pre>
 * java -cp pipeline/target/dctwin-pipeline.jar dev.dctwin.simulator.bench.JoinBenchmark \
 *     --runner=DirectRunner|FlinkRunner [--records=1000000] [--keys=100] \
 *     [--pattern=all|alternating|blocks] [--mode=all|arrival-order|event-time]
 * </pre>
 *
 * <p>On the FlinkRunner the pipeline runs in streaming mode on an embedded cluster (the join's
 * timers are event-time timers; streaming is how it is tested on Flink).
 */
public final class JoinBenchmark {
  private static final int BLOCK = 5;
  private static final long FIRST_TIME = 1_700_000_000_000L;

  private JoinBenchmark() {}

  /** Flags of the benchmark; runner flags as usual. */
  public interface Options extends PipelineOptions {
    @Description("Records to join in each run, over all keys and both sides.")
    @Default.Integer(1_000_000)
    int getRecords();

    void setRecords(int value);

    @Description("Series keys the records are spread over.")
    @Default.Integer(100)
    int getKeys();

    void setKeys(int value);

    @Description(
        "alternating (LEFT, RIGHT, LEFT, ...), blocks (five LEFT, five RIGHT, ...) or all.")
    @Default.String("all")
    String getPattern();

    void setPattern(String value);

    @Description("arrival-order, event-time or all.")
    @Default.String("all")
    String getMode();

    void setMode(String value);
  }

  /** One run: records joined and pairs out in {@code seconds} of wall time, start-up included. */
  public record Result(
      String runner,
      Pattern pattern,
      Mode mode,
      long records,
      long pairs,
      long expectedPairs,
      long rejected,
      double seconds) {
    public double pairsPerSecond() {
      return pairs / seconds;
    }
  }

  /** How the two sides of a series take turns. */
  public enum Pattern {
    ALTERNATING(1),
    BLOCKS(BLOCK);

    private final int run;

    Pattern(int run) {
      this.run = run;
    }

    boolean isLeft(long index) {
      return (index / run) % 2 == 0;
    }

    /**
     * Pairs of one series of {@code n} records: at each change of side, every record of the run
     * before with the head of the run after, every record of the run after with the tail of the run
     * before, the tail-head pair once.
     */
    long pairs(long n) {
      long pairs = 0;
      long previousRun = 0;
      for (long start = 0; start < n; start += run) {
        long length = Math.min(run, n - start);
        if (previousRun > 0) {
          pairs += previousRun + length - 1;
        }
        previousRun = length;
      }
      return pairs;
    }
  }

  public static void main(String[] args) {
    PipelineOptionsFactory.register(Options.class);
    Options options = PipelineOptionsFactory.fromArgs(args).withValidation().as(Options.class);
    if (options.getRunner() == FlinkRunner.class) {
      options.as(StreamingOptions.class).setStreaming(true);
    }
    for (Pattern pattern : selected(Pattern.values(), options.getPattern())) {
      for (Mode mode : selected(Mode.values(), options.getMode())) {
        run(options, pattern, mode, System.out);
      }
    }
    // The Flink mini cluster leaves non-daemon threads behind.
    System.exit(0);
  }

  public static Result run(Options options, Pattern pattern, Mode mode, PrintStream out) {
    int keys = options.getKeys();
    long perKey = options.getRecords() / keys;
    Pipeline pipeline = Pipeline.create(options);
    List<Integer> keyIndexes = new ArrayList<>();
    for (int k = 0; k < keys; k++) {
      keyIndexes.add(k);
    }
    TupleTag<KV<String, Double>> leftTag = new TupleTag<>() {};
    TupleTag<KV<String, Double>> rightTag = new TupleTag<>() {};
    PCollectionTuple series =
        pipeline
            .apply("Keys", Create.of(keyIndexes))
            .apply(
                "Generate",
                ParDo.of(new GenerateFn(perKey, pattern, leftTag, rightTag))
                    .withOutputTags(leftTag, TupleTagList.of(rightTag)));
    KvCoder<String, Double> coder = KvCoder.of(StringUtf8Coder.of(), DoubleCoder.of());
    PCollection<KV<String, Double>> left = series.get(leftTag).setCoder(coder);
    PCollection<KV<String, Double>> right = series.get(rightTag).setCoder(coder);
    JoinInputs.of(left, right)
        .apply(
            "Join",
            OrderedTimeSeriesJoin.into(TypeDescriptors.doubles())
                .via((String key, Entry<Double> l, Entry<Double> r) -> l.value() * r.value())
                .withMode(mode));

    long start = System.nanoTime();
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    double seconds = (System.nanoTime() - start) / 1e9;

    Counters counters = new Counters(result);
    long records = perKey * keys;
    long pairs = counters.get(OrderedTimeSeriesJoin.class, OrderedTimeSeriesJoin.PAIRS_COUNTER);
    long rejected = counters.deadLetters(OrderedTimeSeriesJoin.class);
    out.printf(
        Locale.ROOT,
        "%s %-11s %-13s %,d records, %,d keys: %,d pairs (expected %,d), %d rejected in %.1f s:"
            + " %,.0f records/s, %,.0f pairs/s%n",
        options.getRunner().getSimpleName(),
        pattern.name().toLowerCase(Locale.ROOT),
        mode.name().toLowerCase(Locale.ROOT).replace('_', '-'),
        records,
        keys,
        pairs,
        pattern.pairs(perKey) * keys,
        rejected,
        seconds,
        records / seconds,
        pairs / seconds);
    return new Result(
        options.getRunner().getSimpleName(),
        pattern,
        mode,
        records,
        pairs,
        pattern.pairs(perKey) * keys,
        rejected,
        seconds);
  }

  private static <E extends Enum<E>> List<E> selected(E[] values, String flag) {
    if (flag.equals("all")) {
      return List.of(values);
    }
    for (E value : values) {
      if (value.name().replace('_', '-').equalsIgnoreCase(flag)) {
        return List.of(value);
      }
    }
    throw new IllegalArgumentException("unknown value '" + flag + "'");
  }

  /** Emits the series of one key in time order, one record per millisecond. */
  private static final class GenerateFn extends DoFn<Integer, KV<String, Double>> {
    private final long perKey;
    private final Pattern pattern;
    private final TupleTag<KV<String, Double>> leftTag;
    private final TupleTag<KV<String, Double>> rightTag;

    GenerateFn(
        long perKey,
        Pattern pattern,
        TupleTag<KV<String, Double>> leftTag,
        TupleTag<KV<String, Double>> rightTag) {
      this.perKey = perKey;
      this.pattern = pattern;
      this.leftTag = leftTag;
      this.rightTag = rightTag;
    }

    @ProcessElement
    public void processElement(@Element Integer keyIndex, MultiOutputReceiver out) {
      String key = "series-" + keyIndex;
      for (long i = 0; i < perKey; i++) {
        Side side = pattern.isLeft(i) ? Side.LEFT : Side.RIGHT;
        out.get(side == Side.LEFT ? leftTag : rightTag)
            .outputWithTimestamp(KV.of(key, (double) i), new Instant(FIRST_TIME + i));
      }
    }
  }
}

package dev.dctwin.pipeline.join;

import dev.dctwin.codec.ParseMessages;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.join.OrderedTimeSeriesJoin;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import dev.dctwin.pipeline.io.ReadJsonLines;
import dev.dctwin.pipeline.io.WriteDeadLetters;
import java.io.PrintStream;
import java.util.Locale;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * {@code dctwin-pipeline.jar join}: the ordered join of two quantities, per thing, in a file of
 * measurements; one JSON line per pair.
 */
public final class JoinCommand {
  private JoinCommand() {}

  /** Flags of {@code dctwin-pipeline.jar join}. */
  public interface Options extends OrderedJoinOptions {
    @Description(
        "File of JSON lines, one measurement each: thing, quantity, phenomenonTime (epoch ms or"
            + " ISO-8601), result; lines without a type are measurements.")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("The quantity of the LEFT series, e.g. vaTorque_C11.")
    @Validation.Required
    String getLeft();

    void setLeft(String value);

    @Description("The quantity of the RIGHT series, e.g. actSpeed_C11.")
    @Validation.Required
    String getRight();

    void setRight(String value);

    @Description("File to write the pairs to, one JSON line each.")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description("File of JSON lines to write dead letters to (none if not given).")
    String getDeadLettersOut();

    void setDeadLettersOut(String value);
  }

  public static void run(Options options, PrintStream out) {
    Mode mode = mode(options.getMode());
    Duration delta = delta(options.getDeltaMs());
    Pipeline pipeline = Pipeline.create(options);
    PCollectionTuple parsed =
        pipeline
            .apply("ReadFile", ReadJsonLines.from(options.getInput()))
            .apply(
                "ParseMessages", ParseMessages.create().withDefaultType(MessageType.MEASUREMENT));
    PCollectionTuple joined =
        parsed
            .get(ParseMessages.MESSAGES)
            .apply("Measurements", ParDo.of(new MeasurementsOnly()))
            .apply(
                "EventTime", WithTimestamps.of((Measurement m) -> new Instant(m.phenomenonTime())))
            .apply(
                "JoinQuantities",
                JoinQuantities.of(options.getLeft(), options.getRight())
                    .withDelta(delta)
                    .withMode(mode));
    joined.get(JoinQuantities.PAIRS).apply("WritePairs", WriteJsonRecords.to(options.getOutput()));
    PCollection<DeadLetter> deadLetters =
        PCollectionList.of(parsed.get(ParseMessages.DEAD_LETTERS))
            .and(joined.get(JoinQuantities.DEAD_LETTERS))
            .apply("AllDeadLetters", Flatten.<DeadLetter>pCollections());
    if (options.getDeadLettersOut() != null) {
      deadLetters.apply("WriteDeadLetters", WriteDeadLetters.to(options.getDeadLettersOut()));
    }

    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    Counters counters = new Counters(result);
    long parseDeadLetters = counters.deadLetters(ParseMessages.class);
    long read = counters.get(ParseMessages.class, "parsed") + parseDeadLetters;
    long otherTypes = counters.get(JoinCommand.class, MeasurementsOnly.OTHER_TYPES_COUNTER);
    out.printf(
        "join: %d records read%s, %d pairs written to %s, %d dead letters written to %s%n",
        read,
        otherTypes == 0 ? "" : " (" + otherTypes + " not measurements, ignored)",
        counters.get(OrderedTimeSeriesJoin.class, OrderedTimeSeriesJoin.PAIRS_COUNTER),
        options.getOutput(),
        parseDeadLetters + counters.deadLetters(OrderedTimeSeriesJoin.class),
        options.getDeadLettersOut() == null ? "no file" : options.getDeadLettersOut());
  }

  static Mode mode(String flag) {
    return switch (flag.toLowerCase(Locale.ROOT)) {
      case "event-time" -> Mode.EVENT_TIME;
      case "arrival-order" -> Mode.ARRIVAL_ORDER;
      default ->
          throw new IllegalArgumentException(
              "--mode must be event-time or arrival-order, not '" + flag + "'");
    };
  }

  static Duration delta(Long deltaMs) {
    if (deltaMs == null) {
      return null;
    }
    if (deltaMs < 0) {
      throw new IllegalArgumentException("--deltaMs must not be negative: " + deltaMs);
    }
    return Duration.millis(deltaMs);
  }

  /** Messages of other types are valid, just not for this job: counted, not dead letters. */
  private static final class MeasurementsOnly extends DoFn<Message, Measurement> {
    static final String OTHER_TYPES_COUNTER = "not_measurements";
    private final Counter otherTypes = Metrics.counter(JoinCommand.class, OTHER_TYPES_COUNTER);

    @ProcessElement
    public void processElement(@Element Message message, OutputReceiver<Measurement> out) {
      if (message instanceof Measurement measurement) {
        out.output(measurement);
      } else {
        otherTypes.inc();
      }
    }
  }
}

package dev.dctwin.pipeline.join;

import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.Measurement;
import dev.dctwin.join.OrderedTimeSeriesJoin;
import dev.dctwin.pipeline.io.ReadJsonLines;
import dev.dctwin.pipeline.io.WriteDeadLetters;
import java.io.PrintStream;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Instant;

/**
 * {@code dctwin-pipeline.jar machine-power}: machine data rows in, per machine and axis the power
 * from torque and speed out, one JSON line per {@link PowerReading}.
 */
public final class MachinePowerCommand {
  private MachinePowerCommand() {}

  /** Flags of {@code dctwin-pipeline.jar machine-power}. */
  public interface Options extends OrderedJoinOptions {
    @Description(
        "File of machine data, one JSON object per line: Thing, Timestamp (epoch ms) and one"
            + " number per quantity (vaTorque_C11, actSpeed_C11, ...); rows in any order.")
    @Validation.Required
    String getInput();

    void setInput(String value);

    @Description("File to write the power readings to, one JSON line each.")
    @Validation.Required
    String getOutput();

    void setOutput(String value);

    @Description("File of JSON lines to write dead letters to (none if not given).")
    String getDeadLettersOut();

    void setDeadLettersOut(String value);
  }

  public static void run(Options options, PrintStream out) {
    MachinePower machinePower =
        MachinePower.create()
            .withDelta(JoinCommand.delta(options.getDeltaMs()))
            .withMode(JoinCommand.mode(options.getMode()));
    Pipeline pipeline = Pipeline.create(options);
    PCollectionTuple rows =
        pipeline
            .apply("ReadFile", ReadJsonLines.from(options.getInput()))
            .apply("SplitRows", SplitMachineEvents.create());
    PCollectionTuple power =
        rows.get(SplitMachineEvents.MEASUREMENTS)
            .apply(
                "EventTime", WithTimestamps.of((Measurement m) -> new Instant(m.phenomenonTime())))
            .apply("MachinePower", machinePower);
    power
        .get(MachinePower.READINGS)
        .apply("WriteReadings", WriteJsonRecords.to(options.getOutput()));
    PCollection<DeadLetter> deadLetters =
        PCollectionList.of(rows.get(SplitMachineEvents.DEAD_LETTERS))
            .and(power.get(MachinePower.DEAD_LETTERS))
            .apply("AllDeadLetters", Flatten.<DeadLetter>pCollections());
    if (options.getDeadLettersOut() != null) {
      deadLetters.apply("WriteDeadLetters", WriteDeadLetters.to(options.getDeadLettersOut()));
    }

    PipelineResult result = pipeline.run();
    result.waitUntilFinish();

    Counters counters = new Counters(result);
    out.printf(
        "machine-power: %d rows read (%d measurements), %d power readings written to %s,"
            + " %d dead letters written to %s%n",
        counters.get(SplitMachineEvents.class, SplitMachineEvents.ROWS_COUNTER),
        counters.get(SplitMachineEvents.class, SplitMachineEvents.MEASUREMENTS_COUNTER),
        counters.get(OrderedTimeSeriesJoin.class, OrderedTimeSeriesJoin.PAIRS_COUNTER),
        options.getOutput(),
        counters.deadLetters(SplitMachineEvents.class)
            + counters.deadLetters(OrderedTimeSeriesJoin.class),
        options.getDeadLettersOut() == null ? "no file" : options.getDeadLettersOut());
  }
}

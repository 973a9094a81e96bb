package dev.dctwin.simulator;

import dev.dctwin.codec.MessageKeys;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Measurement;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code replay}: recorded machine data as measurements, each series in time order. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Splits each row of machine data (Thing, Timestamp, one field per quantity) into one"
          + " measurement per quantity and writes them with each series in time order: merged by"
          + " time, or with --interleave interleaved at random."
    })
final class ReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--input",
      required = true,
      paramLabel = "FILE",
      description = "JSON lines of machine data, e.g. /work/shared/data/machine-events.jsonl.")
  Path input;

  @Option(
      names = "--out",
      paramLabel = "FILE",
      description = "Write the measurements here (required unless --mqtt or --kafka).")
  Path out;

  @Option(
      names = "--interleave",
      description = "Interleave the series at random (each keeps its order) instead of by time.")
  boolean interleave;

  @Option(
      names = "--seed",
      defaultValue = "1",
      description = "Seed of --interleave (default: ${DEFAULT-VALUE}).")
  long seed;

  @Mixin OutputOptions output;

  @Override
  public Integer call() throws Exception {
    if (out == null && !output.hasBroker()) {
      throw new ParameterException(spec.commandLine(), "give --out, --mqtt or --kafka");
    }
    Replay.Rows rows = Replay.read(input);
    List<Measurement> ordered = Replay.order(rows.measurements(), interleave, seed);
    List<MessageSink> files = new ArrayList<>();
    if (out != null) {
      files.add(new FileSink(Map.of(Topic.MEASUREMENTS, out)));
    }
    WireCodec codec = WireCodec.withDefaults();
    try (MessageSink sink = output.wrap(files, spec.commandLine().getErr(), "replay")) {
      for (Measurement m : ordered) {
        sink.send(
            Topic.MEASUREMENTS,
            MessageKeys.kafkaKey(m),
            m.phenomenonTime(),
            codec.encodeToString(m));
      }
    }
    PrintWriter stdout = spec.commandLine().getOut();
    stdout.printf(
        Locale.ROOT,
        "replay: %,d measurements of %,d series%s; skipped %d rows without Thing or Timestamp and"
            + " %d non-numeric values%n",
        ordered.size(),
        ordered.stream().map(m -> m.thing() + "/" + m.quantity()).distinct().count(),
        interleave ? ", interleaved" : ", by time",
        rows.skippedRows(),
        rows.skippedValues());
    return 0;
  }
}

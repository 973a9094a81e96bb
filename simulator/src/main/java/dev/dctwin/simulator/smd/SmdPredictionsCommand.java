package dev.dctwin.simulator.smd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smd-predictions}: the alerts of a replayed SMD machine as the scorer's predictions. */
@Command(
    name = "smd-predictions",
    mixinStandardHelpOptions = true,
    description = {
      "Writes one 0/1 per test row of a replay: 1 where a server-level incident of its server"
          + " (silence excluded) is open at the row's event time; and beside it PRED.dims.txt:"
          + " the open incidents' explaining metrics per row as 1-based columns, most important"
          + " first."
    })
public final class SmdPredictionsCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--replay", required = true, paramLabel = "DIR", description = "smd-replay out")
  Path replay;

  @Option(names = "--alerts", required = true, paramLabel = "FILE", description = "run's alerts")
  Path alerts;

  @Option(names = "--out", required = true, paramLabel = "FILE", description = "PRED.txt")
  Path out;

  @Override
  public Integer call() throws IOException {
    SmdPredictions.Written written = SmdPredictions.write(replay, alerts, out);
    spec.commandLine()
        .getOut()
        .printf(
            "%d of %d test rows flagged -> %s, %s%n",
            written.flagged(), written.rows(), out, SmdPredictions.dimsFileOf(out));
    return 0;
  }
}

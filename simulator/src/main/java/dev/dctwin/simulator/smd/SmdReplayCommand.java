package dev.dctwin.simulator.smd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code smd-replay}: an SMD machine as wire messages for {@code run --inputDir}. */
@Command(
    name = "smd-replay",
    mixinStandardHelpOptions = true,
    description = {
      "Writes a machine of the Server Machine Dataset as dctwin messages into DIR: its"
          + " commissioning (provisioning.jsonl), one metrics report per row 60 s apart with the"
          + " columns as gauges m1..mN, train rows first (metrics.jsonl), and replay.json (server"
          + " id, first test row's event time, interval, row counts)."
    })
public final class SmdReplayCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--train", required = true, paramLabel = "FILE", description = "train rows")
  Path train;

  @Option(names = "--test", required = true, paramLabel = "FILE", description = "test rows")
  Path test;

  @Option(names = "--serverId", required = true, description = "The replayed server's id.")
  String serverId;

  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
  Path out;

  @Override
  public Integer call() throws IOException {
    SmdReplay.Replay replay = SmdReplay.write(train, test, serverId, out);
    spec.commandLine()
        .getOut()
        .printf(
            "%s: %d train and %d test rows of %d metrics -> %s%n",
            serverId, replay.trainRows(), replay.testRows(), replay.metrics(), out);
    return 0;
  }
}

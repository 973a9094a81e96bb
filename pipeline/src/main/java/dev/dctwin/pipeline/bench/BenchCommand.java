package dev.dctwin.pipeline.bench;

import java.io.PrintStream;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Stub. */
public final class BenchCommand {
  private BenchCommand() {}

  /** Flags of {@code dctwin-pipeline.jar bench}. */
  public interface Options extends PipelineOptions {
    @Description("Folder to write report.md and the charts to.")
    @Default.String("target/bench")
    String getOut();

    void setOut(String value);
  }

  public static int run(Options options, PrintStream out) {
    return 0;
  }
}

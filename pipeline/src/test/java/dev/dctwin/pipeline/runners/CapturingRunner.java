package dev.dctwin.pipeline.runners;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.PipelineRunner;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.beam.sdk.options.PipelineOptions;
import org.joda.time.Duration;

/**
 * A runner that keeps the pipeline it is given instead of running it: lets a test inspect the graph
 * that {@code DatacenterPipeline.start} builds (which it does not expose) transform by transform.
 */
public final class CapturingRunner extends PipelineRunner<PipelineResult> {
  private static final AtomicReference<Pipeline> LAST = new AtomicReference<>();

  public static CapturingRunner fromOptions(PipelineOptions options) {
    return new CapturingRunner();
  }

  /** The pipeline of the latest run. */
  static Pipeline last() {
    return LAST.get();
  }

  @Override
  public PipelineResult run(Pipeline pipeline) {
    LAST.set(pipeline);
    return new PipelineResult() {
      @Override
      public State getState() {
        return State.DONE;
      }

      @Override
      public State cancel() {
        return State.DONE;
      }

      @Override
      public State waitUntilFinish(Duration duration) {
        return State.DONE;
      }

      @Override
      public State waitUntilFinish() {
        return State.DONE;
      }

      @Override
      public MetricResults metrics() {
        throw new UnsupportedOperationException("nothing ran");
      }
    };
  }
}

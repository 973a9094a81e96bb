package dev.dctwin.pipeline.join;

import dev.dctwin.domain.DeadLetterReason;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;

/** Sums of a finished pipeline's counters, for the one-line summaries of the join commands. */
public final class Counters {
  private final PipelineResult result;

  public Counters(PipelineResult result) {
    this.result = result;
  }

  public long get(Class<?> namespace, String name) {
    long total = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(namespace, name))
                    .build())
            .getCounters()) {
      total += finalValue(counter);
    }
    return total;
  }

  /**
   * A finished pipeline's value of a counter: the committed one where the runner has it. The
   * DirectRunner adds a bundle's attempted value only after it has committed the bundle, which may
   * let the pipeline finish first: a counter incremented in {@code @FinishBundle} can then read 0
   * as attempted though it is committed. Runners without committed values (Flink) report attempted
   * values that are final when the job is.
   */
  public static long finalValue(MetricResult<Long> counter) {
    Long committed = counter.getCommittedOrNull();
    return committed != null ? committed : counter.getAttempted();
  }

  /** All dead letters counted in {@code namespace}, whatever the reason. */
  public long deadLetters(Class<?> namespace) {
    long total = 0;
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      total += get(namespace, reason.counterName());
    }
    return total;
  }
}

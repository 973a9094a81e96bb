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
      total += counter.getAttempted();
    }
    return total;
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

package dev.dctwin.models.agents;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.ServerTwin;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * Drives a {@link ReportAssembler} as its DoFn does: keeps one host's inputs until they are due,
 * flushes when the watermark passes the earliest wake-up, and stores the state encoded, so that
 * every test also checks that the state's encoding loses nothing the model needs.
 */
final class AssemblyDriver {
  static final long T0 = 1_763_719_200_000L; // 2025-11-21T10:00:00Z, a multiple of 10 s

  private final ReportAssembler assembler;
  private final String host;
  private byte[] state;
  private List<Message> pending = new ArrayList<>();
  private long wakeUpAt = Long.MAX_VALUE;
  final List<ServerMetricReport> reports = new ArrayList<>();
  final List<AssemblyStep.Rejected> rejected = new ArrayList<>();
  final List<AssemblyStep.Counts> counts = new ArrayList<>();

  AssemblyDriver(String host, AssemblyConfig config, long mappingTtlMs) {
    this.assembler = new ReportAssembler(config, mappingTtlMs);
    this.host = host;
  }

  AssemblyDriver(String host, AssemblyConfig config) {
    this(host, config, ServerTwin.DEFAULT_GONE_AFTER_MS);
  }

  AssemblyDriver(String host) {
    this(host, AssemblyConfig.defaults());
  }

  static MetricSample counter(String name, Map<String, String> labels, double value, long time) {
    return new MetricSample(name, labels, value, time, MetricSample.Kind.COUNTER);
  }

  static MetricSample gauge(String name, Map<String, String> labels, double value, long time) {
    return new MetricSample(name, labels, value, time, MetricSample.Kind.GAUGE);
  }

  static MetricSample delta(String name, Map<String, String> labels, double value, long time) {
    return new MetricSample(name, labels, value, time, MetricSample.Kind.DELTA);
  }

  AssemblyDriver add(MetricSample... samples) {
    long newest = 0;
    for (MetricSample sample : samples) {
      newest = Math.max(newest, sample.time());
    }
    return add(new AgentSamples(host, newest, List.of(samples)));
  }

  AssemblyDriver add(Message input) {
    pending.add(input);
    wakeUpAt = Math.min(wakeUpAt, assembler.dueTime(input));
    return this;
  }

  /** The watermark passes {@code time}: every flush due until then runs. */
  AssemblyDriver advanceTo(long time) {
    while (wakeUpAt <= time) {
      AssemblyStep step = assembler.flush(host, state(), pending, wakeUpAt);
      state = step.state() == null ? null : encode(step.state());
      pending = new ArrayList<>(step.pending());
      wakeUpAt = step.wakeUpAt().orElse(Long.MAX_VALUE);
      reports.addAll(step.reports());
      rejected.addAll(step.rejected());
      counts.add(step.counts());
    }
    return this;
  }

  /** The stored state, decoded; empty when the assembly cleared it. */
  AssemblerState state() {
    try {
      return state == null
          ? AssemblerState.empty()
          : CoderUtils.decodeFromByteArray(RecordCoder.of(AssemblerState.class), state);
    } catch (CoderException e) {
      throw new AssertionError(e);
    }
  }

  boolean stateCleared() {
    return state == null;
  }

  long wakeUpAt() {
    return wakeUpAt;
  }

  ServerMetricReport last() {
    return reports.get(reports.size() - 1);
  }

  int total(java.util.function.ToIntFunction<AssemblyStep.Counts> count) {
    return counts.stream().mapToInt(count).sum();
  }

  private static byte[] encode(AssemblerState state) {
    try {
      return CoderUtils.encodeToByteArray(RecordCoder.of(AssemblerState.class), state);
    } catch (CoderException e) {
      throw new AssertionError(e);
    }
  }
}

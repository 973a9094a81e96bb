package dev.dctwin.domain;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * One value of one series as a monitoring agent reported it (collectd, Prometheus, Telegraf,
 * OpenTelemetry), after its format's decoder put it into dctwin's vocabulary: {@code name} is one
 * of the canonical names of {@code transforms/AGENTS.md} (such as {@code cpu.time} or {@code
 * network.octetsIn}) when the sample feeds a typed field of the report, otherwise the agent's own
 * metric name. {@code labels} tell series of one name apart (sorted, so that equal samples encode
 * to equal bytes). {@code time} is the sample's event time in epoch milliseconds.
 */
public record MetricSample(
    String name, Map<String, String> labels, double value, long time, Kind kind) {

  /** How a value relates to the ones before it in its series. */
  public enum Kind {
    /** A level: the value as it is at {@code time}. */
    GAUGE,
    /**
     * A cumulative count since some start (an agent or device restart resets it): becomes a rate
     * per second between two samples; the first sample of a series yields none.
     */
    COUNTER,
    /** The increase since the series' previous sample: becomes a rate over the sample interval. */
    DELTA
  }

  public MetricSample {
    labels =
        labels == null || labels.isEmpty()
            ? Collections.emptySortedMap()
            : Collections.unmodifiableSortedMap(new TreeMap<>(labels));
  }
}

package dev.dctwin.codec.agents;

import static dev.dctwin.domain.DeadLetterReason.FIELD_TOO_LONG;
import static dev.dctwin.domain.DeadLetterReason.MISSING_FIELD;
import static dev.dctwin.domain.DeadLetterReason.TIMESTAMP_OUT_OF_RANGE;
import static dev.dctwin.domain.DeadLetterReason.TOO_MANY_METRICS;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.FieldLimits;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.MetricSample.Kind;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The samples of one payload while a decoder reads it: groups them by host and enforces the limits
 * every agent format shares. Not thread-safe; one per {@link AgentFormat#decode} call.
 */
final class SampleBatch {
  /**
   * Samples per payload: a remote write request holds 2,000 by default, a Telegraf batch 1,000
   * metrics of a few fields, an OpenTelemetry Collector batch 8,192 points. More is a misconfigured
   * sender, whose payload would be one huge element in the pipeline.
   */
  static final int MAX_SAMPLES = 100_000;

  /** Characters of a host, a metric name, a label name or a label value. */
  static final int MAX_STRING_LENGTH = FieldLimits.NAME;

  /** Labels of one sample: node_exporter's widest series have a handful. */
  static final int MAX_LABELS = 32;

  /** 2000-01-01T00:00:00Z: nothing dctwin watches reports from before. */
  static final long MIN_TIME_MS = 946_684_800_000L;

  /** 2100-01-01T00:00:00Z: later times are clock or unit errors (seconds read as ms, say). */
  static final long MAX_TIME_MS = 4_102_444_800_000L;

  private final Map<String, HostSamples> hosts = new LinkedHashMap<>();
  private int samples;
  private int withoutHost;
  private int notFinite;

  /**
   * Adds one sample of {@code host}; leaves it out if the host is null or blank or the value is NaN
   * or infinite.
   */
  void add(String host, String name, Map<String, String> labels, double value, long time, Kind kind)
      throws InvalidMessageException {
    if (host == null || host.isBlank()) {
      withoutHost++;
      return;
    }
    if (!Double.isFinite(value)) {
      notFinite++;
      return;
    }
    if (++samples > MAX_SAMPLES) {
      throw new InvalidMessageException(
          TOO_MANY_METRICS, "more than " + MAX_SAMPLES + " samples in one payload");
    }
    if (time < MIN_TIME_MS || time >= MAX_TIME_MS) {
      throw new InvalidMessageException(
          TIMESTAMP_OUT_OF_RANGE,
          "sample time " + time + " ms of " + abbreviate(name) + " outside years 2000..2099");
    }
    HostSamples of = hosts.get(host);
    if (of == null) {
      requireLength("host", host);
      of = new HostSamples();
      hosts.put(host, of);
    }
    requireLength("metric name", name);
    if (labels.size() > MAX_LABELS) {
      throw new InvalidMessageException(
          FIELD_TOO_LONG,
          abbreviate(name) + " has " + labels.size() + " labels, more than " + MAX_LABELS);
    }
    for (Map.Entry<String, String> label : labels.entrySet()) {
      requireLength("label name", label.getKey());
      requireLength("label value", label.getValue());
    }
    of.samples.add(new MetricSample(name, labels, value, time, kind));
    of.eventTime = Math.max(of.eventTime, time);
  }

  /** Notes samples that were left out for lack of a host without passing through {@link #add}. */
  void skippedWithoutHost(int count) {
    withoutHost += count;
  }

  /**
   * The samples by host.
   *
   * @throws InvalidMessageException if the payload held no sample, or none with a host
   */
  List<AgentSamples> result() throws InvalidMessageException {
    if (hosts.isEmpty() && notFinite == 0) {
      throw new InvalidMessageException(
          MISSING_FIELD,
          withoutHost > 0
              ? withoutHost + " samples and none names its host"
              : "the payload holds no samples");
    }
    List<AgentSamples> result = new ArrayList<>(hosts.size());
    for (Map.Entry<String, HostSamples> host : hosts.entrySet()) {
      result.add(
          new AgentSamples(host.getKey(), host.getValue().eventTime, host.getValue().samples));
    }
    return result;
  }

  private static void requireLength(String what, String text) throws InvalidMessageException {
    if (text.length() > MAX_STRING_LENGTH) {
      throw new InvalidMessageException(
          FIELD_TOO_LONG,
          what + " '" + abbreviate(text) + "' longer than " + MAX_STRING_LENGTH + " characters");
    }
  }

  static String abbreviate(String text) {
    if (text == null) {
      return "null";
    }
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }

  private static final class HostSamples {
    final List<MetricSample> samples = new ArrayList<>();
    long eventTime = Long.MIN_VALUE;
  }
}

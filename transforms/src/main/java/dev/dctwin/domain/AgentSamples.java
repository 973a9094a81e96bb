package dev.dctwin.domain;

import java.util.List;

/**
 * The samples of one message of a monitoring agent that came from one host. {@code host} is the
 * agent's name of the machine (collectd's {@code host}, Prometheus' {@code instance} without the
 * port, Telegraf's {@code host} tag, OpenTelemetry's {@code host.name}); the report assembly maps
 * it to a server id. {@code eventTime} is the latest sample time of the batch.
 */
public record AgentSamples(String host, long eventTime, List<MetricSample> samples)
    implements Message {
  public AgentSamples {
    samples = List.copyOf(samples);
  }

  @Override
  public MessageType type() {
    return MessageType.SAMPLES;
  }
}

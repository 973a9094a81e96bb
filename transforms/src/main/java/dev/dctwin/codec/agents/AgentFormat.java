package dev.dctwin.codec.agents;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import java.io.Serializable;
import java.util.List;

/**
 * The decoder of one monitoring agent's payloads (collectd, Telegraf, OpenTelemetry, Prometheus)
 * into {@link AgentSamples}, one per host present in the payload. Bad input is an {@link
 * InvalidMessageException} with its dead-letter reason, never another exception.
 */
public interface AgentFormat extends Serializable {
  /** The name in {@code --topicFormats} and in the file suffix, such as {@code collectd}. */
  String name();

  List<AgentSamples> decode(byte[] payload) throws InvalidMessageException;
}

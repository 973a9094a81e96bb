package dev.dctwin.codec.agents;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import java.io.Serializable;
import java.util.List;

/**
 * The payload format of one kind of monitoring agent (collectd, Telegraf, OpenTelemetry,
 * Prometheus): turns one message or request body into the samples it holds, in dctwin's canonical
 * names where a sample feeds a typed field of the metric report (see {@code transforms/AGENTS.md}).
 *
 * <p>Implementations are immutable and thread-safe. Bad input never throws anything but {@link
 * InvalidMessageException}, which carries the dead-letter reason.
 */
public interface AgentFormat extends Serializable {
  /** The name of the format in {@code --topicFormats} and in file suffixes. */
  String name();

  /**
   * The samples of one payload, one {@link AgentSamples} per host that it names, in the order the
   * hosts first appear. Samples without a host or with a NaN or infinite value are left out (a
   * Prometheus staleness marker is a NaN); a payload left with nothing for either reason is
   * invalid, unless only NaN values were left out.
   */
  List<AgentSamples> decode(byte[] payload) throws InvalidMessageException;
}

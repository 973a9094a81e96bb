package dev.dctwin.pipeline.io;

import dev.dctwin.codec.ParseMessages;
import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Flags of the monitoring agents' formats (pipeline/IO.md, "Agent formats"). */
public interface AgentOptions extends PipelineOptions {
  @Description(
      "Topics (Kafka or MQTT; MQTT topics may use + and #) whose messages are in a monitoring"
          + " agent's format, TOPIC=FORMAT,...: collectd, telegraf, otlp-proto, otlp-json,"
          + " prometheus-remote-write, prometheus-json, or dctwin for the wire format. Defaults:"
          + " collectd=collectd, telegraf=telegraf, otlp_metrics=otlp-proto,"
          + " prometheus=prometheus-remote-write; any other topic is in the dctwin wire format."
          + " The Kafka source also reads the topics named here.")
  List<String> getTopicFormats();

  void setTopicFormats(List<String> value);

  @Description("Largest accepted payload of an agent format in bytes (agents send batches).")
  @Default.Integer(ParseMessages.DEFAULT_MAX_AGENT_PAYLOAD_BYTES)
  int getMaxAgentPayloadBytes();

  void setMaxAgentPayloadBytes(int value);
}

package dev.dctwin.simulator;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import picocli.CommandLine.Option;

/** The broker, pacing and progress options that {@code fleet} and {@code replay} share. */
final class OutputOptions {
  @Option(
      names = "--mqtt",
      paramLabel = "URI",
      description = "Also publish to this MQTT broker, QoS 1 (e.g. tcp://127.0.0.1:1883).")
  String mqtt;

  @Option(
      names = "--kafka",
      paramLabel = "HOST:PORT",
      description = "Also send to this Kafka cluster (bootstrap servers), keyed by entity id.")
  String kafka;

  @Option(
      names = "--rate",
      paramLabel = "MSG/S",
      defaultValue = "0",
      description = "At most this many messages per second (default: ${DEFAULT-VALUE} = no limit).")
  double rate;

  @Option(
      names = "--speed",
      paramLabel = "FACTOR",
      defaultValue = "0",
      description =
          "Event time runs this many times as fast as real time (1 = real time; default:"
              + " ${DEFAULT-VALUE} = as fast as possible).")
  double speed;

  @Option(
      names = "--progress",
      description = "Show a progress line on stderr (default: when attached to a terminal).")
  boolean progress;

  boolean hasBroker() {
    return mqtt != null || kafka != null;
  }

  /**
   * Adds the broker sinks to {@code sinks} and wraps them all with pacing and progress. On failure,
   * closes what it opened, including {@code sinks}.
   */
  MessageSink wrap(List<MessageSink> sinks, PrintWriter err, String label) throws IOException {
    List<MessageSink> all = new ArrayList<>(sinks);
    try {
      if (mqtt != null) {
        all.add(new MqttSink(mqtt, MqttAsyncClient.generateClientId()));
      }
      if (kafka != null) {
        all.add(new KafkaSink(kafka));
      }
      boolean showProgress = progress || System.console() != null;
      return new PacedSink(all, rate, speed, showProgress ? err : null, label);
    } catch (IOException | RuntimeException e) {
      for (MessageSink sink : all) {
        try {
          sink.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }
}

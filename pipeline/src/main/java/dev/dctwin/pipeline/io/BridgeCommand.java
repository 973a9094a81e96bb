package dev.dctwin.pipeline.io;

import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.cli.KafkaConnection;
import dev.dctwin.pipeline.cli.MqttConnection;
import dev.dctwin.pipeline.cli.UsageException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code mqtt-kafka-bridge}: MQTT topics into Kafka without loss, until stopped. */
@Command(
    name = "mqtt-kafka-bridge",
    description =
        "Copies MQTT topics (persistent session, QoS 1) into Kafka (topic a/b -> a.b),"
            + " acknowledging each message only after Kafka took it; see pipeline/IO.md.")
public final class BridgeCommand implements Callable<Integer> {
  @Mixin MqttConnection mqttConnection;

  @Mixin KafkaConnection kafkaConnection;

  @Option(
      names = "--mqttClientId",
      required = true,
      description =
          "The bridge's MQTT client id: the broker keeps the session (the subscriptions and what"
              + " is not acknowledged) under it, so it must stay the same across restarts.")
  String clientId;

  @Option(
      names = "--mqttTopics",
      split = ",",
      defaultValue = "dctwin/metrics,dctwin/sensors,dctwin/provisioning,dctwin/queries",
      description = "MQTT topics (filters) to copy. Default: ${DEFAULT-VALUE}.")
  List<String> topics;

  @Option(
      names = "--deadLetterTopic",
      defaultValue = KafkaOptions.DEFAULT_DEAD_LETTERS_TOPIC,
      description =
          "Kafka topic for the dead letters of records Kafka refuses for good (too large, a null"
              + " key on a compacted topic, not authorized), as the job's --kafkaDeadLettersTopic."
              + " Default: ${DEFAULT-VALUE}.")
  String deadLetterTopic;

  @Option(
      names = "--kafkaOutageAfter",
      defaultValue = "10s",
      description =
          "How long Kafka may leave a message unacknowledged before the bridge logs an outage."
              + " Default: ${DEFAULT-VALUE}.")
  Duration outageAfter;

  @Option(
      names = "--kafkaDeliveryTimeout",
      defaultValue = "30s",
      description =
          "How long the producer tries one send (delivery.timeout.ms) before the bridge sends it"
              + " again. Default: ${DEFAULT-VALUE}.")
  Duration deliveryTimeout;

  @Override
  public Integer call() throws Exception {
    if (outageAfter.isNegative() || outageAfter.isZero()) {
      throw new UsageException("--kafkaOutageAfter must be positive");
    }
    if (deliveryTimeout.toMillis() < 100) {
      throw new UsageException("--kafkaDeliveryTimeout must be at least 100ms");
    }
    // The bridge logs one line per outage; Kafka's client would log each failed reconnect.
    System.getProperties().putIfAbsent("org.slf4j.simpleLogger.log.org.apache.kafka", "error");
    MqttBroker broker = mqttConnection.broker();
    KafkaClients kafka = kafkaConnection.clients();
    broker.useTrustStore();
    Preflight.mqtt(broker, clientId);
    // Topics of wildcard filters are known only when a message comes.
    Preflight.kafka(
        kafka,
        topics.stream()
            .filter(topic -> !topic.contains("+") && !topic.contains("#"))
            .map(MqttKafkaBridge::kafkaTopic)
            .toList());
    CountDownLatch stopped = new CountDownLatch(1);
    try (MqttKafkaBridge bridge =
        new MqttKafkaBridge(
            broker,
            clientId,
            topics,
            kafka,
            new MqttKafkaBridge.Timeouts(outageAfter, deliveryTimeout),
            deadLetterTopic)) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(stopped::countDown, "mqtt-kafka-bridge-shutdown"));
      stopped.await();
    }
    return Cli.EXIT_OK;
  }
}

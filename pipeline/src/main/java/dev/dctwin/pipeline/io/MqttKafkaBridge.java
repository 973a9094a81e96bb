package dev.dctwin.pipeline.io;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallbackExtended;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies MQTT topics into Kafka without loss across broker restarts and bridge restarts, for
 * deployments that cannot afford MqttIO's clean-session gap (see {@code pipeline/IO.md}).
 *
 * <p>It keeps a persistent MQTT session ({@code cleanSession=false}, a fixed client id, QoS 1), so
 * the broker queues what is published while the bridge is away, and acknowledges each MQTT message
 * only after Kafka has acknowledged the copy ({@code acks=all}, idempotent producer). A crash
 * between the two makes the broker redeliver: at least once, duplicates carry the same payload and
 * dctwin's outputs are keyed by content. The broker must persist sessions across its own restarts
 * (Mosquitto: {@code persistence true}). MQTT topic {@code a/b/c} goes to Kafka topic {@code
 * a.b.c}, keyed by the payload's {@code serverId} (or {@code datacenterId}) so each server's series
 * stays in order on one partition.
 */
public final class MqttKafkaBridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MqttKafkaBridge.class);

  private final MqttClient mqtt;
  private final KafkaProducer<String, byte[]> producer;
  private final List<String> topics;
  // Paho forbids blocking calls on its callback thread (a subscribe there stalls the connection
  // until the keep-alive times out), so subscriptions after a reconnect run here.
  private final ExecutorService subscriber =
      Executors.newSingleThreadExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "mqtt-kafka-bridge-subscriber");
            thread.setDaemon(true);
            return thread;
          });

  public MqttKafkaBridge(String mqttUri, String clientId, List<String> topics, KafkaClients kafka)
      throws MqttException {
    this.topics = List.copyOf(topics);
    this.producer =
        new KafkaProducer<>(
            kafka.withSecrets(
                Map.of(
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                    true,
                    ProducerConfig.LINGER_MS_CONFIG,
                    5)),
            new StringSerializer(),
            new ByteArraySerializer());
    this.mqtt = new MqttClient(mqttUri, clientId, new MemoryPersistence());
    mqtt.setManualAcks(true);
    mqtt.setCallback(new Callback());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(false);
    options.setAutomaticReconnect(true);
    options.setMaxReconnectDelay(2_000);
    // A reconnect attempt that reaches a broker while it shuts down would otherwise wait out
    // Paho's 30 s default before the next try.
    options.setConnectionTimeout(5);
    options.setKeepAliveInterval(10);
    options.setMaxInflight(1_000);
    mqtt.connect(options);
    // Subscribed before the constructor returns, so that a caller can publish right away.
    for (String topic : topics) {
      mqtt.subscribe(topic, 1);
    }
  }

  /** The Kafka topic of an MQTT topic. */
  public static String kafkaTopic(String mqttTopic) {
    return mqttTopic.replace('/', '.');
  }

  private final class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      // The session keeps the subscriptions; subscribing again is harmless and covers a broker
      // that lost its session store.
      subscriber.execute(
          () -> {
            try {
              for (String topic : topics) {
                mqtt.subscribe(topic, 1);
              }
              LOG.info("bridge {} to {}", reconnect ? "reconnected" : "connected", serverUri);
            } catch (MqttException e) {
              LOG.warn("bridge cannot subscribe: {}", e.toString());
            }
          });
    }

    @Override
    public void connectionLost(Throwable cause) {
      LOG.warn("bridge lost the MQTT connection ({}); reconnecting", cause.toString());
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      byte[] payload = message.getPayload();
      String key = PayloadFields.firstOf(payload, "serverId", "datacenterId").orElse(null);
      int id = message.getId();
      int qos = message.getQos();
      producer.send(
          new ProducerRecord<>(kafkaTopic(topic), key, payload),
          (metadata, error) -> {
            if (error != null) {
              // Not acknowledged: the broker redelivers it after the next reconnect.
              LOG.error("bridge could not write to Kafka: {}", error.toString());
              return;
            }
            try {
              mqtt.messageArrivedComplete(id, qos);
            } catch (MqttException | RuntimeException e) {
              // The connection dropped after Kafka took the copy: the broker redelivers it.
              LOG.warn("bridge could not acknowledge an MQTT message: {}", e.toString());
            }
          });
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }

  @Override
  public void close() throws MqttException {
    try {
      if (mqtt.isConnected()) {
        mqtt.disconnect();
      }
      mqtt.close();
    } finally {
      subscriber.shutdownNow();
      producer.close();
    }
  }

  /**
   * Runs the bridge until the JVM stops: {@code <mqttUri> <clientId> <kafkaBootstrap>
   * <mqttTopic>...}. Kafka credentials, if any, come from the properties file named by {@code
   * DCTWIN_KAFKA_PROPERTIES}.
   */
  public static void main(String[] args) throws Exception {
    if (args.length < 4) {
      System.err.println(
          "usage: MqttKafkaBridge <mqttUri> <clientId> <kafkaBootstrapServers> <mqttTopic>...");
      System.exit(2);
    }
    KafkaClients kafka = new KafkaClients(args[2], System.getenv("DCTWIN_KAFKA_PROPERTIES"));
    CountDownLatch stopped = new CountDownLatch(1);
    try (MqttKafkaBridge bridge =
        new MqttKafkaBridge(args[0], args[1], List.of(args).subList(3, args.length), kafka)) {
      Runtime.getRuntime().addShutdownHook(new Thread(stopped::countDown));
      stopped.await();
    }
  }
}

package dev.dctwin.pipeline.io;

import dev.dctwin.codec.MessageKeys;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.MessageOrigin;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
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
 * Copies MQTT topics into Kafka without loss across broker restarts (of either broker) and bridge
 * restarts, for deployments that cannot afford MqttIO's clean-session gap (see {@code
 * pipeline/IO.md}, "The MQTT-to-Kafka bridge").
 *
 * <p>It keeps a persistent MQTT session ({@code cleanSession=false}, a fixed client id, QoS 1), so
 * the broker queues what is published while the bridge is away, and acknowledges each MQTT message
 * only after Kafka has acknowledged the copy ({@code acks=all}, idempotent producer). A Kafka send
 * that fails for a transient reason is sent again, in arrival order, after a growing wait, for as
 * long as it takes; while Kafka is away the messages stay unacknowledged and the MQTT broker holds
 * the rest. A crash makes the broker redeliver what was not acknowledged: at least once, duplicates
 * carry the same payload and dctwin's outputs are keyed by content. The broker must persist
 * sessions across its own restarts (Mosquitto: {@code persistence true}). MQTT topic {@code a/b/c}
 * goes to Kafka topic {@code a.b.c}, keyed by the payload's {@code serverId} (or {@code
 * datacenterId}) so each server's series stays in order on one partition.
 *
 * <p>A record that Kafka refuses for good ({@link KafkaSendErrors#isPermanent}: too large, a null
 * key on a compacted topic, no write access to its topic...) is not sent again: it becomes a dead
 * letter {@code SINK_REJECTED} with the error and its MQTT topic as origin, sent to the dead-letter
 * topic, and the MQTT message is acknowledged once Kafka took the dead letter (or refused it for
 * good too). Each kind of refusal is logged once, and counted.
 *
 * <p>An outage of either broker is logged twice, whatever the traffic: once when it starts, once
 * when it ends, with how long it lasted and how many messages waited.
 */
public final class MqttKafkaBridge implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MqttKafkaBridge.class);
  private static final long FIRST_RETRY_MS = 200;
  private static final long LONGEST_RETRY_MS = 10_000;

  /**
   * How long Kafka may leave a send unacknowledged before the bridge calls it an outage ({@code
   * outageAfter}; the producer goes on trying), and how long the producer tries one send before it
   * fails and the bridge sends it again ({@code deliveryTimeout}, Kafka's {@code
   * delivery.timeout.ms}).
   */
  public record Timeouts(Duration outageAfter, Duration deliveryTimeout) {
    public static final Timeouts DEFAULT =
        new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(30));
  }

  private final MqttClient mqtt;
  private final String mqttUri;
  private final Producer<String, byte[]> producer;
  private final List<String> topics;
  private final String deadLetterTopic;
  private final long outageAfterNanos;

  // Paho forbids blocking calls on its callback thread (a subscribe there stalls the connection
  // until the keep-alive times out), so subscriptions after a reconnect run here.
  private final ExecutorService subscriber = daemonThreads("mqtt-kafka-bridge-subscriber");

  /** The one thread that owns the state below: Paho's and Kafka's callbacks hand over to it. */
  private final ScheduledExecutorService worker =
      Executors.newSingleThreadScheduledExecutor(
          runnable -> {
            Thread thread = new Thread(runnable, "mqtt-kafka-bridge");
            thread.setDaemon(true);
            return thread;
          });

  private final AtomicLong arrivals = new AtomicLong();
  private final WireCodec codec = WireCodec.withDefaults();

  /**
   * Counts MQTT connections: a message is acknowledged only on the connection it came on. After a
   * reconnect the broker sends the unacknowledged ones again with their old packet ids, and an ack
   * of a stale copy could acknowledge a newer message that reuses the id.
   */
  private volatile long connection;

  private final TreeMap<Long, Pending> waiting = new TreeMap<>();
  private final Map<Long, Pending> inFlight = new LinkedHashMap<>();
  private final OutageBackoff backoff = new OutageBackoff(FIRST_RETRY_MS, LONGEST_RETRY_MS);
  private boolean retryScheduled;
  private int failedRounds;
  private Outage kafkaOutage;
  private Outage mqttOutage;

  /** Records refused for good, by kind of error: dead letters sent, or lost when refused too. */
  private final Map<String, AtomicLong> deadLettered =
      new java.util.concurrent.ConcurrentHashMap<>();

  private final Map<String, AtomicLong> lost = new java.util.concurrent.ConcurrentHashMap<>();

  /**
   * One MQTT message on its way to Kafka: its copy, or its dead letter ({@code letter} not null)
   * once Kafka refused the copy for good.
   */
  private record Pending(
      long seq,
      String topic,
      String key,
      byte[] payload,
      int id,
      int qos,
      long connection,
      long sentAtNanos,
      DeadLetter letter) {
    Pending withSentAt(long nanos) {
      return new Pending(seq, topic, key, payload, id, qos, connection, nanos, letter);
    }

    Pending withLetter(DeadLetter deadLetter) {
      return new Pending(seq, topic, key, payload, id, qos, connection, sentAtNanos, deadLetter);
    }
  }

  /** An outage in progress: since when, why, and how many messages it held up so far. */
  private static final class Outage {
    final long sinceNanos = System.nanoTime();
    long waited;

    Outage(long waited) {
      this.waited = waited;
    }

    String lasted() {
      return String.format("%.1f s", (System.nanoTime() - sinceNanos) / 1e9);
    }
  }

  public MqttKafkaBridge(
      MqttBroker broker, String clientId, List<String> topics, KafkaClients kafka)
      throws MqttException {
    this(
        broker, clientId, topics, kafka, Timeouts.DEFAULT, KafkaOptions.DEFAULT_DEAD_LETTERS_TOPIC);
  }

  public MqttKafkaBridge(
      MqttBroker broker,
      String clientId,
      List<String> topics,
      KafkaClients kafka,
      Timeouts timeouts,
      String deadLetterTopic)
      throws MqttException {
    this.topics = List.copyOf(topics);
    this.deadLetterTopic = deadLetterTopic;
    this.mqttUri = broker.serverUri();
    this.outageAfterNanos = timeouts.outageAfter().toNanos();
    this.producer =
        new KafkaProducer<>(
            kafka.withSecrets(producerDefaults(timeouts), KafkaClients.RELIABLE_PRODUCER),
            new StringSerializer(),
            new ByteArraySerializer());
    worker.scheduleWithFixedDelay(this::checkStalled, 500, 500, TimeUnit.MILLISECONDS);
    broker.useTrustStore();
    this.mqtt = new MqttClient(mqttUri, clientId, new MemoryPersistence());
    mqtt.setManualAcks(true);
    mqtt.setCallback(new Callback());
    MqttConnectOptions options = broker.connectOptions();
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
    LOG.info(
        "bridge: copying {} from {} into Kafka, dead letters to {}",
        topics,
        mqttUri,
        deadLetterTopic);
  }

  /** The producer's settings that a client properties file may change. */
  static Map<String, Object> producerDefaults(Timeouts timeouts) {
    int delivery = Math.toIntExact(timeouts.deliveryTimeout().toMillis());
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(1, delivery / 2 - 5));
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, delivery);
    // A send without topic metadata waits this long on the bridge's thread.
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Math.max(1, delivery / 2));
    return config;
  }

  /** The Kafka topic of an MQTT topic. */
  public static String kafkaTopic(String mqttTopic) {
    return mqttTopic.replace('/', '.');
  }

  private void onWorker(Runnable task) {
    try {
      worker.execute(task);
    } catch (RejectedExecutionException closing) {
      // Closed: what is not acknowledged comes again with the next run.
    }
  }

  private void arrived(Pending message) {
    waiting.put(message.seq(), message);
    if (kafkaOutage != null) {
      kafkaOutage.waited++;
    }
    pump();
  }

  /**
   * Sends the waiting messages in arrival order. During a Kafka outage only one send is out at a
   * time, after the retry wait: a probe that keeps the others in order behind it.
   */
  private void pump() {
    while (!retryScheduled && !waiting.isEmpty() && (kafkaOutage == null || inFlight.isEmpty())) {
      send(waiting.pollFirstEntry().getValue());
    }
  }

  private void send(Pending message) {
    message = message.withSentAt(System.nanoTime());
    inFlight.put(message.seq(), message);
    Pending sent = message;
    try {
      producer.send(
          sent.letter() == null
              ? new ProducerRecord<>(kafkaTopic(sent.topic()), sent.key(), sent.payload())
              : deadLetterRecord(deadLetterTopic, sent.letter()),
          (metadata, error) -> onWorker(() -> completed(sent, error)));
    } catch (RuntimeException e) {
      completed(sent, e);
    }
  }

  /** A dead letter's record, as the job writes it: keyed by source, its JSON, its headers. */
  static ProducerRecord<String, byte[]> deadLetterRecord(String topic, DeadLetter letter) {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(
            topic,
            letter.source(),
            WriteDeadLetters.toJson(letter).getBytes(StandardCharsets.UTF_8));
    WriteDeadLetters.kafkaHeaders(letter)
        .forEach(
            (name, value) ->
                record
                    .headers()
                    .add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8))));
    return record;
  }

  /** The dead letter of an MQTT message whose copy Kafka refused for good. */
  static DeadLetter deadLetter(String mqttTopic, byte[] payload, String error, long receivedAt) {
    return DeadLetter.of(
        "mqtt:" + mqttTopic,
        DeadLetterReason.SINK_REJECTED,
        error,
        payload,
        receivedAt,
        MessageOrigin.mqtt(mqttTopic),
        DeadLetter.DEFAULT_MAX_KEPT_BYTES);
  }

  private void completed(Pending message, Exception error) {
    if (inFlight.remove(message.seq()) == null) {
      return;
    }
    if (error != null && KafkaSendErrors.isPermanent(error)) {
      refused(message, error);
      return;
    }
    if (error != null) {
      waiting.put(message.seq(), message);
      if (kafkaOutage == null) {
        startKafkaOutage(error.toString());
      }
      if (!retryScheduled) {
        retryScheduled = true;
        long delay = backoff.delayAfter(++failedRounds);
        worker.schedule(
            () -> {
              retryScheduled = false;
              pump();
            },
            delay,
            TimeUnit.MILLISECONDS);
      }
      return;
    }
    failedRounds = 0;
    if (kafkaOutage != null) {
      LOG.info(
          "bridge: Kafka back after {}; {} messages waited in the bridge, unacknowledged (the"
              + " MQTT broker held back the rest)",
          kafkaOutage.lasted(),
          kafkaOutage.waited);
      kafkaOutage = null;
    }
    acknowledge(message);
    pump();
  }

  /**
   * A record Kafka refused for good: its copy becomes a dead letter, sent at once (it does not wait
   * in line: the dead-letter topic is another topic), and a dead letter refused for good too is
   * given up; either way the MQTT message is acknowledged when done, and nothing waits behind it.
   */
  private void refused(Pending message, Exception error) {
    String kind = KafkaSendErrors.kind(error);
    if (message.letter() == null) {
      if (count(deadLettered, kind) == 1) {
        LOG.warn(
            "bridge: Kafka refused a record from {} for good ({}); such records go to {} as"
                + " dead letters {} (logged once per kind of error)",
            message.topic(),
            KafkaSendErrors.describe(error),
            deadLetterTopic,
            DeadLetterReason.SINK_REJECTED);
      }
      send(
          message.withLetter(
              deadLetter(
                  message.topic(),
                  message.payload(),
                  KafkaSendErrors.describe(error),
                  System.currentTimeMillis())));
      return;
    }
    if (count(lost, kind) == 1) {
      LOG.error(
          "bridge: Kafka refused the dead letter of a record from {} for good ({}); the MQTT"
              + " message is acknowledged and lost (logged once per kind of error)",
          message.topic(),
          KafkaSendErrors.describe(error));
    }
    acknowledge(message);
    pump();
  }

  private static long count(Map<String, AtomicLong> counts, String kind) {
    return counts.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
  }

  /** Records refused for good and made dead letters so far, by kind of error. */
  public Map<String, Long> deadLettered() {
    return snapshot(deadLettered);
  }

  /** Records refused for good whose dead letter was refused for good too, by kind of error. */
  public Map<String, Long> lost() {
    return snapshot(lost);
  }

  private static Map<String, Long> snapshot(Map<String, AtomicLong> counts) {
    Map<String, Long> copy = new TreeMap<>();
    counts.forEach((kind, count) -> copy.put(kind, count.get()));
    return copy;
  }

  private void startKafkaOutage(String reason) {
    kafkaOutage = new Outage(waiting.size() + inFlight.size());
    LOG.warn(
        "bridge: Kafka unreachable ({}); {} messages wait unacknowledged, retrying",
        reason,
        kafkaOutage.waited);
  }

  /** An outage starts when Kafka has not answered the oldest send for {@code outageAfter}. */
  private void checkStalled() {
    if (kafkaOutage != null || inFlight.isEmpty()) {
      return;
    }
    long oldest = inFlight.values().iterator().next().sentAtNanos();
    long waitedNanos = System.nanoTime() - oldest;
    if (waitedNanos >= outageAfterNanos) {
      startKafkaOutage("no acknowledgement for " + waitedNanos / 1_000_000 + " ms");
    }
  }

  private void acknowledge(Pending message) {
    if (message.connection() != connection) {
      return; // the broker sends it again on the new connection
    }
    try {
      mqtt.messageArrivedComplete(message.id(), message.qos());
    } catch (MqttException | RuntimeException e) {
      // The connection dropped after Kafka took the copy: the broker sends it again. The outage
      // is logged once, by connectionLost.
      LOG.debug("bridge could not acknowledge an MQTT message: {}", e.toString());
    }
  }

  private final class Callback implements MqttCallbackExtended {
    @Override
    public void connectComplete(boolean reconnect, String serverUri) {
      if (reconnect) {
        onWorker(
            () -> {
              if (mqttOutage != null) {
                LOG.info(
                    "bridge: MQTT connection to {} back after {}; {} messages were"
                        + " unacknowledged (the broker sends them again)",
                    serverUri,
                    mqttOutage.lasted(),
                    mqttOutage.waited);
                mqttOutage = null;
              }
            });
      }
      // The session keeps the subscriptions; subscribing again is harmless and covers a broker
      // that lost its session store.
      subscriber.execute(
          () -> {
            try {
              for (String topic : topics) {
                mqtt.subscribe(topic, 1);
              }
            } catch (MqttException e) {
              LOG.warn("bridge: cannot subscribe to MQTT: {}", e.toString());
            }
          });
    }

    @Override
    public void connectionLost(Throwable cause) {
      connection++;
      onWorker(
          () -> {
            mqttOutage = new Outage(waiting.size() + inFlight.size());
            LOG.warn(
                "bridge: MQTT connection to {} lost ({}); reconnecting", mqttUri, cause.toString());
          });
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      byte[] payload = message.getPayload();
      Pending pending =
          new Pending(
              arrivals.getAndIncrement(),
              topic,
              kafkaKey(payload),
              payload,
              message.getId(),
              message.getQos(),
              connection,
              0,
              null);
      onWorker(() -> arrived(pending));
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }

  /**
   * The key the job's own producers give the message (MessageKeys: compaction of the provisioning
   * topic keeps the latest record per entity); for a payload that does not decode, its server or
   * datacenter id if it names one, else none (a compacted topic then refuses it: a dead letter).
   */
  private String kafkaKey(byte[] payload) {
    return MessageKeys.kafkaKey(codec, payload, null)
        .orElseGet(() -> PayloadFields.firstOf(payload, "serverId", "datacenterId").orElse(null));
  }

  @Override
  public void close() throws MqttException {
    if (!deadLettered.isEmpty() || !lost.isEmpty()) {
      LOG.info(
          "bridge: records Kafka refused for good: {} sent to {} as dead letters, {} lost",
          deadLettered(),
          deadLetterTopic,
          lost());
    }
    try {
      if (mqtt.isConnected()) {
        mqtt.disconnect();
      }
      mqtt.close();
    } finally {
      subscriber.shutdownNow();
      worker.shutdownNow();
      producer.close(Duration.ofSeconds(5));
    }
  }

  private static ExecutorService daemonThreads(String name) {
    return Executors.newSingleThreadExecutor(
        runnable -> {
          Thread thread = new Thread(runnable, name);
          thread.setDaemon(true);
          return thread;
        });
  }
}

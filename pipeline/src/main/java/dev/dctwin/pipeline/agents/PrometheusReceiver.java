package dev.dctwin.pipeline.agents;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dctwin.pipeline.io.KafkaClients;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prometheus' remote write (spec 1.0) into Kafka: {@code POST /api/v1/write} with a snappy-block
 * protobuf {@code WriteRequest}, published unchanged to one topic, which the pipeline reads as
 * {@code prometheus-remote-write}. A small service beside the pipeline, like the MQTT-to-Kafka
 * bridge and the Alertmanager relay.
 *
 * <p>Answers as the spec asks, so that Prometheus retries exactly what can succeed later:
 *
 * <ul>
 *   <li>204 once Kafka acknowledged the record ({@code acks=all}, idempotent producer): a request
 *       is never answered before its samples are safe.
 *   <li>400 for a body that can never be read ({@link RemoteWriteValidator}), 413 for one larger
 *       than the limit, 415 for another encoding or content type (remote write 2.0 included), 405
 *       for another method: Prometheus drops these and does not retry.
 *   <li>503 when Kafka does not acknowledge in time: Prometheus retries with backoff, so an outage
 *       of Kafka delays samples but loses none while Prometheus' WAL holds them.
 * </ul>
 *
 * <p>Records carry no key: a request holds samples of many series, and the pipeline orders a host's
 * samples by their time. Logs one line when an outage begins and one when it ends, and refused
 * requests at most once a minute, never once per request.
 */
public final class PrometheusReceiver implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PrometheusReceiver.class);

  public static final String PATH = "/api/v1/write";

  /** Concurrent requests: Prometheus sends one per shard, each waiting for Kafka's ack. */
  private static final int THREADS = 16;

  /**
   * Within Prometheus' default remote_timeout (30 s), so that it hears 503 rather than giving up.
   */
  private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(20);

  /** How much of a body over the limit is read and dropped, in multiples of the limit. */
  private static final long DRAIN_FACTOR = 16;

  private static final long REFUSAL_LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final HttpServer server;
  private final ExecutorService executor;
  private final Producer<byte[], byte[]> producer;
  private final String topic;
  private final int maxBodyBytes;
  private final RemoteWriteValidator validator;

  private final AtomicLong published = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong unavailable = new AtomicLong();

  // Outage and refusal log state, guarded by this.
  private long outageSince = -1;
  private long outageRequests;
  private long lastRefusalLog = System.nanoTime() - REFUSAL_LOG_INTERVAL_NANOS;
  private long refusalsSinceLog;

  /**
   * A receiver publishing with {@code producer} (which it closes), listening on {@code listen}
   * (port 0: any free one) once {@link #start} is called.
   */
  public PrometheusReceiver(
      InetSocketAddress listen,
      Producer<byte[], byte[]> producer,
      String topic,
      int maxBodyBytes,
      RemoteWriteValidator validator) {
    this.producer = producer;
    this.topic = topic;
    this.maxBodyBytes = maxBodyBytes;
    this.validator = validator;
    try {
      this.server = HttpServer.create(listen, 0);
    } catch (IOException e) {
      producer.close(Duration.ZERO);
      throw new UncheckedIOException("cannot listen on " + hostPort(listen), e);
    }
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newFixedThreadPool(
            THREADS,
            runnable -> {
              Thread thread =
                  new Thread(runnable, "prometheus-receiver-" + threads.incrementAndGet());
              thread.setDaemon(true);
              return thread;
            });
    server.setExecutor(executor);
    server.createContext(PATH, this::handleWrite);
    server.createContext("/-/healthy", this::handleHealthy);
  }

  /**
   * The Kafka producer of the receiver: idempotent, {@code acks=all}, no compression of its own
   * (the body is compressed), requests as large as the largest body.
   */
  public static Producer<byte[], byte[]> kafkaProducer(KafkaClients kafka, int maxBodyBytes) {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "none");
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    config.put(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Math.max(1 << 20, maxBodyBytes + (64 << 10)));
    config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis() / 2);
    config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis() / 2);
    config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) KAFKA_TIMEOUT.toMillis());
    return new KafkaProducer<>(
        kafka.withSecrets(config), new ByteArraySerializer(), new ByteArraySerializer());
  }

  public PrometheusReceiver start() {
    server.start();
    LOG.info(
        "prometheus-receiver: listening on http://{}{}, publishing to Kafka topic {}",
        hostPort(server.getAddress()),
        PATH,
        topic);
    return this;
  }

  /** Where it listens (the port chosen when it was given 0). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  /** Requests published to Kafka. */
  public long published() {
    return published.get();
  }

  /** Requests refused for good (4xx). */
  public long refused() {
    return refused.get();
  }

  /** Requests answered 503 because Kafka did not take them. */
  public long unavailable() {
    return unavailable.get();
  }

  @Override
  public void close() {
    server.stop(1);
    executor.shutdownNow();
    producer.close(Duration.ofSeconds(5));
  }

  private void handleHealthy(HttpExchange exchange) throws IOException {
    respond(exchange, 200, "ok");
  }

  private void handleWrite(HttpExchange exchange) throws IOException {
    try {
      if (!exchange.getRequestURI().getPath().equals(PATH)) {
        respond(exchange, 404, "not found");
        return;
      }
      if (!exchange.getRequestMethod().equals("POST")) {
        exchange.getResponseHeaders().set("Allow", "POST");
        refuse(exchange, 405, exchange.getRequestMethod() + " instead of POST");
        return;
      }
      Optional<String> unsupported = unsupportedHeaders(exchange);
      if (unsupported.isPresent()) {
        refuse(exchange, 415, unsupported.get());
        return;
      }
      byte[] body = readBody(exchange);
      if (body == null) {
        refuse(exchange, 413, "body larger than " + maxBodyBytes + " bytes");
        return;
      }
      Optional<String> problem = validator.problem(body);
      if (problem.isPresent()) {
        refuse(exchange, 400, problem.get());
        return;
      }
      publish(exchange, body);
    } finally {
      exchange.close();
    }
  }

  /** Remote write 1.0 only: 2.0 senders fall back to 1.0 on a 415. */
  private static Optional<String> unsupportedHeaders(HttpExchange exchange) {
    String encoding = exchange.getRequestHeaders().getFirst("Content-Encoding");
    if (encoding == null || !encoding.strip().equalsIgnoreCase("snappy")) {
      return Optional.of("Content-Encoding " + encoding + " instead of snappy");
    }
    String type = exchange.getRequestHeaders().getFirst("Content-Type");
    String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
    if (!media.equals("application/x-protobuf")) {
      return Optional.of("Content-Type " + type + " instead of application/x-protobuf");
    }
    String proto = type.toLowerCase(Locale.ROOT).replace(" ", "");
    if (proto.contains("proto=") && !proto.contains("proto=prometheus.writerequest")) {
      return Optional.of(
          "Content-Type " + type + ": only remote write 1.0 (prometheus.WriteRequest)");
    }
    return Optional.empty();
  }

  /**
   * The body, or null when it is larger than the limit. The rest of a large body is read and
   * dropped (up to a bound), so that the sender hears 413, which it does not retry, rather than a
   * reset connection, which it would.
   */
  private byte[] readBody(HttpExchange exchange) throws IOException {
    try (InputStream in = exchange.getRequestBody()) {
      byte[] body = in.readNBytes(maxBodyBytes + 1);
      if (body.length <= maxBodyBytes) {
        return body;
      }
      long left = DRAIN_FACTOR * maxBodyBytes;
      byte[] buffer = new byte[8192];
      int read;
      while (left > 0 && (read = in.read(buffer, 0, (int) Math.min(buffer.length, left))) > 0) {
        left -= read;
      }
      return null;
    }
  }

  private void publish(HttpExchange exchange, byte[] body) throws IOException {
    long started = System.nanoTime();
    String failure;
    try {
      producer
          .send(new ProducerRecord<>(topic, body))
          .get(KAFKA_TIMEOUT.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      published.incrementAndGet();
      endOutage();
      respond(exchange, 204, null);
      return;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      failure = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    } catch (TimeoutException e) {
      failure = "no acknowledgement within " + KAFKA_TIMEOUT.toSeconds() + " s";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      failure = "interrupted";
    } catch (RuntimeException e) {
      // send() itself throws for a closed producer or a record too large for it.
      failure = e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    unavailable.incrementAndGet();
    beginOutage(failure, started);
    respond(exchange, 503, "Kafka unavailable: " + failure);
  }

  private synchronized void beginOutage(String failure, long requestStarted) {
    if (outageSince < 0) {
      outageSince = requestStarted;
      LOG.warn(
          "prometheus-receiver: Kafka topic {} unavailable ({}); answering 503 until it is back",
          topic,
          failure);
    }
    outageRequests++;
  }

  private synchronized void endOutage() {
    if (outageSince >= 0) {
      LOG.warn(
          "prometheus-receiver: Kafka available again after {} s (503 answers meanwhile: {})",
          TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - outageSince),
          outageRequests);
      outageSince = -1;
      outageRequests = 0;
    }
  }

  private void refuse(HttpExchange exchange, int status, String reason) throws IOException {
    refused.incrementAndGet();
    logRefusal(status, reason, exchange.getRemoteAddress());
    respond(exchange, status, reason);
  }

  private synchronized void logRefusal(int status, String reason, InetSocketAddress from) {
    refusalsSinceLog++;
    long now = System.nanoTime();
    if (now - lastRefusalLog >= REFUSAL_LOG_INTERVAL_NANOS) {
      LOG.warn(
          "prometheus-receiver: refused {} request(s) in the last minute; latest from {}: {} {}",
          refusalsSinceLog,
          from == null ? "?" : hostPort(from),
          status,
          reason);
      lastRefusalLog = now;
      refusalsSinceLog = 0;
    }
  }

  private static void respond(HttpExchange exchange, int status, String text) throws IOException {
    if (text == null) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    byte[] bytes = (text + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  private static String hostPort(InetSocketAddress address) {
    return address.getHostString() + ":" + address.getPort();
  }
}

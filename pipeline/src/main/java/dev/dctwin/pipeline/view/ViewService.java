package dev.dctwin.pipeline.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.TopicReplay;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator web view: reads the provisioning, alerts and dead-letter topics from the beginning
 * into a {@link FleetView} ({@link TopicReplay}, as the Alertmanager relay does), follows them
 * live, samples the input topics' offsets, with a database polls the {@code server_status} table
 * ({@link ServerStatusPoller}), and serves the page, its JSON and server-sent events with the JDK's
 * HTTP server. Why and how: {@code pipeline/VIEW.md}.
 */
public final class ViewService implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ViewService.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration SAMPLE_EVERY = Duration.ofSeconds(2);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(5);
  private static final Map<String, String> PAGE =
      Map.of(
          "/", "index.html",
          "/index.html", "index.html",
          "/view.js", "view.js",
          "/view.css", "view.css");

  /**
   * Content-Security-Policy of every answer: only the service's own script and style, no inline
   * code, no framing. A second line of defence behind the page's use of textContent.
   */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src"
          + " 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

  /**
   * What the view reads.
   *
   * @param inputTopics the pipeline's input topics, for the input rate and backlog
   * @param consumerGroup the pipeline's consumer group, whose committed offsets give the backlog
   * @param database the pipeline's database, for its {@code server_status} table; null for none
   */
  public record Settings(
      KafkaClients kafka,
      InetSocketAddress listen,
      String alertsTopic,
      String provisioningTopic,
      String deadLettersTopic,
      List<String> inputTopics,
      String consumerGroup,
      JdbcTarget database) {

    /** Kafka only. */
    public Settings(
        KafkaClients kafka,
        InetSocketAddress listen,
        String alertsTopic,
        String provisioningTopic,
        String deadLettersTopic,
        List<String> inputTopics,
        String consumerGroup) {
      this(
          kafka,
          listen,
          alertsTopic,
          provisioningTopic,
          deadLettersTopic,
          inputTopics,
          consumerGroup,
          null);
    }

    /** The same, listening on {@code address}. */
    public Settings listeningOn(InetSocketAddress address) {
      return new Settings(
          kafka,
          address,
          alertsTopic,
          provisioningTopic,
          deadLettersTopic,
          inputTopics,
          consumerGroup,
          database);
    }
  }

  /**
   * A server whose last report is older than this is shown as not reporting: the twins refresh a
   * server's row at least every 60 s (their default {@code statusRefreshMs}) while it reports, and
   * the row lands a few seconds to a minute later (watermark, sink batches, this view's poll).
   */
  static final Duration REPORT_STALE_AFTER = Duration.ofMinutes(3);

  private final Settings settings;
  private final String instance = UUID.randomUUID().toString();
  private final Object lock = new Object();
  private final EventStream events = new EventStream();
  private final WireCodec codec = WireCodec.withDefaults();
  private final HttpServer server;
  private final ExecutorService httpThreads;
  private final ScheduledExecutorService sampler;
  private final Thread feed;
  private final ServerStatuses statuses;
  private final ServerStatusTable statusTable;
  private final ScheduledExecutorService statusPolls;
  private volatile boolean running = true;
  private volatile TopicReplay replay;
  private FleetView view = new FleetView();
  private Admin admin;
  private Map<String, List<TopicPartition>> inputPartitions = Map.of();
  private long describedAt;
  private boolean sampleFailing;

  private ViewService(Settings settings) throws IOException {
    this.settings = settings;
    server = HttpServer.create(settings.listen(), 64);
    httpThreads = Executors.newCachedThreadPool(daemon("dctwin-view-http"));
    server.setExecutor(httpThreads);
    server.createContext("/", this::handle);
    sampler = Executors.newSingleThreadScheduledExecutor(daemon("dctwin-view-sampler"));
    feed = new Thread(this::follow, "dctwin-view-feed");
    feed.setDaemon(true);
    statuses = new ServerStatuses(settings.database() != null);
    if (settings.database() != null) {
      statusTable = new ServerStatusTable(settings.database());
      statusPolls = Executors.newSingleThreadScheduledExecutor(daemon("dctwin-view-status"));
    } else {
      statusTable = null;
      statusPolls = null;
    }
  }

  /** Starts reading the topics and serving; the page answers at once, catching up. */
  public static ViewService start(Settings settings) {
    try {
      ViewService service = new ViewService(settings);
      service.server.start();
      service.feed.start();
      service.sampler.scheduleWithFixedDelay(
          service::sample, 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
      if (service.statusPolls != null) {
        ServerStatusPoller poller =
            new ServerStatusPoller(
                service.statusTable, service.statuses, service.lock, System::currentTimeMillis);
        service.statusPolls.scheduleWithFixedDelay(
            () -> service.pollStatuses(poller),
            0,
            ServerStatusPoller.POLL_EVERY.toMillis(),
            TimeUnit.MILLISECONDS);
        LOG.info("view: reading server_status from {}", settings.database());
      }
      LOG.info("view: serving {}", service.url());
      return service;
    } catch (IOException e) {
      throw new IllegalStateException("cannot listen on " + settings.listen() + ": " + e, e);
    }
  }

  /** The page's address. */
  public URI url() {
    InetSocketAddress address = server.getAddress();
    String host = address.getAddress().isAnyLocalAddress() ? "127.0.0.1" : address.getHostString();
    return URI.create("http://" + host + ":" + address.getPort() + "/");
  }

  /** Whether the replay of the topics has caught up: the view then shows the whole state. */
  public boolean caughtUp() {
    synchronized (lock) {
      return view.isCaughtUp();
    }
  }

  /** Stops serving and reading; a second call does nothing. */
  @Override
  public synchronized void close() {
    if (!running) {
      return;
    }
    running = false;
    TopicReplay reading = replay;
    if (reading != null) {
      reading.wakeup();
    }
    events.close();
    server.stop(0);
    sampler.shutdownNow();
    httpThreads.shutdownNow();
    if (statusPolls != null) {
      statusPolls.shutdownNow();
    }
    try {
      feed.join(10_000);
      sampler.awaitTermination(10, TimeUnit.SECONDS);
      if (statusPolls != null && statusPolls.awaitTermination(15, TimeUnit.SECONDS)) {
        statusTable.close();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (admin != null) {
      admin.close(Duration.ofSeconds(5));
    }
  }

  /** The feed thread: replays the topics, then follows them; starts over after a failure. */
  private void follow() {
    while (running) {
      try (TopicReplay replay =
          TopicReplay.start(
              settings.kafka(),
              List.of(
                  settings.alertsTopic(),
                  settings.provisioningTopic(),
                  settings.deadLettersTopic()),
              Duration.ofMillis(100))) {
        this.replay = replay;
        if (!running) {
          return;
        }
        LOG.info("view: reading {} from the beginning", replay.topics());
        boolean caughtUp = false;
        while (running) {
          var records = replay.poll(Duration.ofMillis(200));
          boolean wasCaughtUp = caughtUp;
          List<ObjectNode> alerts = new ArrayList<>();
          boolean fleetChanged = false;
          synchronized (lock) {
            for (ConsumerRecord<byte[], String> record : records) {
              fleetChanged |= apply(record, caughtUp ? alerts : null);
            }
            if (!caughtUp && replay.caughtUp()) {
              caughtUp = true;
              view.caughtUp();
              LOG.info(
                  "view: caught up, {} open incidents; missing topics: {}",
                  view.openIncidents(),
                  replay.missingTopics());
            }
          }
          if (!wasCaughtUp) {
            if (caughtUp) {
              events.publish("reset", "{\"seq\":" + seq() + "}");
            }
            continue;
          }
          for (ObjectNode alert : alerts) {
            events.publish("alert", alert.toString());
          }
          if (fleetChanged) {
            events.publish("changed", "{\"seq\":" + seq() + "}");
          }
        }
      } catch (RuntimeException e) {
        if (!running) {
          return;
        }
        LOG.warn("view: reading Kafka failed ({}); starting over in {}", e, RETRY_AFTER);
        synchronized (lock) {
          view = new FleetView();
        }
        events.publish("reset", "{\"seq\":0}");
        sleep(RETRY_AFTER);
      }
    }
  }

  /**
   * Applies one record under the lock; adds a live alert's event to {@code alerts} (null while
   * catching up). Returns whether the fleet changed otherwise (provisioning): dead letters reach
   * the pages with the stats.
   */
  private boolean apply(ConsumerRecord<byte[], String> record, List<ObjectNode> alerts) {
    String topic = record.topic();
    if (topic.equals(settings.alertsTopic())) {
      if (TopicReplay.decode(codec, record, MessageType.ALERT, LOG) instanceof Alert alert) {
        if (view.apply(alert) && alerts != null) {
          ObjectNode event = view.alertEvent(alert);
          event.put("seq", view.seq());
          alerts.add(event);
        }
      }
      return false;
    }
    if (topic.equals(settings.provisioningTopic())) {
      Message message = TopicReplay.decode(codec, record, MessageType.COMMISSION, LOG);
      return message != null && !(message instanceof Alert) && view.apply(message);
    }
    view.deadLetter(reason(record.value()));
    return false;
  }

  private static String reason(String deadLetter) {
    try {
      JsonNode node = JSON.readTree(deadLetter == null ? "" : deadLetter);
      return node == null ? null : node.path("reason").asText(null);
    } catch (IOException e) {
      return null;
    }
  }

  private long seq() {
    synchronized (lock) {
      return view.seq();
    }
  }

  /**
   * One poll of {@code server_status}: pages with a rack open fetch it again when a row changed,
   * and the header learns at once when the database goes away or comes back.
   */
  private void pollStatuses(ServerStatusPoller poller) {
    ServerStatusPoller.Outcome outcome = poller.poll();
    if (outcome.changed() > 0 || outcome.reachabilityChanged()) {
      events.publish("status", "{\"changed\":" + outcome.changed() + "}");
    }
    if (outcome.reachabilityChanged()) {
      long now = System.currentTimeMillis();
      events.publish("stats", stats(now).toString());
    }
  }

  /** The read model's stats and the database's; call under the lock. */
  private ObjectNode statsLocked(long nowMs) {
    ObjectNode stats = view.stats(nowMs);
    stats.set("database", statuses.stats());
    return stats;
  }

  private ObjectNode stats(long nowMs) {
    synchronized (lock) {
      return statsLocked(nowMs);
    }
  }

  /**
   * The input topics' end offsets (read_committed: what the pipeline can read) and the pipeline's
   * committed offsets, every {@link #SAMPLE_EVERY}; published to the pages as {@code stats}.
   */
  private void sample() {
    try {
      if (admin == null) {
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 4_000);
        admin = settings.kafka().admin(config);
      }
      long now = System.currentTimeMillis();
      if (now - describedAt > 30_000 || inputPartitions.isEmpty()) {
        inputPartitions = describe(settings.inputTopics());
        describedAt = now;
      }
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      inputPartitions
          .values()
          .forEach(list -> list.forEach(p -> latest.put(p, OffsetSpec.latest())));
      long end = 0;
      Map<TopicPartition, Long> ends = new HashMap<>();
      if (!latest.isEmpty()) {
        var offsets =
            admin
                .listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED))
                .all()
                .get(5, TimeUnit.SECONDS);
        for (var entry : offsets.entrySet()) {
          ends.put(entry.getKey(), entry.getValue().offset());
          end += entry.getValue().offset();
        }
      }
      long backlog = backlog(ends);
      ObjectNode stats;
      synchronized (lock) {
        view.inputSample(now, end, backlog);
        stats = statsLocked(now);
      }
      if (sampleFailing) {
        LOG.info("view: Kafka answers again");
        sampleFailing = false;
      }
      events.publish("stats", stats.toString());
    } catch (ExecutionException | TimeoutException | RuntimeException e) {
      if (!sampleFailing) {
        LOG.warn("view: cannot read the input topics' offsets ({}); retrying", e.toString());
        sampleFailing = true;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Partitions of the topics that exist. */
  private Map<String, List<TopicPartition>> describe(List<String> topics)
      throws InterruptedException, TimeoutException {
    Map<String, List<TopicPartition>> found = new HashMap<>();
    for (Map.Entry<String, KafkaFuture<TopicDescription>> entry :
        admin.describeTopics(topics).topicNameValues().entrySet()) {
      try {
        TopicDescription description = entry.getValue().get(5, TimeUnit.SECONDS);
        found.put(
            entry.getKey(),
            description.partitions().stream()
                .map(p -> new TopicPartition(entry.getKey(), p.partition()))
                .toList());
      } catch (ExecutionException e) {
        // Not there (yet): no input on it.
      }
    }
    return found;
  }

  /**
   * End minus committed offsets of the pipeline's consumer group over the input partitions; -1 when
   * the group has committed nothing (a runner that does not finalize checkpoints, or a new job).
   */
  private long backlog(Map<TopicPartition, Long> ends)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (settings.consumerGroup() == null || ends.isEmpty()) {
      return -1;
    }
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin
            .listConsumerGroupOffsets(settings.consumerGroup())
            .partitionsToOffsetAndMetadata()
            .get(5, TimeUnit.SECONDS);
    if (committed == null || committed.values().stream().noneMatch(Objects::nonNull)) {
      return -1;
    }
    long backlog = 0;
    for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
      OffsetAndMetadata at = committed.get(end.getKey());
      backlog += Math.max(0, end.getValue() - (at == null ? 0 : at.offset()));
    }
    return backlog;
  }

  // ---- HTTP ----

  private void handle(HttpExchange exchange) throws IOException {
    try {
      Headers headers = exchange.getResponseHeaders();
      headers.set("Content-Security-Policy", CSP);
      headers.set("X-Content-Type-Options", "nosniff");
      headers.set("Referrer-Policy", "no-referrer");
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        headers.set("Allow", "GET, HEAD");
        send(exchange, 405, "text/plain", "method not allowed");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
      long now = System.currentTimeMillis();
      switch (path) {
        case "/api/events" -> {
          long seq = seq();
          events.serve(exchange, "{\"instance\":\"" + instance + "\",\"seq\":" + seq + "}");
        }
        case "/api/snapshot" -> {
          ObjectNode snapshot;
          synchronized (lock) {
            snapshot = view.snapshot(now);
            ((ObjectNode) snapshot.get("stats")).set("database", statuses.stats());
          }
          snapshot.put("instance", instance);
          ObjectNode config = snapshot.putObject("config");
          config.put("consumerGroup", settings.consumerGroup());
          config.putPOJO("inputTopics", settings.inputTopics());
          config.put("alertsTopic", settings.alertsTopic());
          sendJson(exchange, snapshot);
        }
        case "/api/rack" -> {
          ObjectNode rack;
          synchronized (lock) {
            rack = view.rack(query.get("dc"), query.get("rack"), now);
            if (rack != null) {
              statuses.describe(rack.get("servers"));
              rack.set("database", statuses.stats());
              rack.put("reportStaleAfterMs", REPORT_STALE_AFTER.toMillis());
            }
          }
          sendJson(exchange, rack);
        }
        case "/api/incident" -> {
          ObjectNode incident;
          synchronized (lock) {
            incident = view.incident(query.getOrDefault("id", ""));
          }
          sendJson(exchange, incident);
        }
        case "/api/timeline" -> {
          ObjectNode timeline = JsonNodeFactory.instance.objectNode();
          synchronized (lock) {
            timeline.put("seq", view.seq());
            timeline.set("alerts", view.timeline(now));
          }
          sendJson(exchange, timeline);
        }
        default -> {
          String resource = PAGE.get(path);
          if (resource == null) {
            send(exchange, 404, "text/plain", "not found");
          } else {
            sendResource(exchange, resource);
          }
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("view: {} {} failed", exchange.getRequestMethod(), exchange.getRequestURI(), e);
      send(exchange, 500, "text/plain", "internal error");
    } finally {
      exchange.close();
    }
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> query = new HashMap<>();
    if (raw == null) {
      return query;
    }
    for (String pair : raw.split("&")) {
      int equals = pair.indexOf('=');
      if (equals > 0) {
        query.put(
            URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
      }
    }
    return query;
  }

  private static void sendJson(HttpExchange exchange, JsonNode body) throws IOException {
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    if (body == null) {
      send(exchange, 404, "application/json", "null");
    } else {
      send(exchange, 200, "application/json", JSON.writeValueAsString(body));
    }
  }

  private static void sendResource(HttpExchange exchange, String name) throws IOException {
    try (InputStream in = ViewService.class.getResourceAsStream("page/" + name)) {
      if (in == null) {
        send(exchange, 404, "text/plain", "not found");
        return;
      }
      String type =
          name.endsWith(".html")
              ? "text/html"
              : name.endsWith(".js") ? "text/javascript" : "text/css";
      exchange.getResponseHeaders().set("Cache-Control", "no-cache");
      send(exchange, 200, type, in.readAllBytes());
    }
  }

  private static void send(HttpExchange exchange, int status, String type, String body)
      throws IOException {
    send(exchange, status, type, body.getBytes(StandardCharsets.UTF_8));
  }

  private static void send(HttpExchange exchange, int status, String type, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
    if (!head && body.length > 0) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return runnable -> {
      Thread thread = new Thread(runnable, name);
      thread.setDaemon(true);
      return thread;
    };
  }

  private static void sleep(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

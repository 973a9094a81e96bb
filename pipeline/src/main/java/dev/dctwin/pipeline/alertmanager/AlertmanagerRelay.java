package dev.dctwin.pipeline.alertmanager;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MessageType;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.TopicReplay;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays dctwin's alerts topic to Prometheus Alertmanager ({@code POST /api/v2/alerts}): a small
 * service beside the pipeline, like the MQTT-to-Kafka bridge. Why and how: {@code
 * pipeline/ALERTMANAGER.md}.
 *
 * <ul>
 *   <li>Reads the topic {@code read_committed} from the beginning on every start and rebuilds the
 *       set of open incidents from it, so that it survives its own restart without state.
 *   <li>Posts each OPENED alert, and each RESOLVED one with {@code endsAt}, once it has caught up;
 *       re-posts every open incident each resend interval (Alertmanager keeps alerts in memory
 *       only, and resolves one whose {@code endsAt} passes: the relay sets it to four intervals).
 *   <li>Does not post alerts in maintenance. Holds an explained alert until the incident that
 *       explains it is posted (at most {@code explainedHold}), so that Alertmanager's inhibition
 *       finds its source when it groups the target.
 *   <li>Checks every response: a 5xx or a connection failure is retried with backoff, logged once
 *       when the outage begins and once when it ends; a 4xx is a bug, logged and skipped.
 * </ul>
 */
public final class AlertmanagerRelay implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerRelay.class);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
  private static final int MAX_REMEMBERED_RESOLUTIONS = 10_000;

  /**
   * How long an explaining alert is in Alertmanager before what it explains follows. Alertmanager
   * flushes a new group at once when its alerts started more than group_wait ago (dctwin's did:
   * startsAt is when the incident opened), and its inhibitor learns of a source alert in a
   * goroutine of its own: posted together, a target can be notified before its source inhibits it.
   */
  private static final Duration INHIBITOR_SETTLE = Duration.ofSeconds(1);

  private final KafkaClients kafka;
  private final String topic;
  private final URI alertsEndpoint;
  private final Duration resendInterval;
  private final Duration explainedHold;
  private final String generatorUrlPrefix;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final WireCodec codec = WireCodec.withDefaults();

  /** The open incidents (not in maintenance) by id, with when the relay learned of them. */
  private final Map<String, Open> open = new LinkedHashMap<>();

  /**
   * Resolutions seen while catching up: posted once after it, for an Alertmanager that missed them.
   */
  private final Map<String, Alert> resolvedWhileCatchingUp =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Alert> eldest) {
          return size() > MAX_REMEMBERED_RESOLUTIONS;
        }
      };

  private volatile boolean running = true;
  private long outageSince = -1;
  private int outageAttempts;
  private long posted;

  private static final class Open {
    final Alert alert;
    final long learnedAt;
    boolean posted;
    long postedAt;
    Alert resolution;

    Open(Alert alert, long learnedAt) {
      this.alert = alert;
      this.learnedAt = learnedAt;
    }
  }

  public AlertmanagerRelay(
      KafkaClients kafka,
      String topic,
      URI alertmanagerUrl,
      Duration resendInterval,
      Duration explainedHold,
      String generatorUrlPrefix) {
    this.kafka = kafka;
    this.topic = topic;
    String base = alertmanagerUrl.toString();
    this.alertsEndpoint = URI.create((base.endsWith("/") ? base : base + "/") + "api/v2/alerts");
    this.resendInterval = resendInterval;
    this.explainedHold = explainedHold;
    this.generatorUrlPrefix = generatorUrlPrefix;
  }

  /** Relays until {@link #close}. */
  public void run() {
    try (TopicReplay replay = TopicReplay.start(kafka, List.of(topic), Duration.ofMillis(500))) {
      boolean caughtUp = false;
      long lastResend = System.nanoTime();
      LOG.info("relay: reading {} from the beginning", topic);
      while (running) {
        List<Alert> changes = new ArrayList<>();
        for (ConsumerRecord<byte[], String> record : replay.poll(Duration.ofMillis(200))) {
          if (TopicReplay.decode(codec, record, MessageType.ALERT, LOG) instanceof Alert alert) {
            apply(alert, caughtUp, changes);
          }
        }
        if (!caughtUp && replay.caughtUp()) {
          caughtUp = true;
          LOG.info(
              "relay: caught up, {} open incidents; posting them to {}",
              open.size(),
              alertsEndpoint);
          changes.addAll(resolvedWhileCatchingUp.values());
          resolvedWhileCatchingUp.clear();
          post(withPostable(changes, true));
          lastResend = System.nanoTime();
        } else if (caughtUp) {
          boolean resend = System.nanoTime() - lastResend >= resendInterval.toNanos();
          List<Alert> batch = withPostable(changes, resend);
          if (!batch.isEmpty()) {
            post(batch);
          }
          if (resend) {
            lastResend = System.nanoTime();
          }
        }
      }
    }
  }

  @Override
  public void close() {
    running = false;
  }

  /** Alerts posted so far, for tests and the log. */
  public long posted() {
    return posted;
  }

  /**
   * Applies one alert to the open set, adding to {@code changes} the resolutions to post. An
   * incident that resolves while alerts it explains are still open stays firing in Alertmanager
   * (its RESOLVED waits), so that they stay inhibited, as they stay explained in dctwin, until the
   * last of them resolves.
   */
  private void apply(Alert alert, boolean live, List<Alert> changes) {
    if (alert.inMaintenance()) {
      return; // recorded on the topic, not paged
    }
    if (alert.status() == AlertStatus.OPENED) {
      open.putIfAbsent(alert.incidentId(), new Open(alert, System.nanoTime()));
      return; // posted by withPostable, possibly after its explanation
    }
    Open was = open.get(alert.incidentId());
    if (was != null && explainsOpen(alert.incidentId())) {
      was.resolution = alert;
      return;
    }
    resolve(alert, was, live, changes);
    String explainedBy = alert.explainedBy();
    Open explanation = explainedBy == null ? null : open.get(explainedBy);
    if (explanation != null && explanation.resolution != null && !explainsOpen(explainedBy)) {
      resolve(explanation.resolution, explanation, live, changes);
    }
  }

  private void resolve(Alert resolved, Open was, boolean live, List<Alert> changes) {
    open.remove(resolved.incidentId());
    if (!live) {
      resolvedWhileCatchingUp.put(resolved.incidentId(), resolved);
    } else if (was == null || was.posted) {
      changes.add(resolved);
    }
  }

  private boolean explainsOpen(String incidentId) {
    return open.values().stream().anyMatch(entry -> incidentId.equals(entry.alert.explainedBy()));
  }

  /**
   * {@code changes} plus the open alerts to post now: those not posted yet whose explanation is
   * posted or whose hold is over, or, on a resend, every postable open alert.
   */
  private List<Alert> withPostable(List<Alert> changes, boolean resend) {
    List<Alert> batch = new ArrayList<>(changes);
    long now = System.nanoTime();
    boolean more = true;
    while (more) { // an explanation posted in this round releases what it explains
      more = false;
      for (Open entry : open.values()) {
        if (entry.posted && !resend) {
          continue;
        }
        if (!entry.posted && !explained(entry, now)) {
          continue;
        }
        if (!entry.posted) {
          entry.posted = true;
          entry.postedAt = now;
          more = true;
        } else if (batch.contains(entry.alert)) {
          continue;
        }
        batch.add(entry.alert);
      }
    }
    return batch;
  }

  private boolean explained(Open entry, long now) {
    String explainedBy = entry.alert.explainedBy();
    if (explainedBy == null) {
      return true;
    }
    Open explanation = open.get(explainedBy);
    return (explanation != null
            && explanation.posted
            && now - explanation.postedAt >= INHIBITOR_SETTLE.toNanos())
        || now - entry.learnedAt >= explainedHold.toNanos();
  }

  /**
   * Posts {@code alerts}: the firing ones level by level, datacenter first, each level {@link
   * #INHIBITOR_SETTLE} after the one above when it holds explained alerts (a resend to a restarted
   * Alertmanager); then the resolutions, servers first, so that no source of an inhibition ends
   * before its targets.
   */
  private void post(List<Alert> alerts) {
    boolean first = true;
    for (Level level : List.of(Level.DATACENTER, Level.RACK, Level.SERVER)) {
      List<Alert> atLevel =
          alerts.stream()
              .filter(alert -> alert.level() == level && alert.status() == AlertStatus.OPENED)
              .toList();
      if (atLevel.isEmpty()) {
        continue;
      }
      if (!first && atLevel.stream().anyMatch(alert -> alert.explainedBy() != null)) {
        try {
          Thread.sleep(INHIBITOR_SETTLE.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      postNow(atLevel);
      first = false;
    }
    for (Level level : List.of(Level.SERVER, Level.RACK, Level.DATACENTER)) {
      List<Alert> atLevel =
          alerts.stream()
              .filter(alert -> alert.level() == level && alert.status() == AlertStatus.RESOLVED)
              .toList();
      if (!atLevel.isEmpty()) {
        postNow(atLevel);
      }
    }
  }

  /** Posts {@code alerts} until Alertmanager takes them or the relay is closed. */
  private void postNow(List<Alert> alerts) {
    String body = body(alerts);
    long backoffMs = 250;
    while (running) {
      String failure;
      try {
        HttpResponse<String> response =
            http.send(
                HttpRequest.newBuilder(alertsEndpoint)
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status / 100 == 2) {
          endOutage();
          posted += alerts.size();
          return;
        }
        if (status / 100 == 4) {
          endOutage();
          LOG.error(
              "relay: Alertmanager rejected {} alerts with {}: {}",
              alerts.size(),
              status,
              abbreviate(response.body()));
          return;
        }
        failure = "HTTP " + status;
      } catch (IOException e) {
        failure =
            e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (outageSince < 0) {
        outageSince = System.nanoTime();
        LOG.warn("relay: Alertmanager at {} unavailable ({}); retrying", alertsEndpoint, failure);
      }
      outageAttempts++;
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF.toMillis());
    }
  }

  private void endOutage() {
    if (outageSince >= 0) {
      LOG.warn(
          "relay: Alertmanager available again after {} s and {} retries",
          (System.nanoTime() - outageSince) / 1_000_000_000L,
          outageAttempts);
      outageSince = -1;
      outageAttempts = 0;
    }
  }

  /** The API v2 body: a list of postable alerts. */
  String body(List<Alert> alerts) {
    ArrayNode array = json.createArrayNode();
    Instant now = Instant.now();
    for (Alert alert : alerts) {
      ObjectNode node = array.addObject();
      ObjectNode labels = node.putObject("labels");
      labels(alert).forEach(labels::put);
      ObjectNode annotations = node.putObject("annotations");
      annotations(alert).forEach(annotations::put);
      node.put("startsAt", Instant.ofEpochMilli(alert.openedAt()).toString());
      node.put(
          "endsAt",
          alert.status() == AlertStatus.RESOLVED
              ? Instant.ofEpochMilli(Math.max(alert.eventTime(), alert.openedAt() + 1)).toString()
              : now.plus(resendInterval.multipliedBy(4)).toString());
      node.put("generatorURL", generatorUrlPrefix + alert.incidentId());
    }
    return array.toString();
  }

  /**
   * The labels of an alert. {@code rack_incident} and {@code datacenter_incident} name the incident
   * that explains it, or that it is: the configuration's {@code inhibit_rules} match them, so that
   * Alertmanager inhibits exactly what dctwin's {@code explainedBy} explains.
   */
  static Map<String, String> labels(Alert alert) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("alertname", alert.incidentType().name());
    labels.put("severity", alert.severity().name().toLowerCase(Locale.ROOT));
    labels.put("level", alert.level().name());
    labels.put("category", alert.incidentType().category().name());
    labels.put("datacenter", nonNull(alert.datacenterId()));
    labels.put("rack", nonNull(alert.rackId()));
    labels.put("server", alert.level() == Level.SERVER ? alert.entity() : "");
    labels.put("incident_id", alert.incidentId());
    if (alert.level() == Level.RACK) {
      labels.put("rack_incident", alert.incidentId());
    } else if (alert.level() == Level.SERVER && alert.explainedBy() != null) {
      labels.put("rack_incident", alert.explainedBy());
    }
    if (alert.level() == Level.DATACENTER) {
      labels.put("datacenter_incident", alert.incidentId());
    } else if (alert.level() == Level.RACK && alert.explainedBy() != null) {
      labels.put("datacenter_incident", alert.explainedBy());
    }
    labels.values().removeIf(String::isEmpty); // Alertmanager treats empty as absent
    return labels;
  }

  static Map<String, String> annotations(Alert alert) {
    Map<String, String> annotations = new LinkedHashMap<>();
    annotations.put(
        "summary",
        alert.incidentType()
            + " on "
            + alert.entity()
            + (alert.explainedBy() == null ? "" : " (explained by " + alert.explainedBy() + ")"));
    if (alert.context() != null) {
      annotations.put("context", alert.context());
    }
    if (alert.rootCause() != null) {
      annotations.put("root_cause", alert.rootCause().name());
    }
    if (alert.explainedBy() != null) {
      annotations.put("explained_by", alert.explainedBy());
    }
    return annotations;
  }

  private static String nonNull(String value) {
    return value == null ? "" : value;
  }

  private static String abbreviate(String text) {
    return text.length() <= 200 ? text : text.substring(0, 197) + "...";
  }
}

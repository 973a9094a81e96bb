package dev.dctwin.simulator.demo;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.UnhealthyRacks;
import dev.dctwin.simulator.local.TopicWatcher;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What the console shows while the demo runs, read from the pipeline's outputs as an operator would
 * read them: the alerts topic (open incidents by level, the latest alerts) and the answers topic
 * (the datacenter twins' answers to "which racks are unhealthy?").
 */
final class LiveView implements AutoCloseable {
  private static final DateTimeFormatter CLOCK =
      DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);
  private static final int LATEST = 6;

  private final WireCodec codec = WireCodec.withDefaults();
  private final TopicWatcher alertsTopic;
  private final TopicWatcher answersTopic;
  private final PrintStream out;
  private final boolean terminal;

  /** Per incident, its latest alert. */
  private final Map<String, Alert> incidents = new LinkedHashMap<>();

  private final List<Alert> alerts = new ArrayList<>();
  private final Map<String, UnhealthyRacks> answers = new HashMap<>();
  private final Map<String, UnhealthyRacks> answersById = new HashMap<>();
  private int alertsRead;
  private int answersRead;
  private long lastFrameNanos = System.nanoTime();
  private long parsedAtLastFrame;

  /** The web view's address, repeated in every frame; null without a web view. */
  private final String webUrl;

  LiveView(
      String bootstrapServers,
      String alertsTopic,
      String answersTopic,
      String webUrl,
      PrintStream out) {
    this.webUrl = webUrl;
    this.alertsTopic = new TopicWatcher(bootstrapServers, alertsTopic, true);
    this.answersTopic = new TopicWatcher(bootstrapServers, answersTopic, true);
    this.out = out;
    this.terminal = System.console() != null && out == System.out;
  }

  /** Reads what arrived since the last call. */
  synchronized void poll() {
    List<TopicWatcher.Seen> newAlerts = alertsTopic.seen();
    for (TopicWatcher.Seen seen : newAlerts.subList(alertsRead, newAlerts.size())) {
      decode(seen.value(), MessageType.ALERT, Alert.class)
          .ifPresent(
              alert -> {
                alerts.add(alert);
                incidents.put(alert.incidentId(), alert);
              });
    }
    alertsRead = newAlerts.size();
    List<TopicWatcher.Seen> newAnswers = answersTopic.seen();
    for (TopicWatcher.Seen seen : newAnswers.subList(answersRead, newAnswers.size())) {
      decode(seen.value(), MessageType.UNHEALTHY_RACKS, UnhealthyRacks.class)
          .ifPresent(
              answer -> {
                answersById.put(answer.queryId(), answer);
                UnhealthyRacks previous = answers.get(answer.datacenterId());
                if (previous == null || previous.eventTime() <= answer.eventTime()) {
                  answers.put(answer.datacenterId(), answer);
                }
              });
    }
    answersRead = newAnswers.size();
  }

  /** Every alert read so far, in arrival order (duplicates from at-least-once delivery kept). */
  synchronized List<Alert> alerts() {
    poll();
    return List.copyOf(alerts);
  }

  synchronized boolean answered(String queryId) {
    poll();
    return answersById.containsKey(queryId);
  }

  synchronized boolean anyAnswer() {
    poll();
    return !answersById.isEmpty();
  }

  /**
   * Prints one frame. {@code parsed} is the pipeline's count of parsed messages (negative when the
   * runner does not report metrics while running).
   */
  synchronized void render(String phase, long published, long parsed) {
    poll();
    long now = System.nanoTime();
    double seconds = Math.max(1e-3, (now - lastFrameNanos) / 1e9);
    StringBuilder frame = new StringBuilder();
    if (terminal) {
      frame.append("\033[H\033[2J");
    } else {
      frame.append(String.format("%n"));
    }
    frame.append(
        String.format(
            Locale.ROOT,
            "dctwin demo  %s UTC  %s%n",
            CLOCK.format(Instant.ofEpochMilli(System.currentTimeMillis())),
            phase));
    if (webUrl != null) {
      frame.append(String.format(Locale.ROOT, "  web view   %s%n", webUrl));
    }
    frame.append(
        String.format(
            Locale.ROOT,
            "  input      %,d published by the fleet; pipeline parsed %s%n",
            published,
            parsed < 0
                ? "(no live metrics on this runner)"
                : String.format(
                    Locale.ROOT,
                    "%,d (%,.0f msg/s)",
                    parsed,
                    (parsed - parsedAtLastFrame) / seconds)));
    Map<Level, int[]> open = new EnumMap<>(Level.class);
    for (Level level : Level.values()) {
      open.put(level, new int[2]);
    }
    for (Alert alert : incidents.values()) {
      if (alert.status() == AlertStatus.OPENED) {
        open.get(alert.level())[alert.explainedBy() == null ? 0 : 1]++;
      }
    }
    frame.append("  open       ");
    for (Level level : List.of(Level.DATACENTER, Level.RACK, Level.SERVER)) {
      int[] counts = open.get(level);
      frame.append(
          String.format(
              Locale.ROOT,
              "%s %d%s   ",
              level.name().toLowerCase(Locale.ROOT),
              counts[0],
              counts[1] == 0 ? "" : " (+" + counts[1] + " explained)"));
    }
    frame.append(String.format("%n"));
    if (answers.isEmpty()) {
      frame.append(String.format("  unhealthy  (no answer yet)%n"));
    }
    answers.values().stream()
        .sorted((a, b) -> a.datacenterId().compareTo(b.datacenterId()))
        .forEach(
            answer ->
                frame.append(
                    String.format(
                        Locale.ROOT,
                        "  unhealthy  %s: %s (as of %s)%n",
                        answer.datacenterId(),
                        answer.racks().isEmpty() ? "none" : String.join(", ", answer.racks()),
                        CLOCK.format(Instant.ofEpochMilli(answer.eventTime())))));
    frame.append(String.format("  latest alerts (%d in all):%n", alerts.size()));
    for (Alert alert : alerts.subList(Math.max(0, alerts.size() - LATEST), alerts.size())) {
      frame.append(
          String.format(
              Locale.ROOT,
              "    %s %-8s %-10s %-14s %-24s%s%n",
              CLOCK.format(Instant.ofEpochMilli(alert.eventTime())),
              alert.status(),
              alert.level(),
              alert.entity(),
              alert.incidentType(),
              alert.explainedBy() != null
                  ? " explained by " + alert.explainedBy()
                  : alert.rootCause() != null ? " root cause " + alert.rootCause() : ""));
    }
    out.print(frame);
    out.flush();
    lastFrameNanos = now;
    parsedAtLastFrame = Math.max(0, parsed);
  }

  private <T> Optional<T> decode(String json, MessageType type, Class<T> kind) {
    try {
      Object message = codec.decode(json.getBytes(StandardCharsets.UTF_8), type);
      return kind.isInstance(message) ? Optional.of(kind.cast(message)) : Optional.empty();
    } catch (InvalidMessageException e) {
      return Optional.empty();
    }
  }

  @Override
  public void close() {
    alertsTopic.close();
    answersTopic.close();
  }
}

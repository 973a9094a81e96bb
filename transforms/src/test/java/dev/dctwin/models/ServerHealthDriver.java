package dev.dctwin.models;

import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.SampleMessages;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Drives a {@link ServerHealthModel} on its own, one server's reports and silence timers without
 * the lifecycle of {@link ServerTwin}: every step decodes the stored window and status, evaluates,
 * and encodes the result again, so every test also checks that the encodings lose nothing the model
 * needs.
 */
final class ServerHealthDriver {
  static final String SERVER = "dc1-r01-s01";
  static final long CADENCE_MS = 10_000;

  private final ServerHealthModel model;
  private byte[] window = new ServerWindow().toBytes();
  private byte[] status = ServerStatus.initial().toBytes();
  private long nextTime = SampleMessages.T0;
  final List<IncidentChange> changes = new ArrayList<>();

  ServerHealthDriver(HealthThresholds thresholds) {
    this.model = new ServerHealthModel(thresholds);
  }

  ServerHealthDriver() {
    this(HealthThresholds.defaults());
  }

  /** The event time of the next report. */
  long nextTime() {
    return nextTime;
  }

  /** Moves the clock of the next report forward, as a gap in reporting. */
  void skip(long ms) {
    nextTime += ms;
  }

  HealthEvaluation report(UnaryOperator<ReportBuilder> fault) {
    long time = nextTime;
    nextTime += CADENCE_MS;
    return evaluate(fault.apply(ReportBuilder.at(SERVER, time)));
  }

  HealthEvaluation evaluate(ReportBuilder report) {
    ServerWindow decoded = ServerWindow.fromBytes(window);
    HealthEvaluation evaluation =
        model.evaluate(decoded, report.build(), ServerStatus.fromBytes(status));
    store(decoded, evaluation);
    return evaluation;
  }

  /** {@code count} reports with {@code fault}, returning the changes they made. */
  List<IncidentChange> reports(int count, UnaryOperator<ReportBuilder> fault) {
    List<IncidentChange> made = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      made.addAll(report(fault).changes());
    }
    return made;
  }

  List<IncidentChange> healthy(int count) {
    return reports(count, UnaryOperator.identity());
  }

  HealthEvaluation silence(long now) {
    HealthEvaluation evaluation = model.onSilence(status(), now);
    store(window(), evaluation);
    return evaluation;
  }

  ServerStatus status() {
    return ServerStatus.fromBytes(status);
  }

  ServerWindow window() {
    return ServerWindow.fromBytes(window);
  }

  boolean isOpen(IncidentType type) {
    return status().open().containsKey(type);
  }

  int windowBytes() {
    return window.length;
  }

  int statusBytes() {
    return status.length;
  }

  ServerHealthModel model() {
    return model;
  }

  private void store(ServerWindow decoded, HealthEvaluation evaluation) {
    window = decoded.toBytes();
    status = evaluation.status().toBytes();
    changes.addAll(evaluation.changes());
  }
}

package dev.dctwin.models;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Drives a {@link RackCorrelationModel} as the rack twin's DoFn will: state decoded and encoded on
 * every step, outputs collected, the event-time timer fired when a test advances time.
 */
final class RackTwin {
  final String rackId;
  private final RackCorrelationModel model;
  private byte[] state;
  private OptionalLong timer = OptionalLong.empty();
  final List<Alert> serverAlerts = new ArrayList<>();
  final List<Alert> rackChanges = new ArrayList<>();

  /** A rack whose {@code servers} servers announced themselves, all clear, at {@code time}. */
  RackTwin(RackCorrelationConfig config, String rackId, int servers, long time) {
    this.rackId = rackId;
    this.model = new RackCorrelationModel(config);
    this.state = RackState.empty(rackId, "dc1").toBytes();
    for (int i = 1; i <= servers; i++) {
      incidents(server(i), time);
    }
  }

  RackTwin(int servers, long time) {
    this(RackCorrelationConfig.defaults(), "dc1-r01", servers, time);
  }

  String server(int number) {
    return String.format("%s-s%02d", rackId, number);
  }

  /** A server sends its open set, at the latest opening time (or {@code time} when clear). */
  RackDecision incidents(String serverId, long time, Incident... open) {
    Map<IncidentType, Incident> openSet =
        Arrays.stream(open).collect(Collectors.toMap(Incident::type, Function.identity()));
    return step(model.onServerIncidents(state(), serverId, openSet, time));
  }

  RackDecision left(String serverId, long time) {
    return step(model.onServerLeft(state(), serverId, time));
  }

  RackDecision gone(String serverId, Incident gone) {
    return step(model.onServerGone(state(), serverId, gone, gone.openedAt()));
  }

  /** Fires the timer as the watermark passes it, up to {@code time}. */
  void advanceTo(long time) {
    while (timer.isPresent() && timer.getAsLong() <= time) {
      step(model.onTimer(state(), timer.getAsLong()));
    }
  }

  RackState state() {
    return RackState.fromBytes(state);
  }

  int stateBytes() {
    return state.length;
  }

  OptionalLong timer() {
    return timer;
  }

  private RackDecision step(RackDecision decision) {
    state = decision.state().toBytes();
    timer = decision.nextTimer();
    serverAlerts.addAll(decision.serverAlerts());
    rackChanges.addAll(decision.rackChanges());
    return decision;
  }
}

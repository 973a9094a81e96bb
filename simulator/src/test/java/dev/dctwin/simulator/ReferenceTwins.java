package dev.dctwin.simulator;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.models.DataCenterCorrelationConfig;
import dev.dctwin.models.DataCenterCorrelationModel;
import dev.dctwin.models.DataCenterDecision;
import dev.dctwin.models.DataCenterState;
import dev.dctwin.models.RackCorrelationConfig;
import dev.dctwin.models.RackCorrelationModel;
import dev.dctwin.models.RackDecision;
import dev.dctwin.models.RackState;
import dev.dctwin.models.ServerTwin;
import dev.dctwin.models.ServerTwinDecision;
import dev.dctwin.models.ServerTwinState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PriorityQueue;

/**
 * The three layers of twins of the project's models with default thresholds, driven in event-time
 * order without Beam: what the pipeline computes on a stream in order, with timers firing as event
 * time passes them. Used to check that the simulator's faults are detected and its noise is not.
 */
final class ReferenceTwins {
  private final ServerTwin serverModel = ServerTwin.withDefaults();
  private final RackCorrelationModel rackModel =
      new RackCorrelationModel(RackCorrelationConfig.defaults());
  private final DataCenterCorrelationModel datacenterModel =
      new DataCenterCorrelationModel(DataCenterCorrelationConfig.defaults());

  private final Map<String, ServerTwinState> servers = new HashMap<>();
  private final Map<String, RackState> racks = new HashMap<>();
  private final Map<String, DataCenterState> datacenters = new HashMap<>();
  private final Map<String, Long> timerOf = new HashMap<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          Comparator.comparingLong(Timer::time)
              .thenComparingInt(Timer::layer)
              .thenComparing(Timer::id));
  private final List<Alert> alerts = new ArrayList<>();
  private int uncommissioned;

  /** layer 0 = server silence, 1 = rack, 2 = datacenter. */
  private record Timer(long time, int layer, String id) {}

  List<Alert> alerts() {
    return alerts;
  }

  /** Metric reports and BMC readings of servers that were not commissioned. */
  int uncommissionedReports() {
    return uncommissioned;
  }

  void accept(Message message) {
    advanceTo(message.eventTime() - 1);
    String serverId = ServerTwin.serverIdOf(message);
    if (serverId == null) {
      throw new IllegalArgumentException("not for the twins: " + message.type());
    }
    ServerTwinState state = servers.getOrDefault(serverId, ServerTwinState.notCommissioned());
    applyServer(serverId, serverModel.onMessage(state, message));
  }

  /** Fires every timer due at or before {@code time}. */
  void advanceTo(long time) {
    while (!timers.isEmpty() && timers.peek().time() <= time) {
      Timer timer = timers.poll();
      Long current = timerOf.get(key(timer.layer(), timer.id()));
      if (current == null || current != timer.time()) {
        continue;
      }
      timerOf.remove(key(timer.layer(), timer.id()));
      switch (timer.layer()) {
        case 0 ->
            applyServer(
                timer.id(), serverModel.onSilenceCheck(servers.get(timer.id()), timer.time()));
        case 1 -> applyRack(timer.id(), rackModel.onTimer(racks.get(timer.id()), timer.time()));
        default ->
            applyDatacenter(
                timer.id(), datacenterModel.onTimer(datacenters.get(timer.id()), timer.time()));
      }
    }
  }

  private void applyServer(String serverId, ServerTwinDecision decision) {
    ServerTwinState state = decision.state();
    if (state.isCommissioned()) {
      servers.put(serverId, state);
    } else {
      servers.remove(serverId);
    }
    for (ServerIncidents update : decision.toRack()) {
      RackState rack =
          racks.computeIfAbsent(
              update.rackId(), rackId -> RackState.empty(rackId, update.datacenterId()));
      applyRack(
          update.rackId(),
          update.left()
              ? rackModel.onServerLeft(rack, serverId, update.eventTime())
              : rackModel.onServerIncidents(rack, serverId, update.open(), update.eventTime()));
    }
    for (ServerTwinDecision.Rejected rejected : decision.rejected()) {
      if (rejected.reason() == DeadLetterReason.UNCOMMISSIONED) {
        uncommissioned++;
      }
    }
    schedule(0, serverId, serverModel.silenceDeadline(state));
  }

  private void applyRack(String rackId, RackDecision decision) {
    RackState state = decision.state();
    racks.put(rackId, state);
    alerts.addAll(decision.serverAlerts());
    for (Alert change : decision.rackChanges()) {
      String datacenterId = state.datacenterId();
      datacenters.computeIfAbsent(datacenterId, DataCenterState::empty);
      applyDatacenter(
          datacenterId, datacenterModel.onRackChange(datacenters.get(datacenterId), change));
    }
    schedule(1, rackId, decision.nextTimer());
  }

  private void applyDatacenter(String datacenterId, DataCenterDecision decision) {
    datacenters.put(datacenterId, decision.state());
    alerts.addAll(decision.rackAlerts());
    alerts.addAll(decision.datacenterAlerts());
    schedule(2, datacenterId, decision.nextTimer());
  }

  private void schedule(int layer, String id, OptionalLong time) {
    if (time.isEmpty()) {
      timerOf.remove(key(layer, id));
      return;
    }
    timerOf.put(key(layer, id), time.getAsLong());
    timers.add(new Timer(time.getAsLong(), layer, id));
  }

  private static String key(int layer, String id) {
    return layer + "|" + id;
  }
}

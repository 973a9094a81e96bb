package dev.dctwin.simulator;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.DataCenterCorrelationConfig;
import dev.dctwin.models.DataCenterCorrelationModel;
import dev.dctwin.models.DataCenterDecision;
import dev.dctwin.models.DataCenterState;
import dev.dctwin.models.HealthEvaluation;
import dev.dctwin.models.HealthThresholds;
import dev.dctwin.models.RackCorrelationConfig;
import dev.dctwin.models.RackCorrelationModel;
import dev.dctwin.models.RackDecision;
import dev.dctwin.models.RackState;
import dev.dctwin.models.ServerHealthModel;
import dev.dctwin.models.ServerStatus;
import dev.dctwin.models.ServerWindow;
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
 * Takes metric reports with sensors embedded.
 */
final class ReferenceTwins {
  private final HealthThresholds thresholds = HealthThresholds.defaults();
  private final ServerHealthModel health = new ServerHealthModel(thresholds);
  private final RackCorrelationModel rackModel =
      new RackCorrelationModel(RackCorrelationConfig.defaults());
  private final DataCenterCorrelationModel datacenterModel =
      new DataCenterCorrelationModel(DataCenterCorrelationConfig.defaults());

  private final Map<String, ServerTwin> servers = new HashMap<>();
  private final Map<String, RackState> racks = new HashMap<>();
  private final Map<String, DataCenterState> datacenters = new HashMap<>();
  private final Map<String, Long> timerOf = new HashMap<>();
  private final PriorityQueue<Timer> timers =
      new PriorityQueue<>(
          Comparator.comparingLong(Timer::time)
              .thenComparingInt(Timer::layer)
              .thenComparing(Timer::id));
  private final List<Alert> alerts = new ArrayList<>();
  private int uncommissionedReports;

  private static final class ServerTwin {
    final String rackId;
    final long commissionedAt;
    final ServerWindow window = new ServerWindow();
    ServerStatus status = ServerStatus.initial();

    ServerTwin(String rackId, long commissionedAt) {
      this.rackId = rackId;
      this.commissionedAt = commissionedAt;
    }
  }

  /** layer 0 = server silence, 1 = rack, 2 = datacenter. */
  private record Timer(long time, int layer, String id) {}

  List<Alert> alerts() {
    return alerts;
  }

  int uncommissionedReports() {
    return uncommissionedReports;
  }

  void accept(Message message) {
    advanceTo(message.eventTime() - 1);
    if (message instanceof CommissionServer c) {
      ServerTwin twin = new ServerTwin(c.rackId(), c.eventTime());
      servers.put(c.serverId(), twin);
      racks.computeIfAbsent(c.rackId(), rack -> RackState.empty(rack, c.datacenterId()));
      applyRack(
          c.rackId(),
          rackModel.onServerIncidents(
              racks.get(c.rackId()), c.serverId(), Map.of(), c.eventTime()));
      scheduleSilence(c.serverId(), twin);
    } else if (message instanceof DecommissionServer d) {
      if (servers.remove(d.serverId()) != null) {
        timerOf.remove(key(0, d.serverId()));
        applyRack(
            d.rackId(), rackModel.onServerLeft(racks.get(d.rackId()), d.serverId(), d.eventTime()));
      }
    } else if (message instanceof ServerMetricReport report) {
      ServerTwin twin = servers.get(report.serverId());
      if (twin == null) {
        uncommissionedReports++;
        return;
      }
      HealthEvaluation evaluation = health.evaluate(twin.window, report, twin.status);
      update(report.serverId(), twin, evaluation, report.eventTime());
    } else {
      throw new IllegalArgumentException("not for the twins: " + message.type());
    }
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
        case 0 -> {
          ServerTwin twin = servers.get(timer.id());
          update(timer.id(), twin, health.onSilence(twin.status, timer.time()), timer.time());
        }
        case 1 -> applyRack(timer.id(), rackModel.onTimer(racks.get(timer.id()), timer.time()));
        default ->
            applyDatacenter(
                timer.id(), datacenterModel.onTimer(datacenters.get(timer.id()), timer.time()));
      }
    }
  }

  private void update(String serverId, ServerTwin twin, HealthEvaluation evaluation, long time) {
    twin.status = evaluation.status();
    if (!evaluation.changes().isEmpty()) {
      applyRack(
          twin.rackId,
          rackModel.onServerIncidents(racks.get(twin.rackId), serverId, twin.status.open(), time));
    }
    scheduleSilence(serverId, twin);
  }

  /** Silence counts from the last report, or from commissioning before the first one. */
  private void scheduleSilence(String serverId, ServerTwin twin) {
    OptionalLong deadline;
    if (twin.status.open().containsKey(IncidentType.SERVER_SILENT)) {
      deadline = OptionalLong.empty();
    } else if (twin.status.hasReport()) {
      deadline = health.silenceDeadline(twin.status);
    } else {
      deadline = OptionalLong.of(twin.commissionedAt + thresholds.silenceAfterMs());
    }
    schedule(0, serverId, deadline);
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

package dev.dctwin.models;

import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricEvidence;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.domain.ServerStatusUpdate;
import dev.dctwin.domain.ServerStatusUpdate.Lifecycle;
import dev.dctwin.models.baseline.BaselineConfig;
import dev.dctwin.models.baseline.BaselineVerdict;
import dev.dctwin.models.baseline.Readiness;
import dev.dctwin.models.baseline.ServerBaseline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The twin of one server: its lifecycle, the BMC readings it attaches to metric reports, its
 * silence, and the {@link ServerHealthModel} on every report. Pure and deterministic: no clock, no
 * Beam; event times are epoch ms. The caller hands it one server's messages in event-time order
 * (ties by {@link #LIFECYCLE_ORDER}), calls {@link #onSilenceCheck} when event time passes {@link
 * #silenceDeadline}, stores the state each step returns and sends on its outputs.
 *
 * <ul>
 *   <li>Commissioning tells the rack twin the server's open incidents (none for a new server): the
 *       rack counts its servers. Commissioning again in the same rack keeps the twin's history;
 *       commissioning in another rack is leaving the old rack and joining the new one afresh.
 *   <li>Decommissioning tells the rack that the server left and forgets everything about it.
 *   <li>Metric reports and BMC readings are taken only while the server is commissioned; others are
 *       rejected as {@link DeadLetterReason#UNCOMMISSIONED}, and a report that is not newer than
 *       the last one as {@link DeadLetterReason#OUT_OF_ORDER}.
 *   <li>A report without sensors gets the BMC's latest reading if that is at most {@code
 *       sensorMaxAgeMs} older: an as-of join in event-time order, not the ordered join, because
 *       every report must be evaluated exactly once, also when the BMC is late, silent or faster
 *       than the metrics daemon, whereas the ordered join emits zero to three pairs per report.
 *   <li>The server is silent {@code silenceAfterMs} after its last report, or after its
 *       commissioning before the first one. A timer at that deadline notices it; if none fired
 *       (bounded input runs without silence timers), the next report after the deadline does: the
 *       gap before it was a silence.
 *   <li>A maintenance window of the server is located in its rack and datacenter and passed on to
 *       the datacenter's {@link MaintenanceCalendar}; one of a server that is not commissioned is
 *       rejected as {@link DeadLetterReason#UNKNOWN_ENTITY}.
 *   <li>The server is gone {@code goneAfterMs} (7 days by default) after its last report or
 *       commissioning, whichever is later: it leaves its rack as if decommissioned, with one
 *       SERVER_GONE incident for the rack to announce, and the twin forgets it. A timer at that
 *       {@link #goneDeadline} notices it (with {@link #onGoneCheck}); if none fired, the next
 *       message after the deadline does, before it is taken: it then finds no commissioned server.
 *       This bounds the state of servers that were never decommissioned.
 *   <li>A step that changes what the {@code server_status} table shows of the server (its
 *       lifecycle, rack, open incident types, baseline readiness), or moves its last report time
 *       across a boundary of its refresh grid ({@code statusRefreshMs}), returns its {@link
 *       ServerStatusUpdate}; a server that leaves returns its last one, marked as left.
 *       SERVER-STATUS.md beside this class says why.
 * </ul>
 */
public final class ServerTwin {
  /** How much older than a report a BMC reading may be to be attached to it, by default. */
  public static final long DEFAULT_SENSOR_MAX_AGE_MS = 30_000;

  /** How long a commissioned server may go without a report before it is gone, by default. */
  public static final long DEFAULT_GONE_AFTER_MS = 7L * 24 * 60 * 60 * 1000;

  /**
   * How far a server's last report time may advance before its status is sent again for that alone,
   * by default: a minute of event time.
   */
  public static final long DEFAULT_STATUS_REFRESH_MS = 60_000;

  /**
   * The order of one server's messages that share a timestamp: commission first, then reports and
   * readings, then decommission, so that none of them is rejected for lack of a commissioning.
   */
  public static final Comparator<Message> LIFECYCLE_ORDER =
      Comparator.comparingInt(ServerTwin::lifecycleRank);

  /** Metrics of a learned-baseline incident's evidence, most important first. */
  static final int MAX_EVIDENCE = 20;

  private final ServerHealthModel health;
  private final long silenceAfterMs;
  private final long sensorMaxAgeMs;
  private final boolean learnBaseline;
  private final long goneAfterMs;
  private final long statusRefreshMs;

  /**
   * @param learnBaseline whether every server learns a {@link ServerBaseline} of its metrics and
   *     opens METRIC_ANOMALY when they depart from it
   */
  public ServerTwin(HealthThresholds thresholds, long sensorMaxAgeMs, boolean learnBaseline) {
    this(thresholds, sensorMaxAgeMs, learnBaseline, DEFAULT_GONE_AFTER_MS);
  }

  /**
   * @param goneAfterMs how long after its last report (or commissioning) a server is gone and
   *     forgotten; positive
   */
  public ServerTwin(
      HealthThresholds thresholds, long sensorMaxAgeMs, boolean learnBaseline, long goneAfterMs) {
    this(thresholds, sensorMaxAgeMs, learnBaseline, goneAfterMs, DEFAULT_STATUS_REFRESH_MS);
  }

  /**
   * @param statusRefreshMs how far the last report time may advance before the server's status is
   *     sent again when nothing else changed; positive
   */
  public ServerTwin(
      HealthThresholds thresholds,
      long sensorMaxAgeMs,
      boolean learnBaseline,
      long goneAfterMs,
      long statusRefreshMs) {
    if (goneAfterMs <= 0) {
      throw new IllegalArgumentException("goneAfterMs must be positive, not " + goneAfterMs);
    }
    if (statusRefreshMs <= 0) {
      throw new IllegalArgumentException(
          "statusRefreshMs must be positive, not " + statusRefreshMs);
    }
    this.statusRefreshMs = statusRefreshMs;
    this.health = new ServerHealthModel(thresholds);
    this.silenceAfterMs = thresholds.silenceAfterMs();
    this.sensorMaxAgeMs = sensorMaxAgeMs;
    this.learnBaseline = learnBaseline;
    this.goneAfterMs = goneAfterMs;
  }

  /** Default health thresholds, {@link #DEFAULT_SENSOR_MAX_AGE_MS} and the learned baseline on. */
  public static ServerTwin withDefaults() {
    return new ServerTwin(HealthThresholds.defaults(), DEFAULT_SENSOR_MAX_AGE_MS, true);
  }

  /** How long until the server's learned baseline is ready; empty when it learns none. */
  public Optional<Readiness> baselineReadiness(ServerTwinState state) {
    return state.baseline() == null ? Optional.empty() : Optional.of(state.baseline().readiness());
  }

  /** The server whose twin takes {@code message}, or null when it is not for a server twin. */
  public static String serverIdOf(Message message) {
    if (message instanceof ServerMetricReport report) {
      return report.serverId();
    } else if (message instanceof BmcSensorReading reading) {
      return reading.serverId();
    } else if (message instanceof CommissionServer commission) {
      return commission.serverId();
    } else if (message instanceof DecommissionServer decommission) {
      return decommission.serverId();
    } else if (message instanceof MaintenanceWindow window && window.level() == Level.SERVER) {
      return window.entity();
    }
    return null;
  }

  /**
   * One message of this server: a commission, decommission, metric report or BMC reading. Changes
   * {@code state}'s window in place.
   *
   * @throws IllegalArgumentException for another kind of message or another server's message
   */
  public ServerTwinDecision onMessage(ServerTwinState state, Message message) {
    String serverId = serverIdOf(message);
    if (serverId == null) {
      throw new IllegalArgumentException("not for a server twin: " + message.type());
    }
    if (state.isCommissioned() && !state.identity().serverId().equals(serverId)) {
      throw new IllegalArgumentException(
          "a message of " + serverId + " for the twin of " + state.identity().serverId());
    }
    Step step = new Step(state);
    // However late the timer: a server gone before this message is gone when it arrives.
    step.checkGone(message.eventTime());
    if (message instanceof CommissionServer commission) {
      step.commission(commission);
    } else if (message instanceof DecommissionServer decommission) {
      step.decommission(decommission.eventTime());
    } else if (message instanceof ServerMetricReport report) {
      step.report(report);
    } else if (message instanceof MaintenanceWindow window) {
      step.maintenance(window);
    } else {
      step.sensors((BmcSensorReading) message);
    }
    return step.decision();
  }

  /**
   * Event time has reached {@code now}: opens SERVER_SILENT if the {@link #silenceDeadline} is at
   * or before it, at the deadline, however late the check.
   */
  public ServerTwinDecision onSilenceCheck(ServerTwinState state, long now) {
    Step step = new Step(state);
    step.checkSilence(now);
    return step.decision();
  }

  /**
   * Event time has reached {@code now}: if the {@link #goneDeadline} is at or before it, the server
   * is gone at the deadline. Its rack is told that it left, with a SERVER_GONE incident, and the
   * returned state is not commissioned: the twin forgets it. Opens SERVER_SILENT first if its
   * deadline came before, as {@link #onSilenceCheck} would have.
   */
  public ServerTwinDecision onGoneCheck(ServerTwinState state, long now) {
    Step step = new Step(state);
    step.checkGone(now);
    return step.decision();
  }

  /**
   * When the server is gone if no report arrives: {@code goneAfterMs} after its last report or its
   * commissioning, whichever is later. Empty when it is not commissioned.
   */
  public OptionalLong goneDeadline(ServerTwinState state) {
    return goneDeadline(state.identity(), state.status());
  }

  private OptionalLong goneDeadline(CommissionServer identity, ServerStatus status) {
    if (identity == null) {
      return OptionalLong.empty();
    }
    long lastSeen = Math.max(identity.eventTime(), status.lastReportTime());
    return OptionalLong.of(
        goneAfterMs > Long.MAX_VALUE - lastSeen ? Long.MAX_VALUE : lastSeen + goneAfterMs);
  }

  /**
   * When the server counts as silent if nothing arrives: {@code silenceAfterMs} after its last
   * report, or after its commissioning before the first one. Empty when it is not commissioned or
   * already silent.
   */
  public OptionalLong silenceDeadline(ServerTwinState state) {
    return silenceDeadline(state.identity(), state.status());
  }

  private OptionalLong silenceDeadline(CommissionServer identity, ServerStatus status) {
    if (identity == null || status.open().containsKey(IncidentType.SERVER_SILENT)) {
      return OptionalLong.empty();
    }
    if (!status.hasReport()) {
      return OptionalLong.of(identity.eventTime() + silenceAfterMs);
    }
    return health.silenceDeadline(status);
  }

  private static String anomalyContext(BaselineVerdict verdict, List<MetricEvidence> evidence) {
    StringBuilder context =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "score %.1f above its learned threshold %.1f",
                verdict.score(),
                verdict.openThreshold()));
    for (MetricEvidence metric : evidence.subList(0, Math.min(3, evidence.size()))) {
      context.append(
          String.format(
              Locale.ROOT,
              "; %s %.4g, expected %.4g",
              metric.metric(),
              metric.observed(),
              metric.expected()));
    }
    return context.toString();
  }

  /** {@code 7 days}, {@code 36 h}, {@code 90 s} or {@code 1500 ms}. */
  static String readable(long ms) {
    if (ms % 86_400_000 == 0) {
      long days = ms / 86_400_000;
      return days + (days == 1 ? " day" : " days");
    } else if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + " h";
    } else if (ms % 1_000 == 0) {
      return ms / 1_000 + " s";
    }
    return ms + " ms";
  }

  private static int lifecycleRank(Message message) {
    return switch (message.type()) {
      case COMMISSION -> 0;
      case DECOMMISSION -> 2;
      default -> 1;
    };
  }

  /** One step: the state taken apart, changed, and put together again with what it produced. */
  private final class Step {
    private CommissionServer identity;
    private BmcSensorReading sensors;
    private ServerStatus status;
    private ServerWindow window;
    private ServerBaseline baseline;
    private final List<ServerIncidents> toRack = new ArrayList<>(2);
    private final List<ServerTwinDecision.Rejected> rejected = new ArrayList<>(1);
    private final List<MaintenanceWindow> maintenance = new ArrayList<>(0);
    private boolean reportAccepted;

    /** What the status table showed of the server before this step; null if not commissioned. */
    private final Shown shownBefore;

    private final long lastReportBefore;

    /** How the server left during this step, if it did. */
    private ServerStatusUpdate departure;

    /** The event time of this step's latest change: its status update's time. */
    private long changedAt = Long.MIN_VALUE;

    Step(ServerTwinState state) {
      identity = state.identity();
      sensors = state.sensors();
      status = state.status();
      window = state.window();
      lastReportBefore = status.lastReportTime();
      // A twin stored before the baseline was switched on starts learning now.
      baseline =
          !learnBaseline
              ? null
              : state.baseline() != null || identity == null
                  ? state.baseline()
                  : new ServerBaseline(BaselineConfig.DEFAULT);
      shownBefore = shown();
    }

    void commission(CommissionServer commission) {
      if (identity != null && !identity.rackId().equals(commission.rackId())) {
        decommission(commission.eventTime());
      }
      if (identity == null) {
        status = ServerStatus.initial();
        window = new ServerWindow();
        baseline = learnBaseline ? new ServerBaseline(BaselineConfig.DEFAULT) : null;
      }
      // The host name is the report assembly's; the twin's state does not keep it.
      identity = commission.withoutHostname();
      changed(commission.eventTime());
      tellRack(commission.eventTime(), false);
    }

    void decommission(long eventTime) {
      if (identity == null) {
        return;
      }
      tellRack(eventTime, true);
      left(Lifecycle.DECOMMISSIONED, Set.of(), eventTime);
      forget();
    }

    /** Notes the departure of the server, as the last status update of this identity. */
    private void left(Lifecycle why, Set<IncidentType> open, long eventTime) {
      changed(eventTime);
      departure =
          new ServerStatusUpdate(
              identity.serverId(),
              identity.rackId(),
              identity.datacenterId(),
              why,
              open,
              status.hasReport() ? status.lastReportTime() : null,
              null,
              null,
              changedAt);
    }

    private void changed(long eventTime) {
      changedAt = Math.max(changedAt, eventTime);
    }

    private void forget() {
      identity = null;
      sensors = null;
      status = ServerStatus.initial();
      window = new ServerWindow();
      baseline = null;
    }

    void sensors(BmcSensorReading reading) {
      if (identity == null) {
        reject(DeadLetterReason.UNCOMMISSIONED, "server is not commissioned", reading);
        return;
      }
      sensors = reading;
    }

    void report(ServerMetricReport report) {
      if (identity == null) {
        reject(DeadLetterReason.UNCOMMISSIONED, "server is not commissioned", report);
        return;
      }
      ServerMetricReport withSensors = withLatestSensors(report);
      OptionalLong deadline = silenceDeadline(identity, status);
      if (deadline.isPresent() && report.eventTime() >= deadline.getAsLong()) {
        // The gap before this report was a silence, although no timer told us while it lasted.
        apply(health.onSilence(status, deadline.getAsLong()));
      }
      HealthEvaluation evaluation = health.evaluate(window, withSensors, status);
      if (!evaluation.accepted()) {
        reject(DeadLetterReason.OUT_OF_ORDER, "not newer than the last report", withSensors);
        return;
      }
      reportAccepted = true;
      changed(report.eventTime());
      if (baseline == null) {
        apply(evaluation);
        return;
      }
      ReportMetrics.Sorted metrics = ReportMetrics.sorted(withSensors);
      BaselineVerdict verdict =
          baseline.observe(report.eventTime(), metrics.names(), metrics.values(), metrics.size());
      apply(withBaselineVerdict(evaluation, verdict, report.eventTime()));
    }

    /** The health model's evaluation with METRIC_ANOMALY opened or resolved as learned. */
    private HealthEvaluation withBaselineVerdict(
        HealthEvaluation evaluation, BaselineVerdict verdict, long eventTime) {
      ServerStatus evaluated = evaluation.status();
      Map<IncidentType, Incident> open = new EnumMap<>(IncidentType.class);
      open.putAll(evaluated.open());
      List<IncidentChange> changes = new ArrayList<>(evaluation.changes());
      Incident anomaly = open.get(IncidentType.METRIC_ANOMALY);
      if (verdict.opened() && anomaly == null) {
        List<MetricEvidence> evidence =
            verdict.explanation().stream()
                .limit(MAX_EVIDENCE)
                .map(e -> new MetricEvidence(e.metric(), e.observed(), e.expected()))
                .toList();
        Incident opened =
            new Incident(
                IncidentType.METRIC_ANOMALY,
                IncidentType.METRIC_ANOMALY.defaultSeverity(),
                eventTime,
                anomalyContext(verdict, evidence),
                evidence);
        open.put(IncidentType.METRIC_ANOMALY, opened);
        changes.add(new IncidentChange(opened, true, eventTime));
      } else if (!verdict.incidentOpen() && anomaly != null) {
        open.remove(IncidentType.METRIC_ANOMALY);
        changes.add(new IncidentChange(anomaly, false, eventTime));
      } else {
        return evaluation;
      }
      return new HealthEvaluation(
          new ServerStatus(open, evaluated.checks(), evaluated.lastReportTime()), changes, true);
    }

    void maintenance(MaintenanceWindow window) {
      if (identity == null) {
        reject(DeadLetterReason.UNKNOWN_ENTITY, "server is not commissioned", window);
      } else if (window.datacenterId() != null
          && !window.datacenterId().equals(identity.datacenterId())) {
        reject(
            DeadLetterReason.UNKNOWN_ENTITY,
            "server is commissioned in " + identity.datacenterId(),
            window);
      } else {
        maintenance.add(window.locatedIn(identity.rackId(), identity.datacenterId()));
      }
    }

    void checkSilence(long now) {
      OptionalLong deadline = silenceDeadline(identity, status);
      if (deadline.isPresent() && deadline.getAsLong() <= now) {
        changed(deadline.getAsLong());
        apply(health.onSilence(status, deadline.getAsLong()));
      }
    }

    /**
     * Forgets the server if it was gone by {@code now}: silent first if that came before, then out
     * of its rack with SERVER_GONE, like a decommission.
     */
    void checkGone(long now) {
      OptionalLong deadline = goneDeadline(identity, status);
      if (deadline.isEmpty() || deadline.getAsLong() > now) {
        return;
      }
      long goneAt = deadline.getAsLong();
      checkSilence(goneAt);
      Incident gone =
          new Incident(
              IncidentType.SERVER_GONE,
              IncidentType.SERVER_GONE.defaultSeverity(),
              goneAt,
              "no report for " + readable(goneAfterMs) + "; forgotten until commissioned again");
      toRack.add(
          new ServerIncidents(
              identity.serverId(),
              identity.rackId(),
              identity.datacenterId(),
              Map.of(IncidentType.SERVER_GONE, gone),
              goneAt,
              true));
      left(Lifecycle.GONE, Set.of(IncidentType.SERVER_GONE), goneAt);
      forget();
    }

    private ServerMetricReport withLatestSensors(ServerMetricReport report) {
      if (report.sensors() != null
          || sensors == null
          || report.eventTime() - sensors.eventTime() > sensorMaxAgeMs) {
        return report;
      }
      return report.withSensors(sensors.sensors());
    }

    private void apply(HealthEvaluation evaluation) {
      status = evaluation.status();
      if (!evaluation.changes().isEmpty()) {
        long changedAt =
            evaluation.changes().stream().mapToLong(IncidentChange::eventTime).max().orElseThrow();
        tellRack(changedAt, false);
      }
    }

    private void tellRack(long eventTime, boolean left) {
      Map<IncidentType, Incident> open = left ? Map.of() : status.open();
      toRack.add(
          new ServerIncidents(
              identity.serverId(),
              identity.rackId(),
              identity.datacenterId(),
              open,
              eventTime,
              left));
    }

    private void reject(DeadLetterReason reason, String detail, Message message) {
      rejected.add(new ServerTwinDecision.Rejected(reason, detail, message));
    }

    ServerTwinDecision decision() {
      return new ServerTwinDecision(
          new ServerTwinState(identity, sensors, status, window, baseline),
          toRack,
          rejected,
          reportAccepted,
          maintenance,
          statusUpdate());
    }

    /**
     * The server's status if this step changed what the table shows of it, or advanced its last
     * report time by a refresh interval; otherwise null. A server that left shows how it left.
     */
    private ServerStatusUpdate statusUpdate() {
      if (identity == null) {
        return departure;
      }
      if (shown().equals(shownBefore)
          && !lastReportDue(identity.serverId(), lastReportBefore, status.lastReportTime())) {
        return null;
      }
      OptionalLong expectedReadyAt =
          baseline == null ? OptionalLong.empty() : baseline.expectedReadyAt();
      return new ServerStatusUpdate(
          identity.serverId(),
          identity.rackId(),
          identity.datacenterId(),
          Lifecycle.COMMISSIONED,
          status.open().keySet(),
          status.hasReport() ? status.lastReportTime() : null,
          baseline == null ? null : baseline.readiness().ready(),
          expectedReadyAt.isPresent() ? expectedReadyAt.getAsLong() : null,
          changedAt);
    }

    private Shown shown() {
      return identity == null
          ? null
          : new Shown(
              identity.rackId(),
              identity.datacenterId(),
              Set.copyOf(status.open().keySet()),
              baseline == null ? null : baseline.readiness().ready());
    }
  }

  /** What a status update shows of a server, but its last report time. */
  private record Shown(
      String rackId, String datacenterId, Set<IncidentType> open, Boolean baselineReady) {}

  /**
   * Whether the last report time moved from {@code before} to {@code after} across a boundary of
   * the server's refresh grid: multiples of {@code statusRefreshMs} shifted by a phase of its own
   * (its id's hash, mixed: ids that differ in their last character have hashes 1 apart), so that a
   * fleet's refreshes spread over the interval instead of all landing on the minute. At most one
   * refresh per interval, decided by the two times alone: no state remembers the last one sent. The
   * first report and a reset to none always count.
   */
  private boolean lastReportDue(String serverId, long before, long after) {
    if (before == after) {
      return false;
    }
    if (before == ServerStatus.NO_REPORT || after == ServerStatus.NO_REPORT) {
      return true;
    }
    long phase = Math.floorMod(spread(serverId.hashCode()), statusRefreshMs);
    return Math.floorDiv(before - phase, statusRefreshMs)
        != Math.floorDiv(after - phase, statusRefreshMs);
  }

  /** The SplitMix64 finalizer: every bit of {@code hash} moves every bit of the result. */
  private static long spread(int hash) {
    long z = hash * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}

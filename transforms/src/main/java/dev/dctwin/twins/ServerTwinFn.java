package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.HealthEvaluation;
import dev.dctwin.models.ServerHealthModel;
import dev.dctwin.models.ServerStatus;
import dev.dctwin.models.ServerWindow;
import java.util.Comparator;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * The twin of one server, keyed by server id: knows whether and where the server is commissioned,
 * keeps its 15-minute window, evaluates the {@link ServerHealthModel} on every report in event-time
 * order, notices silence, and tells its rack twin about every change of its open incidents.
 *
 * <p>Silence is judged in event time (a timer at the last report plus the silence interval, fired
 * by the watermark), not processing time: the verdict then depends only on the data, so a replay
 * after a failure gives the same alerts and ids, and a test can drive it with {@code TestStream}.
 * The price is that silence is noticed only while the watermark advances, that is while other
 * servers report; a whole fleet falling silent at once is the ingestion's problem, which the
 * source's idle-partition watermark policy covers.
 */
final class ServerTwinFn extends DoFn<KV<String, Message>, KV<String, ServerIncidents>> {
  static final TupleTag<KV<String, ServerIncidents>> TO_RACK = new TupleTag<>() {};
  static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  // What the twin keeps per server: one cell for the twin, one for its inputs and timer.
  @StateId("server")
  private final StateSpec<ValueState<ServerTwinState>> serverSpec =
      StateSpecs.value(ServerTwinState.CODER);

  @StateId("inbox")
  private final StateSpec<ValueState<Inbox<Message>>> inboxSpec =
      EventTimeBuffer.spec(MessageCoder.of());

  @TimerId("wake")
  private final TimerSpec wakeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private static final WireCodec CODEC = WireCodec.withDefaults();

  /** Commission first, then reports, then decommission, when they share a timestamp. */
  private static final Comparator<Message> TIE_ORDER =
      Comparator.comparingInt(ServerTwinFn::lifecycleRank).thenComparing(CODEC::encodeToString);

  private final TwinsConfig config;
  private final Counter reports = Metrics.counter(DatacenterTwins.class, "server_reports");
  private final Counter uncommissioned =
      Metrics.counter(DatacenterTwins.class, DeadLetterReason.UNCOMMISSIONED.counterName());
  private final Counter outOfOrder =
      Metrics.counter(DatacenterTwins.class, DeadLetterReason.OUT_OF_ORDER.counterName());
  private transient ServerHealthModel model;

  ServerTwinFn(TwinsConfig config) {
    this.config = config;
  }

  @Setup
  public void setup() {
    model = new ServerHealthModel(config.health());
  }

  @ProcessElement
  public void processElement(
      @Element KV<String, Message> element,
      @Timestamp Instant timestamp,
      @StateId("inbox") ValueState<Inbox<Message>> inbox,
      @TimerId("wake") Timer wake) {
    new EventTimeBuffer<>(inbox, wake, config.timerAlignmentMs())
        .add(timestamp.getMillis(), element.getValue());
  }

  @OnTimer("wake")
  public void onWake(
      OnTimerContext context,
      @Key String serverId,
      @StateId("server") ValueState<ServerTwinState> server,
      @StateId("inbox") ValueState<Inbox<Message>> inbox,
      @TimerId("wake") Timer wake,
      MultiOutputReceiver out) {
    long now = context.fireTimestamp().getMillis();
    EventTimeBuffer<Message> buffer = new EventTimeBuffer<>(inbox, wake, config.timerAlignmentMs());
    Twin twin = new Twin(serverId, server, out);
    for (Message message : buffer.drainUpTo(now, TIE_ORDER)) {
      twin.handle(message);
    }
    twin.checkSilence(now);
    twin.store();
    buffer.reschedule(config.silenceTimers() ? twin.silenceDeadline() : OptionalLong.empty());
  }

  private static int lifecycleRank(Message message) {
    return switch (message.type()) {
      case COMMISSION -> 0;
      case DECOMMISSION -> 2;
      default -> 1;
    };
  }

  /** One activation of the twin: state loaded once, changed by the model, stored once. */
  private final class Twin {
    private final String serverId;
    private final ValueState<ServerTwinState> state;
    private final MultiOutputReceiver out;
    private CommissionServer identity;
    private BmcSensorReading sensors;
    private ServerStatus status;
    private ServerWindow window;

    Twin(String serverId, ValueState<ServerTwinState> state, MultiOutputReceiver out) {
      this.serverId = serverId;
      this.state = state;
      this.out = out;
      ServerTwinState stored = state.read();
      if (stored == null) {
        status = ServerStatus.initial();
        window = new ServerWindow();
      } else {
        identity = stored.identity();
        sensors = stored.sensors();
        status = stored.status();
        // The model changes the window in place; it is written back in store().
        window = stored.window();
      }
    }

    void handle(Message message) {
      if (message instanceof CommissionServer commission) {
        commission(commission);
      } else if (message instanceof DecommissionServer decommission) {
        decommission(decommission.eventTime());
      } else if (message instanceof ServerMetricReport report) {
        report(withLatestSensors(report));
      } else if (message instanceof BmcSensorReading reading) {
        sensors(reading);
      } else {
        throw new IllegalArgumentException("not for a server twin: " + message.type());
      }
    }

    private void commission(CommissionServer commission) {
      if (identity != null && !identity.rackId().equals(commission.rackId())) {
        decommission(commission.eventTime());
      }
      if (identity == null) {
        status = ServerStatus.initial();
        window = new ServerWindow();
      }
      identity = commission;
      tellRack(commission.eventTime(), false);
    }

    private void decommission(long eventTime) {
      if (identity == null) {
        return;
      }
      tellRack(eventTime, true);
      identity = null;
      sensors = null;
      status = ServerStatus.initial();
      window = new ServerWindow();
    }

    private void sensors(BmcSensorReading reading) {
      if (identity == null) {
        uncommissioned.inc();
        deadLetter(reading, DeadLetterReason.UNCOMMISSIONED, "server is not commissioned");
        return;
      }
      sensors = reading;
    }

    /**
     * Attaches the BMC's latest reading to an operating-system report that arrived without one. An
     * as-of join in event-time order, not the ordered join: every report must be evaluated exactly
     * once, also when the BMC is late, silent or faster than the metrics daemon, whereas the
     * ordered join emits zero to three pairs per report.
     */
    private ServerMetricReport withLatestSensors(ServerMetricReport report) {
      if (report.sensors() != null
          || sensors == null
          || report.eventTime() - sensors.eventTime() > config.sensorMaxAgeMs()) {
        return report;
      }
      return report.withSensors(sensors.sensors());
    }

    private void report(ServerMetricReport report) {
      if (identity == null) {
        uncommissioned.inc();
        deadLetter(report, DeadLetterReason.UNCOMMISSIONED, "server is not commissioned");
        return;
      }
      OptionalLong deadline = silenceDeadline();
      if (deadline.isPresent() && report.eventTime() >= deadline.getAsLong()) {
        // The gap before this report was a silence, although no timer told us while it lasted.
        apply(model.onSilence(status, deadline.getAsLong()));
      }
      HealthEvaluation evaluation = model.evaluate(window, report, status);
      if (!evaluation.accepted()) {
        outOfOrder.inc();
        deadLetter(report, DeadLetterReason.OUT_OF_ORDER, "not newer than the last report");
        return;
      }
      reports.inc();
      apply(evaluation);
    }

    void checkSilence(long now) {
      OptionalLong deadline = silenceDeadline();
      if (config.silenceTimers() && deadline.isPresent() && deadline.getAsLong() <= now) {
        apply(model.onSilence(status, deadline.getAsLong()));
      }
    }

    /**
     * When the server counts as silent if nothing arrives: after its last report or commissioning.
     */
    OptionalLong silenceDeadline() {
      if (identity == null || status.open().containsKey(IncidentType.SERVER_SILENT)) {
        return OptionalLong.empty();
      }
      if (!status.hasReport()) {
        return OptionalLong.of(identity.eventTime() + config.health().silenceAfterMs());
      }
      return model.silenceDeadline(status);
    }

    private void apply(HealthEvaluation evaluation) {
      status = evaluation.status();
      if (!evaluation.changes().isEmpty()) {
        long changedAt =
            evaluation.changes().stream()
                .mapToLong(change -> change.eventTime())
                .max()
                .orElseThrow();
        tellRack(changedAt, false);
      }
    }

    private void tellRack(long eventTime, boolean left) {
      Map<IncidentType, dev.dctwin.domain.Incident> open = left ? Map.of() : status.open();
      out.get(TO_RACK)
          .output(
              KV.of(
                  identity.rackId(),
                  new ServerIncidents(
                      serverId,
                      identity.rackId(),
                      identity.datacenterId(),
                      open,
                      eventTime,
                      left)));
    }

    private void deadLetter(Message report, DeadLetterReason reason, String detail) {
      out.get(DEAD_LETTERS)
          .output(
              DeadLetter.of(
                  "twin:" + serverId,
                  reason,
                  detail,
                  CODEC.encode(report),
                  System.currentTimeMillis()));
    }

    void store() {
      if (identity == null) {
        state.clear();
      } else {
        state.write(new ServerTwinState(identity, sensors, status, window));
      }
    }
  }
}

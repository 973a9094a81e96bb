package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.Received;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerStatusUpdate;
import dev.dctwin.models.ServerTwin;
import dev.dctwin.models.ServerTwinDecision;
import dev.dctwin.models.ServerTwinState;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
 * The twin of one server, keyed by server id: runs the {@link ServerTwin} model (commissioning, BMC
 * readings, the health model on every report, silence) on the server's messages in event-time
 * order, tells its rack twin about every change of its open incidents, sends what the model rejects
 * to the dead letters and the server's status, when it changed, to {@link #SERVER_STATUS} (at most
 * one per timer firing: the latest). A dead letter names the origin of the message it rejects: the
 * inbox keeps each message's origin with it (null for a report assembled from agents' samples).
 *
 * <p>Silence is judged in event time (a timer at the model's silence deadline, fired by the
 * watermark), not processing time: the verdict then depends only on the data, so a replay after a
 * failure gives the same alerts and ids, and a test can drive it with {@code TestStream}. The price
 * is that silence is noticed only while the watermark advances, that is while other servers report;
 * a whole fleet falling silent at once is the ingestion's problem, which the source's
 * idle-partition watermark policy covers.
 *
 * <p>The same timer forgets a server that has been without a report for {@link
 * TwinsConfig#serverGoneAfterMs()} (7 days by default): the model announces SERVER_GONE and takes
 * it out of its rack, and both state cells are cleared, so that servers which stop reporting and
 * are never decommissioned do not keep state for ever.
 */
final class ServerTwinFn extends DoFn<KV<String, Received>, KV<String, ServerIncidents>> {
  static final TupleTag<KV<String, ServerIncidents>> TO_RACK = new TupleTag<>() {};
  static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};
  static final TupleTag<KV<String, Message>> TO_MAINTENANCE = new TupleTag<>() {};
  static final TupleTag<ServerStatusUpdate> SERVER_STATUS = new TupleTag<>() {};

  // What the twin keeps per server: one cell for the model's state, one for its inputs and timer.
  // Both are cleared when the server is decommissioned or gone and nothing is pending.
  @StateId("server")
  private final StateSpec<ValueState<ServerTwinState>> serverSpec =
      StateSpecs.value(ModelStateCoders.SERVER_TWIN_STATE);

  @StateId("inbox")
  private final StateSpec<ValueState<Inbox<Message>>> inboxSpec =
      EventTimeBuffer.spec(MessageCoder.of());

  @TimerId("wake")
  private final TimerSpec wakeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private static final WireCodec CODEC = WireCodec.withDefaults();

  /** The model's lifecycle order, then the content, when messages share a timestamp. */
  private static final Comparator<Message> TIE_ORDER =
      ServerTwin.LIFECYCLE_ORDER.thenComparing(CODEC::encodeToString);

  private final TwinsConfig config;
  private final Counter reports = Metrics.counter(DatacenterTwins.class, "server_reports");
  private final Map<DeadLetterReason, Counter> deadLettersByReason =
      new EnumMap<>(DeadLetterReason.class);
  private transient ServerTwin model;

  ServerTwinFn(TwinsConfig config) {
    this.config = config;
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLettersByReason.put(reason, Metrics.counter(DatacenterTwins.class, reason.counterName()));
    }
  }

  @Setup
  public void setup() {
    model =
        new ServerTwin(
            config.health(),
            config.sensorMaxAgeMs(),
            config.learnedBaseline(),
            config.serverGoneAfterMs(),
            config.statusRefreshMs());
  }

  @ProcessElement
  public void processElement(
      @Element KV<String, Received> element,
      @Timestamp Instant timestamp,
      @StateId("inbox") ValueState<Inbox<Message>> inbox,
      @TimerId("wake") Timer wake) {
    Received received = element.getValue();
    new EventTimeBuffer<>(inbox, wake, config.timerAlignmentMs())
        .add(timestamp.getMillis(), received.message(), received.origin());
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
    ServerTwinState stored = server.read();
    ServerTwinState state = stored == null ? ServerTwinState.notCommissioned() : stored;
    List<ServerStatusUpdate> statuses = new ArrayList<>();
    for (Inbox.Entry<Message> entry : buffer.drainEntriesUpTo(now, TIE_ORDER)) {
      state = emit(serverId, model.onMessage(state, entry.value()), entry.origin(), out, statuses);
    }
    if (config.silenceTimers()) {
      state = emit(serverId, model.onSilenceCheck(state, now), null, out, statuses);
      state = emit(serverId, model.onGoneCheck(state, now), null, out, statuses);
    }
    // One status per wake, the latest: the table is keyed by server and ordered by event time,
    // and two rows of one wake could share it.
    if (!statuses.isEmpty()) {
      out.get(SERVER_STATUS).output(statuses.get(statuses.size() - 1));
    }
    if (state.isCommissioned()) {
      // Also when nothing else changed: the model changed the window in place.
      server.write(state);
    } else {
      server.clear();
    }
    if (config.silenceTimers()) {
      buffer.reschedule(model.silenceDeadline(state), model.goneDeadline(state));
    } else {
      buffer.reschedule();
    }
  }

  /** {@code origin}: of the message the model decided on; it rejects at most that one. */
  private ServerTwinState emit(
      String serverId,
      ServerTwinDecision decision,
      MessageOrigin origin,
      MultiOutputReceiver out,
      List<ServerStatusUpdate> statuses) {
    if (decision.statusUpdate() != null) {
      statuses.add(decision.statusUpdate());
    }
    for (ServerIncidents update : decision.toRack()) {
      out.get(TO_RACK).output(KV.of(update.rackId(), update));
    }
    for (ServerTwinDecision.Rejected rejection : decision.rejected()) {
      deadLettersByReason.get(rejection.reason()).inc();
      out.get(DEAD_LETTERS)
          .output(
              DeadLetter.of(
                  "twin:" + serverId,
                  rejection.reason(),
                  rejection.detail(),
                  CODEC.encode(rejection.message()),
                  System.currentTimeMillis(),
                  origin,
                  DeadLetter.DEFAULT_MAX_KEPT_BYTES));
    }
    for (MaintenanceWindow window : decision.maintenance()) {
      out.get(TO_MAINTENANCE).output(KV.of(window.datacenterId(), window));
    }
    if (decision.reportAccepted()) {
      reports.inc();
    }
    return decision.state();
  }
}

package dev.dctwin.twins;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.models.RackCorrelationModel;
import dev.dctwin.models.RackDecision;
import dev.dctwin.models.RackState;
import java.util.Comparator;
import org.apache.beam.sdk.coders.ByteArrayCoder;
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
 * The twin of one rack, keyed by rack id: keeps its servers' open incidents, runs the {@link
 * RackCorrelationModel}, releases server alerts (linked to the rack incident that explains them)
 * and reports rack incidents to its datacenter twin.
 */
final class RackTwinFn extends DoFn<KV<String, ServerIncidents>, Alert> {
  static final TupleTag<Alert> SERVER_ALERTS = new TupleTag<>() {};
  static final TupleTag<KV<String, Message>> TO_DATACENTER = new TupleTag<>() {};

  // What the twin keeps per rack.
  @StateId("rack")
  private final StateSpec<ValueState<byte[]>> rackSpec = StateSpecs.value(ByteArrayCoder.of());

  @StateId("inbox")
  private final StateSpec<ValueState<Inbox<ServerIncidents>>> inboxSpec =
      EventTimeBuffer.spec(RecordCoder.of(ServerIncidents.class));

  @TimerId("wake")
  private final TimerSpec wakeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private static final Comparator<ServerIncidents> TIE_ORDER =
      Comparator.comparingLong(ServerIncidents::eventTime)
          .thenComparing(ServerIncidents::serverId)
          .thenComparing(ServerIncidents::left);

  private final TwinsConfig config;
  private final Counter rackIncidents = Metrics.counter(DatacenterTwins.class, "rack_incidents");
  private transient RackCorrelationModel model;

  RackTwinFn(TwinsConfig config) {
    this.config = config;
  }

  @Setup
  public void setup() {
    model = new RackCorrelationModel(config.rack());
  }

  @ProcessElement
  public void processElement(
      @Element KV<String, ServerIncidents> element,
      @Timestamp Instant timestamp,
      @StateId("inbox") ValueState<Inbox<ServerIncidents>> inbox,
      @TimerId("wake") Timer wake) {
    new EventTimeBuffer<>(inbox, wake, config.timerAlignmentMs())
        .add(timestamp.getMillis(), element.getValue());
  }

  @OnTimer("wake")
  public void onWake(
      OnTimerContext context,
      @Key String rackId,
      @StateId("rack") ValueState<byte[]> rack,
      @StateId("inbox") ValueState<Inbox<ServerIncidents>> inbox,
      @TimerId("wake") Timer wake,
      MultiOutputReceiver out) {
    long now = context.fireTimestamp().getMillis();
    EventTimeBuffer<ServerIncidents> buffer =
        new EventTimeBuffer<>(inbox, wake, config.timerAlignmentMs());
    byte[] stored = rack.read();
    RackState state = stored == null ? null : RackState.fromBytes(stored);
    for (ServerIncidents update : buffer.drainUpTo(now, TIE_ORDER)) {
      if (state == null) {
        state = RackState.empty(rackId, update.datacenterId());
      }
      Incident gone = update.left() ? update.open().get(IncidentType.SERVER_GONE) : null;
      RackDecision decision =
          gone != null
              ? model.onServerGone(state, update.serverId(), gone, update.eventTime())
              : update.left()
                  ? model.onServerLeft(state, update.serverId(), update.eventTime())
                  : model.onServerIncidents(
                      state, update.serverId(), update.open(), update.eventTime());
      state = emit(decision, out);
    }
    if (state != null) {
      state = emit(model.onTimer(state, now), out);
    }
    if (state == null || isEmpty(state)) {
      rack.clear();
      buffer.reschedule();
    } else {
      rack.write(state.toBytes());
      buffer.reschedule(state.nextTimer());
    }
  }

  private RackState emit(RackDecision decision, MultiOutputReceiver out) {
    decision.serverAlerts().forEach(out.get(SERVER_ALERTS)::output);
    for (Alert change : decision.rackChanges()) {
      rackIncidents.inc();
      out.get(TO_DATACENTER).output(KV.of(change.datacenterId(), change));
    }
    return decision.state();
  }

  /** A rack without servers, incidents or held alerts has nothing worth keeping. */
  private static boolean isEmpty(RackState state) {
    return state.servers().isEmpty()
        && state.rackIncidents().isEmpty()
        && state.nextTimer().isEmpty();
  }
}

package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.UnhealthyRacks;
import dev.dctwin.models.DataCenterCorrelationModel;
import dev.dctwin.models.DataCenterDecision;
import dev.dctwin.models.DataCenterState;
import java.util.ArrayList;
import java.util.Comparator;
import org.apache.beam.sdk.coders.ByteArrayCoder;
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
 * The twin of one datacenter, keyed by datacenter id: keeps the latest incident state of every
 * rack, correlates racks into datacenter incidents with the {@link DataCenterCorrelationModel},
 * releases rack alerts (linked to the datacenter incident that explains them), and answers {@link
 * GetUnhealthyRacks}.
 */
final class DataCenterTwinFn extends DoFn<KV<String, Message>, Alert> {
  static final TupleTag<Alert> ALERTS = new TupleTag<>() {};
  static final TupleTag<UnhealthyRacks> ANSWERS = new TupleTag<>() {};

  // What the twin keeps per datacenter.
  @StateId("datacenter")
  private final StateSpec<ValueState<byte[]>> datacenterSpec =
      StateSpecs.value(ByteArrayCoder.of());

  @StateId("inbox")
  private final StateSpec<ValueState<Inbox<Message>>> inboxSpec =
      EventTimeBuffer.spec(MessageCoder.of());

  @TimerId("wake")
  private final TimerSpec wakeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  /** Rack changes before queries at the same time, so that an answer includes them. */
  private static final Comparator<Message> TIE_ORDER =
      Comparator.comparingLong(Message::eventTime)
          .thenComparing(message -> message instanceof GetUnhealthyRacks)
          .thenComparing(DataCenterTwinFn::tieKey);

  private final TwinsConfig config;
  private transient DataCenterCorrelationModel model;

  DataCenterTwinFn(TwinsConfig config) {
    this.config = config;
  }

  @Setup
  public void setup() {
    model = new DataCenterCorrelationModel(config.datacenter());
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
      @Key String datacenterId,
      @StateId("datacenter") ValueState<byte[]> datacenter,
      @StateId("inbox") ValueState<Inbox<Message>> inbox,
      @TimerId("wake") Timer wake,
      MultiOutputReceiver out) {
    long now = context.fireTimestamp().getMillis();
    EventTimeBuffer<Message> buffer = new EventTimeBuffer<>(inbox, wake, config.timerAlignmentMs());
    byte[] stored = datacenter.read();
    DataCenterState state =
        stored == null ? DataCenterState.empty(datacenterId) : DataCenterState.fromBytes(stored);
    for (Message message : buffer.drainUpTo(now, TIE_ORDER)) {
      if (message instanceof GetUnhealthyRacks query) {
        state = emit(model.onTimer(state, query.eventTime()), out);
        out.get(ANSWERS)
            .output(
                new UnhealthyRacks(
                    query.queryId(),
                    datacenterId,
                    new ArrayList<>(model.unhealthyRacks(state)),
                    query.eventTime()));
      } else if (message instanceof Alert rackChange) {
        state = emit(model.onRackChange(state, rackChange), out);
      }
    }
    state = emit(model.onTimer(state, now), out);
    if (state.racks().isEmpty()
        && state.datacenterIncidents().isEmpty()
        && state.nextTimer().isEmpty()) {
      datacenter.clear();
      buffer.reschedule();
    } else {
      datacenter.write(state.toBytes());
      buffer.reschedule(state.nextTimer());
    }
  }

  private static DataCenterState emit(DataCenterDecision decision, MultiOutputReceiver out) {
    decision.rackAlerts().forEach(out.get(ALERTS)::output);
    decision.datacenterAlerts().forEach(out.get(ALERTS)::output);
    return decision.state();
  }

  private static String tieKey(Message message) {
    if (message instanceof Alert alert) {
      return alert.entity() + "|" + alert.incidentType() + "|" + alert.status();
    }
    return ((GetUnhealthyRacks) message).queryId();
  }
}

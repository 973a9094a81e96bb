package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.models.MaintenanceCalendar;
import dev.dctwin.models.MaintenanceState;
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
import org.joda.time.Instant;

/**
 * The maintenance calendar of one datacenter, keyed by datacenter id: keeps its maintenance windows
 * and marks every alert of the datacenter (server, rack and datacenter level) with the {@link
 * MaintenanceCalendar}. The last step before the alert sinks: the twins decide as if there were no
 * maintenance (an incident in maintenance is still an incident), and only paging depends on it.
 */
final class MaintenanceFn extends DoFn<KV<String, Message>, Alert> {
  // What the calendar keeps per datacenter: its windows and marked open incidents (the model's
  // bytes), and its inputs until the watermark passes them, for the event-time order.
  @StateId("calendar")
  private final StateSpec<ValueState<byte[]>> calendarSpec = StateSpecs.value(ByteArrayCoder.of());

  @StateId("inbox")
  private final StateSpec<ValueState<Inbox<Message>>> inboxSpec =
      EventTimeBuffer.spec(MessageCoder.of());

  @TimerId("wake")
  private final TimerSpec wakeSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  /** Windows before alerts at the same time, so that a window starting then marks them. */
  private static final Comparator<Message> TIE_ORDER =
      Comparator.comparing((Message message) -> !(message instanceof MaintenanceWindow))
          .thenComparing(MaintenanceFn::tieKey);

  private final TwinsConfig config;
  private final Counter marked = Metrics.counter(DatacenterTwins.class, "alerts_in_maintenance");
  private transient MaintenanceCalendar model;

  MaintenanceFn(TwinsConfig config) {
    this.config = config;
  }

  @Setup
  public void setup() {
    model = MaintenanceCalendar.withDefaults();
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
      @StateId("calendar") ValueState<byte[]> calendar,
      @StateId("inbox") ValueState<Inbox<Message>> inbox,
      @TimerId("wake") Timer wake,
      OutputReceiver<Alert> out) {
    long now = context.fireTimestamp().getMillis();
    EventTimeBuffer<Message> buffer = new EventTimeBuffer<>(inbox, wake, config.timerAlignmentMs());
    byte[] stored = calendar.read();
    MaintenanceState state =
        stored == null ? MaintenanceState.empty(datacenterId) : MaintenanceState.fromBytes(stored);
    for (Message message : buffer.drainUpTo(now, TIE_ORDER)) {
      if (message instanceof MaintenanceWindow window) {
        state = model.onWindow(state, window);
      } else {
        MaintenanceCalendar.Decision decision = model.onAlert(state, (Alert) message, now);
        for (Alert alert : decision.alerts()) {
          if (alert.inMaintenance()) {
            marked.inc();
          }
          out.output(alert);
        }
        state = decision.state();
      }
    }
    state = model.onTimer(state, now);
    if (state.isEmpty()) {
      calendar.clear();
      buffer.reschedule();
    } else {
      calendar.write(state.toBytes());
      buffer.reschedule(model.nextTimer(state));
    }
  }

  private static String tieKey(Message message) {
    if (message instanceof Alert alert) {
      return alert.id() + "|" + alert.entity();
    }
    MaintenanceWindow window = (MaintenanceWindow) message;
    return window.level() + "|" + window.entity() + "|" + window.eventTime();
  }
}

package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.models.HealthThresholds;
import dev.dctwin.models.ReportBuilder;
import dev.dctwin.models.ServerTwin;
import dev.dctwin.models.ServerTwinState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;

/**
 * The bytes a {@link ServerTwinFn} keeps for one server after 15 minutes of 10-second reports,
 * encoded with the coders the DoFn's state specs use, and what its inbox holds while a report waits
 * for the watermark. Run as a benchmark command:
 *
 * <pre>
 * mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.dctwin.twins.ServerTwinStateSize
 * </pre>
 */
public final class ServerTwinStateSize {
  static final long T0 = FleetScenario.T0;

  private ServerTwinStateSize() {}

  /**
   * State bytes by cell (twin, inbox) after {@code reports} reports, 10 s apart, with the given
   * fault; with or without the learned baseline, whose own bound is ServerBaselineTest's.
   */
  static long[] measure(int reports, boolean faulty, boolean learnedBaseline) throws IOException {
    ServerTwinState state = state(reports, faulty, learnedBaseline);
    ByteArrayOutputStream server = new ByteArrayOutputStream();
    ModelStateCoders.SERVER_TWIN_STATE.encode(state, server);
    // Between reports the inbox holds nothing but the silence timer's time.
    Inbox<Message> idle = new Inbox<>();
    idle.wakeUpAt(T0 + reports * 10_000L + 60_000);
    ByteArrayOutputStream inbox = new ByteArrayOutputStream();
    Inbox.coder(MessageCoder.of()).encode(idle, inbox);
    return new long[] {server.size(), inbox.size()};
  }

  /**
   * The server twin's state after {@code reports} reports, 10 s apart, with the given fault, and
   * the BMC's latest reading.
   */
  static ServerTwinState state(int reports, boolean faulty, boolean learnedBaseline) {
    ServerTwin model =
        new ServerTwin(
            HealthThresholds.defaults(), ServerTwin.DEFAULT_SENSOR_MAX_AGE_MS, learnedBaseline);
    ServerTwinState state =
        model
            .onMessage(
                ServerTwinState.notCommissioned(),
                new CommissionServer("dc1-r01-s01", "dc1-r01", "dc1", T0 - 1_000))
            .state();
    for (int i = 0; i < reports; i++) {
      long time = T0 + i * 10_000L;
      ReportBuilder report = ReportBuilder.at("dc1-r01-s01", time);
      if (faulty) {
        report.packetLoss(0.2).cpuSteal(30).inlet(45).failedDisks(1);
      }
      state = model.onMessage(state, report.build()).state();
    }
    // The BMC reports on its own series; the twin keeps its latest reading.
    BmcSensorReading reading =
        new BmcSensorReading("dc1-r01-s01", T0 + reports * 10_000L, SampleMessages.sensors());
    return model.onMessage(state, reading).state();
  }

  /**
   * The inbox while a report waits for the watermark, the timer set: the bytes each input of the
   * server twin writes to state and reads back, with the origin of its record or without.
   */
  static long pendingReportBytes(MessageOrigin origin) throws IOException {
    Inbox<Message> inbox = new Inbox<>();
    inbox.wakeUpAt(T0 + 60_000);
    inbox.add(T0, ReportBuilder.at("dc1-r01-s01", T0).build(), origin);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Inbox.coder(MessageCoder.of()).encode(inbox, bytes);
    return bytes.size();
  }

  public static void main(String[] args) throws IOException {
    for (boolean learned : new boolean[] {false, true}) {
      for (boolean faulty : new boolean[] {false, true}) {
        long[] cells = measure(90, faulty, learned);
        System.out.printf(
            "server twin state after 15 min of 10 s reports (%s, learned baseline %s): twin %d B,"
                + " inbox %d B -> total %d B (goal <= %d B)%n",
            faulty ? "4 open incidents" : "healthy",
            learned ? "on" : "off",
            cells[0],
            cells[1],
            cells[0] + cells[1],
            learned ? 4096 + 32768 : 4096);
      }
    }
    System.out.printf(
        "server twin inbox holding one report: %d B of unknown origin, %d B with its Kafka origin"
            + " (dctwin.metrics, partition 3, offset 1234567)%n",
        pendingReportBytes(null),
        pendingReportBytes(MessageOrigin.kafka("dctwin.metrics", 3, 1_234_567)));
  }
}

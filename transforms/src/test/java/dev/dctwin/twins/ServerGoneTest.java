package dev.dctwin.twins;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.ReceivedCoder;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.Received;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.models.ReportBuilder;
import dev.dctwin.models.ServerTwin;
import dev.dctwin.testing.KeyedDoFnHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/**
 * A commissioned server that never reports and is never decommissioned is forgotten after its TTL
 * (7 days by default), with one SERVER_GONE alert, out of its rack, its state cells cleared.
 */
public class ServerGoneTest {
  private static final long T0 = SampleMessages.T0;
  private static final long DAY = 86_400_000;
  private static final long COMMISSIONED = T0 - 1_000;
  private static final long GONE_AT = COMMISSIONED + ServerTwin.DEFAULT_GONE_AFTER_MS;

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /**
   * Rack r01: s01 and s02 report once a day, s03 never. Silence after two days; s03 is silent, then
   * gone on day 7: its silence resolves, one SERVER_GONE alert says it is gone, and the rack counts
   * two servers (a packet-loss burst of s01 and s02 on day 8 is "2 of 2 servers"). Its report on
   * day 8 is a dead letter: the twin forgot it.
   */
  @Test
  public void aServerThatNeverReportsIsGoneAfterSevenDaysWithOneAlertAndLeavesItsRack() {
    TestStream.Builder<Message> stream =
        TestStream.create(MessageCoder.of())
            .advanceWatermarkTo(new Instant(COMMISSIONED - 1))
            .addElements(
                at(new CommissionServer("dc1-r01-s01", "dc1-r01", "dc1", COMMISSIONED)),
                at(new CommissionServer("dc1-r01-s02", "dc1-r01", "dc1", COMMISSIONED)),
                at(new CommissionServer("dc1-r01-s03", "dc1-r01", "dc1", COMMISSIONED)));
    for (int day = 0; day < 8; day++) {
      long time = T0 + day * DAY;
      stream =
          stream
              .addElements(report("dc1-r01-s01", time, false), report("dc1-r01-s02", time, false))
              .advanceWatermarkTo(new Instant(time + DAY / 2));
    }
    long burst = T0 + 8 * DAY;
    stream = stream.addElements(report("dc1-r01-s03", burst, false));
    for (long time = burst; time < burst + 5 * 60_000; time += 10_000) {
      stream =
          stream
              .addElements(report("dc1-r01-s01", time, true), report("dc1-r01-s02", time, true))
              .advanceWatermarkTo(new Instant(time + 1));
    }
    long end = burst + 10 * 60_000;
    PCollectionTuple twins =
        pipeline
            .apply(
                stream
                    .addElements(
                        at(new DecommissionServer("dc1-r01-s01", "dc1-r01", "dc1", end)),
                        at(new DecommissionServer("dc1-r01-s02", "dc1-r01", "dc1", end)))
                    .advanceWatermarkToInfinity())
            .apply(
                DatacenterTwins.create()
                    .withConfig(
                        TwinsConfig.defaults()
                            .withLearnedBaseline(false)
                            .withHealth(
                                TwinsConfig.defaults().health().withSilenceAfterMs(2 * DAY))));

    PAssert.that(twins.get(DatacenterTwins.ALERTS))
        .satisfies(
            all -> {
              List<Alert> alerts = new ArrayList<>();
              all.forEach(alerts::add);
              List<Alert> gone =
                  alerts.stream()
                      .filter(a -> a.incidentType() == IncidentType.SERVER_GONE)
                      .collect(Collectors.toList());
              assertThat(alerts.toString(), gone, hasSize(1));
              Alert alert = gone.get(0);
              assertThat(alert.entity(), equalTo("dc1-r01-s03"));
              assertThat(alert.rackId(), equalTo("dc1-r01"));
              assertThat(alert.level(), equalTo(Level.SERVER));
              assertThat(alert.status(), equalTo(AlertStatus.RESOLVED));
              assertThat(alert.openedAt(), equalTo(GONE_AT));
              assertThat(alert.eventTime(), equalTo(GONE_AT));
              assertThat(
                  alert.context(),
                  equalTo("no report for 7 days; forgotten until commissioned again"));

              assertThat(
                  alerts.stream()
                      .filter(a -> a.entity().equals("dc1-r01-s03"))
                      .map(a -> a.incidentType() + " " + a.status() + " " + a.eventTime())
                      .collect(Collectors.toList()),
                  containsInAnyOrder(
                      "SERVER_SILENT OPENED " + (COMMISSIONED + 2 * DAY + 30_000),
                      "SERVER_SILENT RESOLVED " + GONE_AT,
                      "SERVER_GONE RESOLVED " + GONE_AT));

              List<String> rackOpened =
                  alerts.stream()
                      .filter(a -> a.level() == Level.RACK && a.status() == AlertStatus.OPENED)
                      .map(a -> a.incidentType() + ": " + a.context())
                      .collect(Collectors.toList());
              assertThat(rackOpened, contains("TOR_SWITCH: 2 of 2 servers: NIC_PACKET_LOSS"));
              return null;
            });
    PAssert.that(twins.get(DatacenterTwins.DEAD_LETTERS))
        .satisfies(
            all -> {
              List<DeadLetter> letters = new ArrayList<>();
              all.forEach(letters::add);
              assertThat(letters.toString(), letters, hasSize(1));
              assertThat(letters.get(0).reason(), equalTo(DeadLetterReason.UNCOMMISSIONED));
              assertThat(letters.get(0).source(), equalTo("twin:dc1-r01-s03"));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  /**
   * The server twin's DoFn on its own, its state cells inspected: ten thousand servers commissioned
   * and never heard of again keep their state for 7 days of event time, and none is left after; nor
   * a timer. Each told its rack three times: joined, silent, gone; and sent its status as often.
   */
  @Test
  public void theStateOfGoneServersIsCleared() {
    ServerTwinFn fn = new ServerTwinFn(TwinsConfig.defaults());
    fn.setup();
    KeyedDoFnHarness<String, Received, KV<String, ServerIncidents>> twins =
        new KeyedDoFnHarness<>(
            fn,
            KvCoder.of(StringUtf8Coder.of(), ReceivedCoder.of()),
            ServerTwinFn.TO_RACK,
            List.of(
                ServerTwinFn.DEAD_LETTERS,
                ServerTwinFn.TO_MAINTENANCE,
                ServerTwinFn.SERVER_STATUS));
    int servers = 10_000;
    for (int i = 0; i < servers; i++) {
      String server = String.format("dc1-r%03d-s%02d", i / 40, i % 40);
      twins.process(
          server,
          new Received(
              new CommissionServer(server, server.substring(0, 7), "dc1", COMMISSIONED), null),
          COMMISSIONED);
    }
    twins.advanceWatermark(GONE_AT - 1);
    assertThat("a day before", twins.keysWithState(), equalTo(servers));

    twins.advanceWatermark(GONE_AT + DAY);
    assertThat("servers with state", twins.keysWithState(), equalTo(0));
    assertThat("timers", twins.pendingTimers(), equalTo(0));
    assertThat("to racks", twins.outputs(ServerTwinFn.TO_RACK), equalTo(3L * servers));
    assertThat(
        "statuses: commissioned, silent, gone",
        twins.outputs(ServerTwinFn.SERVER_STATUS),
        equalTo(3L * servers));
  }

  private static TimestampedValue<Message> report(String server, long time, boolean packetLoss) {
    ReportBuilder report = ReportBuilder.at(server, time);
    return at((packetLoss ? report.packetLoss(0.2) : report).build());
  }

  private static TimestampedValue<Message> at(Message message) {
    return TimestampedValue.of(message, new Instant(message.eventTime()));
  }
}

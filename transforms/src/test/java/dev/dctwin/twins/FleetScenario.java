package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.ReportBuilder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.values.TimestampedValue;
import org.joda.time.Instant;

/**
 * A small fleet of racks reporting every 10 s, as a {@link TestStream} whose watermark follows the
 * reports. Each scenario decides per server and step what the server reports (or nothing).
 */
final class FleetScenario {
  static final long T0 = SampleMessages.T0;
  static final long STEP_MS = 10_000;

  /** The watermark advances once a minute of event time: fewer runner round trips, same result. */
  static final int STEPS_PER_WATERMARK = 6;

  private final int racks;
  private final int serversPerRack;
  private final int steps;
  private BiFunction<String, Long, Optional<ReportBuilder>> behaviour =
      (server, time) -> Optional.of(ReportBuilder.at(server, time));
  private final List<Message> extra = new ArrayList<>();
  private long shuffleSeed = -1;
  private boolean sensorsApart;

  FleetScenario(int racks, int serversPerRack, long durationMs) {
    this.racks = racks;
    this.serversPerRack = serversPerRack;
    this.steps = (int) (durationMs / STEP_MS);
  }

  static String rack(int rack) {
    return String.format("dc1-r%02d", rack);
  }

  static String server(int rack, int server) {
    return String.format("dc1-r%02d-s%02d", rack, server);
  }

  static int rackOf(String serverId) {
    return Integer.parseInt(serverId.substring(5, 7));
  }

  static int indexOf(String serverId) {
    return Integer.parseInt(serverId.substring(9, 11));
  }

  /** What a server reports at a time; empty means it stays silent. */
  FleetScenario behaviour(BiFunction<String, Long, Optional<ReportBuilder>> newBehaviour) {
    this.behaviour = newBehaviour;
    return this;
  }

  FleetScenario with(Message message) {
    extra.add(message);
    return this;
  }

  /** The BMC publishes the sensor readings as their own series, 250 ms after each report. */
  FleetScenario sensorsApart() {
    this.sensorsApart = true;
    return this;
  }

  /** Delivers the elements of each step in a random order (the watermark still follows them). */
  FleetScenario shuffled(long seed) {
    this.shuffleSeed = seed;
    return this;
  }

  List<Message> commissions() {
    List<Message> commissions = new ArrayList<>();
    for (int rack = 1; rack <= racks; rack++) {
      for (int server = 1; server <= serversPerRack; server++) {
        commissions.add(new CommissionServer(server(rack, server), rack(rack), "dc1", T0 - 1_000));
      }
    }
    return commissions;
  }

  TestStream<Message> stream() {
    Random random = shuffleSeed < 0 ? null : new Random(shuffleSeed);
    TestStream.Builder<Message> stream =
        TestStream.create(MessageCoder.of()).advanceWatermarkTo(new Instant(T0 - 10_000));
    stream = stream.addElements(timestamped(commissions().get(0)), timestampedRest(commissions()));
    List<TimestampedValue<Message>> pending = new ArrayList<>();
    for (int step = 0; step < steps; step++) {
      long time = T0 + step * STEP_MS;
      List<TimestampedValue<Message>> batch = new ArrayList<>();
      for (int rack = 1; rack <= racks; rack++) {
        for (int server = 1; server <= serversPerRack; server++) {
          String serverId = server(rack, server);
          behaviour
              .apply(serverId, time)
              .ifPresent(report -> batch.addAll(messagesOf(report.build())));
        }
      }
      for (Message message : extra) {
        if (message.eventTime() >= time && message.eventTime() < time + STEP_MS) {
          batch.add(timestamped(message));
        }
      }
      if (random != null) {
        Collections.shuffle(batch, random);
      }
      pending.addAll(batch);
      boolean lastStep = step == steps - 1;
      if (lastStep || (step + 1) % STEPS_PER_WATERMARK == 0) {
        if (!pending.isEmpty()) {
          stream =
              stream.addElements(
                  pending.get(0),
                  pending.subList(1, pending.size()).toArray(new TimestampedValue[0]));
          pending.clear();
        }
        stream = stream.advanceWatermarkTo(new Instant(time + STEP_MS - 1));
      }
    }
    long end = T0 + steps * STEP_MS;
    List<TimestampedValue<Message>> after = new ArrayList<>();
    for (Message message : extra) {
      if (message.eventTime() >= end) {
        after.add(timestamped(message));
      }
    }
    if (!after.isEmpty()) {
      stream =
          stream.addElements(
              after.get(0), after.subList(1, after.size()).toArray(new TimestampedValue[0]));
    }
    return stream.advanceWatermarkToInfinity();
  }

  private List<TimestampedValue<Message>> messagesOf(ServerMetricReport report) {
    if (!sensorsApart) {
      return List.of(timestamped(report));
    }
    return List.of(
        timestamped(report.withSensors(null)),
        timestamped(
            new BmcSensorReading(report.serverId(), report.eventTime() + 250, report.sensors())));
  }

  @SuppressWarnings("unchecked")
  private static TimestampedValue<Message>[] timestampedRest(List<Message> messages) {
    return messages.subList(1, messages.size()).stream()
        .map(FleetScenario::timestamped)
        .toArray(TimestampedValue[]::new);
  }

  private static TimestampedValue<Message> timestamped(Message message) {
    return TimestampedValue.of(message, new Instant(message.eventTime()));
  }
}

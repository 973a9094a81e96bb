package dev.dctwin.simulator;

import dev.dctwin.codec.MessageKeys;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.Message;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.stream.Stream;

/**
 * Runs a {@link Scenario} on the event-time clock and sends every message, in event-time order, to
 * a {@link MessageSink}: provisioning first at equal times, then metrics, then sensors, each by
 * server id. Every server reports once per interval at its own phase; its BMC reading follows 0 to
 * 500 ms later (at most a quarter of the interval). A server reports only while commissioned, so
 * its commissioning always precedes its first report.
 *
 * <p>Output depends only on the configuration: no wall clock, no hash order.
 */
final class FleetGenerator {
  private final FleetConfig config;
  private final Topology topology;
  private final Scenario scenario;
  private static final int PARALLEL_BATCH = 256;

  private final WireCodec codec = WireCodec.withDefaults();

  /** What a run produced. */
  record Counts(long provisioning, long metrics, long sensors) {
    long total() {
      return provisioning + metrics + sensors;
    }
  }

  /** A message waiting for every earlier one to be generated. */
  private record Pending(long time, Topic topic, String key, Message message) {}

  private static final Comparator<Pending> ORDER =
      Comparator.comparingLong(Pending::time)
          .thenComparing(Pending::topic)
          .thenComparing(Pending::key);

  FleetGenerator(FleetConfig config, Topology topology, Scenario scenario) {
    this.config = config;
    this.topology = topology;
    this.scenario = scenario;
  }

  Counts run(MessageSink sink) throws IOException {
    // The codec builds its mapper on first use: do it here, before worker threads share it.
    codec.encodeToString(scenario.provisioning().get(0));
    List<ServerSimulator> servers = simulators();
    List<String> racks = topology.racks();
    Map<String, Integer> rackIndex = new HashMap<>();
    List<Climate> climates = new ArrayList<>();
    for (String rack : racks) {
      rackIndex.put(rack, climates.size());
      climates.add(
          new Climate(config.seed(), rack, topology.serversOfRack(rack).get(0).datacenterId()));
    }
    int[] rackOf = servers.stream().mapToInt(s -> rackIndex.get(s.server().rackId())).toArray();
    Map<String, List<long[]>> outOfService = outOfService();

    PriorityQueue<Pending> pending = new PriorityQueue<>(ORDER);
    for (Message event : scenario.provisioning()) {
      pending.add(
          new Pending(event.eventTime(), Topic.PROVISIONING, MessageKeys.kafkaKey(event), event));
    }
    long[] counts = new long[Topic.values().length];
    double[] load = new double[racks.size()];
    double[] inlet = new double[racks.size()];
    long interval = config.intervalMs();
    for (long tick = config.start(); tick < config.end(); tick += interval) {
      for (int r = 0; r < climates.size(); r++) {
        load[r] = climates.get(r).load(tick);
        inlet[r] = climates.get(r).inlet(tick);
      }
      for (int i = 0; i < servers.size(); i++) {
        ServerSimulator server = servers.get(i);
        long time = tick + server.phase();
        if (time >= config.end()) {
          continue;
        }
        // Generated even when not sent, so that a server's noise does not depend on its faults.
        ServerSimulator.Output output = server.report(time, load[rackOf[i]], inlet[rackOf[i]]);
        String id = server.server().serverId();
        List<long[]> periods = outOfService.get(id);
        if (output == null || !inService(periods, time)) {
          continue;
        }
        if (config.embedSensors()) {
          pending.add(
              new Pending(time, Topic.METRICS, id, output.metrics().withSensors(output.sensors())));
        } else {
          pending.add(new Pending(time, Topic.METRICS, id, output.metrics()));
          // A BMC reading due just after the server left service is not sent either.
          if (!inService(periods, output.sensorTime())) {
            continue;
          }
          pending.add(
              new Pending(
                  output.sensorTime(),
                  Topic.SENSORS,
                  id,
                  new BmcSensorReading(id, output.sensorTime(), output.sensors())));
        }
      }
      // Nothing generated later is earlier than the next tick.
      flush(pending, tick + interval, sink, counts);
    }
    flush(pending, Long.MAX_VALUE, sink, counts);
    return new Counts(
        counts[Topic.PROVISIONING.ordinal()],
        counts[Topic.METRICS.ordinal()],
        counts[Topic.SENSORS.ordinal()]);
  }

  /**
   * Sends the pending messages earlier than {@code before}, in order. Encoding is most of the cost
   * of a run, so a large batch is encoded in parallel; the order of the output does not change.
   */
  private void flush(PriorityQueue<Pending> pending, long before, MessageSink sink, long[] counts)
      throws IOException {
    List<Pending> batch = new ArrayList<>();
    while (!pending.isEmpty() && pending.peek().time() < before) {
      batch.add(pending.poll());
    }
    Stream<Pending> stream =
        batch.size() >= PARALLEL_BATCH ? batch.parallelStream() : batch.stream();
    List<String> encoded = stream.map(next -> codec.encodeToString(next.message())).toList();
    for (int i = 0; i < batch.size(); i++) {
      Pending next = batch.get(i);
      sink.send(next.topic(), next.key(), next.time(), encoded.get(i));
      counts[next.topic().ordinal()]++;
    }
  }

  /** The servers in the order they report within an interval: by phase, then id. */
  private List<ServerSimulator> simulators() {
    List<ServerSimulator> servers = new ArrayList<>();
    for (String rack : topology.racks()) {
      List<Topology.Server> rackServers = topology.serversOfRack(rack);
      for (int slot = 0; slot < rackServers.size(); slot++) {
        Topology.Server server = rackServers.get(slot);
        servers.add(
            new ServerSimulator(
                config.seed(),
                server,
                slot,
                config.intervalMs(),
                scenario.effectsOf(server.serverId())));
      }
    }
    servers.sort(
        Comparator.comparingLong(ServerSimulator::phase).thenComparing(s -> s.server().serverId()));
    return servers;
  }

  /** Per server, the periods [decommissioned, commissioned again] in which it must not report. */
  private Map<String, List<long[]>> outOfService() {
    Map<String, List<long[]>> periods = new HashMap<>();
    for (Message event : scenario.provisioning()) {
      if (event instanceof DecommissionServer left) {
        periods
            .computeIfAbsent(left.serverId(), id -> new ArrayList<>())
            .add(new long[] {left.eventTime(), Long.MAX_VALUE});
      } else if (event instanceof CommissionServer back) {
        List<long[]> list = periods.get(back.serverId());
        if (list != null && list.get(list.size() - 1)[1] == Long.MAX_VALUE) {
          list.get(list.size() - 1)[1] = back.eventTime();
        }
      }
    }
    return periods;
  }

  private static boolean inService(List<long[]> periods, long time) {
    if (periods == null) {
      return true;
    }
    for (long[] period : periods) {
      if (period[0] <= time && time <= period[1]) {
        return false;
      }
    }
    return true;
  }
}

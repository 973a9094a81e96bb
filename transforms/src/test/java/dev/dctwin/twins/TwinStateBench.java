package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.ReceivedCoder;
import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.Received;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.models.ReportBuilder;
import dev.dctwin.models.ServerTwin;
import dev.dctwin.testing.KeyedDoFnHarness;
import dev.dctwin.testing.StateLine;
import dev.dctwin.testing.StateLine.Snapshot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The twins' part of the state benchmark: floods of servers, racks, datacenters and hosts through
 * the DoFns of {@link DatacenterTwins} with the default {@link TwinsConfig}, each DoFn in a {@link
 * KeyedDoFnHarness} whose outputs feed the next as the transform wires them (report assembly,
 * server, rack and datacenter twins, maintenance calendars), one watermark for all. Each flood is
 * measured once event time has reached the moment before its keys may be forgotten and once it is
 * well past it (transforms/src/test/java/dev/dctwin/testing/STATE-BENCH.md).
 */
public final class TwinStateBench {
  static final long T0 = SampleMessages.T0;
  static final long DAY = 86_400_000L;
  static final long COMMISSIONED = T0 - 1_000;
  static final long GONE_AFTER = ServerTwin.DEFAULT_GONE_AFTER_MS;

  /** Servers per rack and racks per datacenter of the floods: many distinct racks. */
  static final int SERVERS_PER_RACK = 4;

  static final int RACKS_PER_DATACENTER = 16;

  private TwinStateBench() {}

  /** N commissioned servers that never report and are never decommissioned. */
  public static List<StateLine> silentServers(int servers, long deadlineNanos) {
    Chain chain = new Chain();
    boolean complete = chain.send(servers, deadlineNanos, (i, out) -> out.add(commission(i)));
    return chain.measure(
        "servers commissioned, never report",
        servers,
        complete,
        COMMISSIONED + GONE_AFTER - 1,
        COMMISSIONED + GONE_AFTER + 2 * DAY,
        Chain.oneGoneEach(servers));
  }

  /** N commissioned servers that report once, then never again. */
  public static List<StateLine> serversReportingOnce(int servers, long deadlineNanos) {
    Chain chain = new Chain();
    boolean complete =
        chain.send(
            servers,
            deadlineNanos,
            (i, out) -> {
              out.add(commission(i));
              out.add(ReportBuilder.at(server(i), T0).build());
            });
    return chain.measure(
        "servers report once, then silent",
        servers,
        complete,
        T0 + GONE_AFTER - 1,
        T0 + GONE_AFTER + 2 * DAY,
        Chain.oneGoneEach(servers));
  }

  /**
   * N hosts whose agents send one message of samples; commissioned with that host name or not (then
   * their reports are dead letters of the server twins).
   */
  public static List<StateLine> agentHosts(int hosts, boolean commissioned, long deadlineNanos) {
    Chain chain = new Chain();
    boolean complete =
        chain.send(
            hosts,
            deadlineNanos,
            (i, out) -> {
              if (commissioned) {
                out.add(hostCommission(i));
              }
              out.add(samples(i));
            });
    long ttl =
        TwinsConfig.defaults().assembly().seriesTtlIntervals()
            * TwinsConfig.defaults().assembly().intervalMs();
    if (commissioned) {
      // The host's mapping to its server goes with the server twin's TTL, as the server.
      return chain.measure(
          "agent hosts commissioned, one message",
          hosts,
          complete,
          T0 + GONE_AFTER - 1,
          T0 + GONE_AFTER + 2 * DAY,
          Chain.oneGoneEach(hosts));
    }
    // Their reports go to server twins that do not know them.
    return chain.measure(
        "unknown agent hosts, one message",
        hosts,
        complete,
        T0 + ttl / 2,
        T0 + 2 * ttl,
        Chain.deadLettersOnly(Map.of(DeadLetterReason.UNCOMMISSIONED, (long) hosts)));
  }

  /**
   * N hosts commissioned with their host name, one message of samples each, decommissioned (naming
   * the host) an hour later: the assembly forgets the mapping with the decommissioning.
   */
  public static List<StateLine> decommissionedAgentHosts(int hosts, long deadlineNanos) {
    Chain chain = new Chain();
    long decommissioned = T0 + 3_600_000;
    boolean complete =
        chain.send(
            hosts,
            deadlineNanos,
            (i, out) -> {
              CommissionServer commission = hostCommission(i);
              out.add(commission);
              out.add(samples(i));
              out.add(
                  new DecommissionServer(
                      commission.serverId(),
                      commission.rackId(),
                      commission.datacenterId(),
                      decommissioned,
                      host(i)));
            });
    return chain.measure(
        "agent hosts commissioned, one message, decommissioned",
        hosts,
        complete,
        decommissioned - 1,
        decommissioned + DAY,
        Chain.deadLettersOnly(Map.of()));
  }

  /**
   * N unknown servers, each a metric report, a BMC reading and a decommissioning: dead letters
   * (UNCOMMISSIONED for the first two), and no state once the watermark has passed them.
   */
  public static List<StateLine> unknownServers(int servers, long deadlineNanos) {
    Chain chain = new Chain();
    boolean complete =
        chain.send(
            servers,
            deadlineNanos,
            (i, out) -> {
              CommissionServer who = commission(i);
              out.add(ReportBuilder.at(who.serverId(), T0).build());
              out.add(new BmcSensorReading(who.serverId(), T0, SampleMessages.sensors()));
              out.add(new DecommissionServer(who.serverId(), who.rackId(), who.datacenterId(), T0));
            });
    return chain.measure(
        "unknown servers, report + reading + decommission",
        servers,
        complete,
        T0 - 1,
        T0 + DAY,
        Chain.deadLettersOnly(Map.of(DeadLetterReason.UNCOMMISSIONED, 2L * servers)));
  }

  static String server(int i) {
    return commission(i).serverId();
  }

  static String host(int i) {
    return String.format("host-%07d", i);
  }

  /** Server {@code i} of rack {@code i / 4} of datacenter {@code i / 64}. */
  static CommissionServer commission(int i) {
    int rack = i / SERVERS_PER_RACK;
    String datacenter = String.format("dc%05d", rack / RACKS_PER_DATACENTER);
    String rackId = String.format("%s-r%07d", datacenter, rack);
    return new CommissionServer(
        String.format("%s-s%02d", rackId, i % SERVERS_PER_RACK), rackId, datacenter, COMMISSIONED);
  }

  /** {@link #commission}{@code (i)} naming host {@code i}. */
  static CommissionServer hostCommission(int i) {
    CommissionServer commission = commission(i);
    return new CommissionServer(
        commission.serverId(),
        commission.rackId(),
        commission.datacenterId(),
        commission.eventTime(),
        host(i));
  }

  private static AgentSamples samples(int i) {
    return new AgentSamples(
        host(i),
        T0,
        List.of(
            new MetricSample("memory.used", Map.of(), 4.0e9, T0, MetricSample.Kind.GAUGE),
            new MetricSample("memory.total", Map.of(), 16.0e9, T0, MetricSample.Kind.GAUGE),
            new MetricSample(
                "network.bytesReceived",
                Map.of("device", "eth0"),
                1.0e9,
                T0,
                MetricSample.Kind.COUNTER)));
  }

  /** The messages of the {@code i}-th key of a flood. */
  private interface Messages {
    void of(int i, List<Message> out);
  }

  /** The twins' DoFns, wired as {@link DatacenterTwins} wires them, one watermark for all. */
  private static final class Chain {
    final TupleTag<Alert> maintenanceOut = new TupleTag<>("alerts");
    final KeyedDoFnHarness<String, Message, KV<String, Message>> assembly;
    final KeyedDoFnHarness<String, Received, KV<String, ServerIncidents>> servers;
    final KeyedDoFnHarness<String, ServerIncidents, Alert> racks;
    final KeyedDoFnHarness<String, Message, Alert> datacenters;
    final KeyedDoFnHarness<String, Message, Alert> maintenance;
    final Map<String, KeyedDoFnHarness<?, ?, ?>> stages = new LinkedHashMap<>();
    final Map<DeadLetterReason, Long> deadLetters = new EnumMap<>(DeadLetterReason.class);
    final Set<String> gone = new HashSet<>();
    final Map<KeyedDoFnHarness<?, ?, ?>, Long> inputs = new HashMap<>();
    long goneAlerts;

    /** What a flood's outputs must be. */
    private interface Expected {
      /** A description of what came out, and whether it is what was expected. */
      KV<String, Boolean> check(Chain chain);
    }

    /** One SERVER_GONE alert for each of {@code servers}, and no dead letter. */
    static Expected oneGoneEach(int servers) {
      return chain -> {
        String outputs = chain.goneAlerts + " SERVER_GONE (" + chain.gone.size() + " servers)";
        if (!chain.deadLetters.isEmpty()) {
          outputs += ", dead letters " + chain.deadLetters;
        }
        return KV.of(
            outputs,
            chain.goneAlerts == servers
                && chain.gone.size() == servers
                && chain.deadLetters.isEmpty());
      };
    }

    /** Exactly these dead letters, and no SERVER_GONE. */
    static Expected deadLettersOnly(Map<DeadLetterReason, Long> expected) {
      return chain ->
          KV.of(
              "dead letters " + chain.deadLetters + ", " + chain.goneAlerts + " SERVER_GONE",
              chain.deadLetters.equals(expected) && chain.goneAlerts == 0);
    }

    Chain() {
      TwinsConfig config = TwinsConfig.defaults();
      KvCoder<String, Message> keyed = KvCoder.of(StringUtf8Coder.of(), MessageCoder.of());
      AssembleReportsFn assembleFn =
          new AssembleReportsFn(config.assembly(), config.serverGoneAfterMs());
      assembleFn.setup();
      assembly =
          new KeyedDoFnHarness<>(
              assembleFn,
              keyed,
              AssembleReportsFn.REPORTS,
              List.of(AssembleReportsFn.DEAD_LETTERS));
      ServerTwinFn serverFn = new ServerTwinFn(config);
      serverFn.setup();
      servers =
          new KeyedDoFnHarness<>(
              serverFn,
              KvCoder.of(StringUtf8Coder.of(), ReceivedCoder.of()),
              ServerTwinFn.TO_RACK,
              List.of(
                  ServerTwinFn.DEAD_LETTERS,
                  ServerTwinFn.TO_MAINTENANCE,
                  ServerTwinFn.SERVER_STATUS));
      RackTwinFn rackFn = new RackTwinFn(config);
      rackFn.setup();
      racks =
          new KeyedDoFnHarness<>(
              rackFn,
              KvCoder.of(StringUtf8Coder.of(), RecordCoder.of(ServerIncidents.class)),
              RackTwinFn.SERVER_ALERTS,
              List.of(RackTwinFn.TO_DATACENTER));
      DataCenterTwinFn datacenterFn = new DataCenterTwinFn(config);
      datacenterFn.setup();
      datacenters =
          new KeyedDoFnHarness<>(
              datacenterFn, keyed, DataCenterTwinFn.ALERTS, List.of(DataCenterTwinFn.ANSWERS));
      MaintenanceFn maintenanceFn = new MaintenanceFn(config);
      maintenanceFn.setup();
      maintenance = new KeyedDoFnHarness<>(maintenanceFn, keyed, maintenanceOut, List.of());

      assembly.capture(AssembleReportsFn.REPORTS);
      assembly.capture(AssembleReportsFn.DEAD_LETTERS);
      servers.capture(ServerTwinFn.TO_RACK);
      servers.capture(ServerTwinFn.DEAD_LETTERS);
      servers.capture(ServerTwinFn.TO_MAINTENANCE);
      racks.capture(RackTwinFn.SERVER_ALERTS);
      racks.capture(RackTwinFn.TO_DATACENTER);
      datacenters.capture(DataCenterTwinFn.ALERTS);
      maintenance.capture(maintenanceOut);
      stages.put("AssembleReportsFn", assembly);
      stages.put("ServerTwinFn", servers);
      stages.put("RackTwinFn", racks);
      stages.put("DataCenterTwinFn", datacenters);
      stages.put("MaintenanceFn", maintenance);
    }

    /** Sends the messages of keys {@code 0..keys-1}; false when the deadline stopped it. */
    boolean send(int keys, long deadlineNanos, Messages messages) {
      List<Message> batch = new ArrayList<>();
      for (int i = 0; i < keys; i++) {
        if (i % 1_000 == 0 && System.nanoTime() > deadlineNanos) {
          return false;
        }
        batch.clear();
        messages.of(i, batch);
        batch.forEach(this::route);
      }
      return true;
    }

    /** As DatacenterTwins.RouteFn routes. */
    private void route(Message message) {
      if (message instanceof CommissionServer commission && commission.hostname() != null) {
        process(assembly, commission.hostname(), message, message.eventTime());
      } else if (message instanceof DecommissionServer decommission
          && decommission.hostname() != null) {
        process(assembly, decommission.hostname(), message, message.eventTime());
      }
      if (message instanceof AgentSamples samples) {
        process(assembly, samples.host(), message, message.eventTime());
      } else {
        process(
            servers,
            ServerTwin.serverIdOf(message),
            new Received(message, null),
            message.eventTime());
      }
    }

    private <V> void process(
        KeyedDoFnHarness<String, V, ?> stage, String key, V value, long timestamp) {
      inputs.merge(stage, 1L, Long::sum);
      stage.process(key, value, timestamp);
    }

    /** Moves the watermark of every stage to {@code to}, passing each stage's outputs on. */
    void advance(long to) {
      assembly.advanceWatermark(to);
      for (TimestampedValue<KV<String, Message>> report :
          assembly.take(AssembleReportsFn.REPORTS)) {
        process(
            servers,
            report.getValue().getKey(),
            new Received(report.getValue().getValue(), null),
            report.getTimestamp().getMillis());
      }
      countDeadLetters(assembly.take(AssembleReportsFn.DEAD_LETTERS));
      servers.advanceWatermark(to);
      feed(servers.take(ServerTwinFn.TO_RACK), racks);
      feed(servers.take(ServerTwinFn.TO_MAINTENANCE), maintenance);
      countDeadLetters(servers.take(ServerTwinFn.DEAD_LETTERS));
      racks.advanceWatermark(to);
      feed(racks.take(RackTwinFn.TO_DATACENTER), datacenters);
      byDatacenter(racks.take(RackTwinFn.SERVER_ALERTS));
      datacenters.advanceWatermark(to);
      byDatacenter(datacenters.take(DataCenterTwinFn.ALERTS));
      maintenance.advanceWatermark(to);
      for (TimestampedValue<Alert> alert : maintenance.take(maintenanceOut)) {
        if (alert.getValue().incidentType() == IncidentType.SERVER_GONE) {
          goneAlerts++;
          gone.add(alert.getValue().entity());
        }
      }
    }

    private <V> void feed(
        List<TimestampedValue<KV<String, V>>> outputs, KeyedDoFnHarness<String, V, ?> next) {
      for (TimestampedValue<KV<String, V>> output : outputs) {
        process(
            next,
            output.getValue().getKey(),
            output.getValue().getValue(),
            output.getTimestamp().getMillis());
      }
    }

    private void byDatacenter(List<TimestampedValue<Alert>> alerts) {
      for (TimestampedValue<Alert> alert : alerts) {
        process(
            maintenance,
            alert.getValue().datacenterId(),
            alert.getValue(),
            alert.getTimestamp().getMillis());
      }
    }

    private void countDeadLetters(List<TimestampedValue<DeadLetter>> letters) {
      letters.forEach(letter -> deadLetters.merge(letter.getValue().reason(), 1L, Long::sum));
    }

    /**
     * One line per stage that had any input: its state at {@code before} (the peak) and at {@code
     * after}, and the {@code expected} outputs.
     */
    List<StateLine> measure(
        String flood, int keys, boolean complete, long before, long after, Expected expected) {
      advance(before);
      Map<String, Snapshot> peaks = new LinkedHashMap<>();
      stages.forEach((name, harness) -> peaks.put(name, Snapshot.of(harness)));
      advance(after);
      KV<String, Boolean> check = expected.check(this);
      String outputs = check.getKey();
      boolean outputsOk = check.getValue();
      List<StateLine> lines = new ArrayList<>();
      for (Map.Entry<String, KeyedDoFnHarness<?, ?, ?>> stage : stages.entrySet()) {
        if (!inputs.containsKey(stage.getValue())) {
          continue;
        }
        Snapshot peak = peaks.get(stage.getKey());
        Snapshot left = Snapshot.of(stage.getValue());
        lines.add(
            new StateLine(
                flood,
                stage.getKey(),
                keys,
                complete,
                peak.keys(),
                peak.bytes(),
                -1,
                left.keys(),
                left.bytes(),
                left.timers(),
                "0 once event time passed",
                outputs,
                outputsOk));
      }
      return lines;
    }
  }
}

package dev.dctwin.simulator;

import dev.dctwin.codec.MessageKeys;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.Message;
import dev.dctwin.pipeline.cli.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Turns a fault specification into a {@link Scenario}: places every fault on an entity and in time,
 * chooses the servers a rack or datacenter fault affects, and draws the magnitudes.
 *
 * <p>Placement rules, so that the ground truth is unambiguous for {@link Scorer}:
 *
 * <ul>
 *   <li>two faults that touch a common server are separated by at least {@link #SEPARATION} (the
 *       scorer's default grace), so the alerts of one cannot be taken for the other's;
 *   <li>at most one server fault of a kind the rack twin correlates (packet loss, silence, heat)
 *       runs at a time in a rack, so that server faults never add up to a rack incident;
 *   <li>faults start after {@link #WARM_UP} (the health model's baselines need ten reports) and end
 *       so that their incidents resolve before the run ends;
 *   <li>benign noise is placed last, only where no fault is near its server.
 * </ul>
 *
 * A fault that cannot be placed is left out with a warning.
 */
final class ScenarioPlanner {
  static final Duration SEPARATION = Duration.ofMinutes(3);
  static final Duration WARM_UP = Duration.ofMinutes(3);
  private static final long RECOVERY_MS = 60_000;
  private static final int TRIES = 200;

  private final FleetConfig config;
  private final Topology topology;
  private final List<Placed> placed = new ArrayList<>();
  private final TreeMap<String, List<Effect>> effects = new TreeMap<>();
  private final List<String> warnings = new ArrayList<>();
  private final TreeSet<String> excluded = new TreeSet<>();

  /** A placed fault, and whether the rack twin correlates the incident it raises. */
  private record Placed(Fault fault, boolean correlatable) {}

  private ScenarioPlanner(FleetConfig config, Topology topology) {
    this.config = config;
    this.topology = topology;
  }

  static Scenario plan(FleetConfig config, Topology topology) {
    return new ScenarioPlanner(config, topology).plan();
  }

  private Scenario plan() {
    List<Message> provisioning = provisioning();
    List<FaultSpec> specs =
        FaultSpec.parseAll(config.faults(), Duration.ofMillis(config.durationMs()));
    int index = 0;
    List<SplittableRandom> benignRandoms = new ArrayList<>();
    List<FaultSpec> benignSpecs = new ArrayList<>();
    for (FaultSpec spec : specs) {
      for (int i = 0; i < spec.count(); i++) {
        SplittableRandom random = Seeds.forEntity(config.seed(), "fault-" + index++);
        if (spec.kind() == null || spec.kind().benign()) {
          benignSpecs.add(spec);
          benignRandoms.add(random);
        } else {
          placeFault(spec, random);
        }
      }
    }
    for (int i = 0; i < benignSpecs.size(); i++) {
      placeNoise(benignSpecs.get(i), benignRandoms.get(i));
    }
    List<Fault> faults = new ArrayList<>();
    placed.stream()
        .map(Placed::fault)
        .sorted(
            Comparator.comparingLong(Fault::start)
                .thenComparing(Fault::entity)
                .thenComparing(Fault::kind))
        .forEach(faults::add);
    int width = Math.max(2, Integer.toString(faults.size()).length());
    for (int i = 0; i < faults.size(); i++) {
      faults.set(i, faults.get(i).withId(String.format(Locale.ROOT, "f%0" + width + "d", i + 1)));
    }
    Map<String, List<Effect>> frozen = new TreeMap<>();
    effects.forEach((server, list) -> frozen.put(server, List.copyOf(list)));
    return new Scenario(
        List.copyOf(faults),
        Collections.unmodifiableMap(frozen),
        provisioning,
        List.copyOf(warnings));
  }

  /**
   * Every server is commissioned at the start; {@code churn} of them are decommissioned at some
   * point of the middle of the run and commissioned again 2 to 4 minutes later (maintenance).
   */
  private List<Message> provisioning() {
    List<Message> events = new ArrayList<>();
    for (Topology.Server server : topology.servers()) {
      events.add(commission(server, config.start()));
    }
    List<Topology.Server> candidates = new ArrayList<>(topology.servers());
    SplittableRandom random = Seeds.forEntity(config.seed(), "churn");
    shuffle(candidates, random);
    int churn = Math.min(config.churn(), candidates.size());
    for (Topology.Server server : candidates.subList(0, churn)) {
      long leave =
          config.start() + (long) (config.durationMs() * (0.2 + 0.4 * random.nextDouble()));
      long back = leave + 120_000 + random.nextLong(120_001);
      events.add(
          new DecommissionServer(server.serverId(), server.rackId(), server.datacenterId(), leave));
      if (back < config.end() - 60_000) {
        events.add(commission(server, back));
      }
      excluded.add(server.serverId());
    }
    events.sort(Comparator.comparingLong(Message::eventTime).thenComparing(MessageKeys::kafkaKey));
    return List.copyOf(events);
  }

  private static CommissionServer commission(Topology.Server server, long time) {
    return new CommissionServer(server.serverId(), server.rackId(), server.datacenterId(), time);
  }

  private void placeFault(FaultSpec spec, SplittableRandom random) {
    FaultKind kind = spec.kind();
    long duration = (spec.duration() == null ? kind.defaultDuration() : spec.duration()).toMillis();
    List<String> entities = candidates(kind.level(), spec.entity(), random);
    long earliest = config.start() + WARM_UP.toMillis();
    long latest = config.end() - duration - RECOVERY_MS;
    for (int attempt = 0; attempt < (spec.start() == null ? TRIES : 1); attempt++) {
      long start =
          spec.start() != null
              ? config.start() + spec.start().toMillis()
              : earliest + (latest > earliest ? random.nextLong(latest - earliest + 1) : 0);
      for (String entity : entities) {
        Fault draft = draft(kind, entity, start, start + duration);
        if (fits(draft, kind.correlatable())) {
          apply(kind, draft, random);
          return;
        }
      }
    }
    warnings.add(
        String.format(
            Locale.ROOT,
            "left out %s%s: no %s free of other faults at that time",
            kind,
            spec.start() == null ? "" : "@" + Durations.format(spec.start()),
            kind.level().name().toLowerCase(Locale.ROOT)));
  }

  /** The entities at {@code level} to try, the requested one or all in a seeded random order. */
  private List<String> candidates(Level level, String requested, SplittableRandom random) {
    if (requested != null) {
      boolean known =
          switch (level) {
            case SERVER -> topology.hasServer(requested);
            case RACK -> topology.hasRack(requested);
            case DATACENTER -> topology.hasDatacenter(requested);
          };
      if (!known) {
        throw new IllegalArgumentException(
            "no " + level.name().toLowerCase(Locale.ROOT) + " '" + requested + "' in the fleet");
      }
      return List.of(requested);
    }
    List<String> all =
        new ArrayList<>(
            switch (level) {
              case SERVER ->
                  topology.servers().stream()
                      .map(Topology.Server::serverId)
                      .filter(id -> !excluded.contains(id))
                      .toList();
              case RACK -> topology.racks();
              case DATACENTER -> topology.datacenters();
            });
    shuffle(all, random);
    return all;
  }

  private Fault draft(FaultKind kind, String entity, long start, long end) {
    String rackId;
    String datacenterId;
    switch (kind.level()) {
      case SERVER -> {
        Topology.Server server = topology.server(entity);
        rackId = server.rackId();
        datacenterId = server.datacenterId();
      }
      case RACK -> {
        rackId = entity;
        datacenterId = topology.serversOfRack(entity).get(0).datacenterId();
      }
      default -> {
        rackId = null;
        datacenterId = entity;
      }
    }
    return new Fault(
        null,
        kind.name(),
        kind.level(),
        entity,
        rackId,
        datacenterId,
        start,
        end,
        kind.expectedIncident(),
        kind.benign(),
        List.of(),
        null);
  }

  private boolean fits(Fault candidate, boolean correlatable) {
    long separation = SEPARATION.toMillis();
    for (Placed other : placed) {
      Fault fault = other.fault();
      boolean nearInTime =
          candidate.start() < fault.end() + separation
              && fault.start() < candidate.end() + separation;
      if (!nearInTime) {
        continue;
      }
      if (sharesServers(candidate, fault)) {
        return false;
      }
      if (correlatable && other.correlatable() && candidate.rackId().equals(fault.rackId())) {
        return false;
      }
    }
    return true;
  }

  private static boolean sharesServers(Fault a, Fault b) {
    if (!a.datacenterId().equals(b.datacenterId())) {
      return false;
    }
    if (a.level() == Level.DATACENTER || b.level() == Level.DATACENTER) {
      return true;
    }
    if (!a.rackId().equals(b.rackId())) {
      return false;
    }
    return a.level() == Level.RACK || b.level() == Level.RACK || a.entity().equals(b.entity());
  }

  /** Chooses the affected servers, draws the magnitudes and records the fault. */
  private void apply(FaultKind kind, Fault draft, SplittableRandom random) {
    long start = draft.start();
    long end = draft.end();
    List<String> affected = new ArrayList<>();
    String detail;
    switch (kind) {
      case DISK_FAILURE -> {
        effect(draft.entity(), Effect.Type.FAILED_DISK, start, end, 1, affected);
        detail = "1 failed disk device, fewer and slower I/O operations";
      }
      case NIC_DEGRADED -> {
        double loss = uniform(random, 0.02, 0.06);
        effect(draft.entity(), Effect.Type.PACKET_LOSS, start, end, loss, affected);
        detail = String.format(Locale.ROOT, "%.1f %% of packets dropped", 100 * loss);
      }
      case CPU_STEAL -> {
        double steal = uniform(random, 14, 22);
        effect(draft.entity(), Effect.Type.CPU_STEAL, start, end, steal, affected);
        detail = String.format(Locale.ROOT, "CPU steal around %.0f %%", steal);
      }
      case MEMORY_ECC -> {
        effect(draft.entity(), Effect.Type.UNCORRECTED_ECC, start, end, 1, affected);
        detail = "uncorrected ECC errors on the first and about a third of the reports";
      }
      case THERMAL -> {
        double rise = uniform(random, 10, 13);
        effect(draft.entity(), Effect.Type.INLET_RISE, start, end, rise, affected);
        detail = String.format(Locale.ROOT, "inlet %.1f °C above usual", rise);
      }
      case SERVER_SILENT -> {
        effect(draft.entity(), Effect.Type.SILENT, start, end, 0, affected);
        detail = "no metrics and no sensor readings";
      }
      case TOR_SWITCH_FAILURE -> {
        List<String> servers = eligible(topology.serversOfRack(draft.entity()), random);
        int lossy = share(servers.size(), 0.75);
        int silent = Math.min(servers.size() - lossy, Math.max(1, servers.size() / 10));
        for (String server : servers.subList(0, lossy)) {
          double loss = uniform(random, 0.05, 0.3);
          effect(server, Effect.Type.PACKET_LOSS, start, end, loss, affected);
        }
        for (String server : servers.subList(lossy, lossy + silent)) {
          effect(server, Effect.Type.SILENT, start, end, 0, affected);
        }
        detail =
            String.format(
                Locale.ROOT,
                "%d of %d servers drop 5-30 %% of packets, %d are silent",
                lossy,
                topology.serversOfRack(draft.entity()).size(),
                silent);
      }
      case RACK_POWER -> {
        int count =
            voltageSag(topology.serversOfRack(draft.entity()), 0.75, draft, random, affected);
        detail =
            String.format(
                Locale.ROOT,
                "%d of %d servers see 10.9-11.25 V",
                count,
                topology.serversOfRack(draft.entity()).size());
      }
      case RACK_COOLING -> {
        List<String> servers = eligible(topology.serversOfRack(draft.entity()), random);
        int hot = share(servers.size(), 0.8);
        for (String server : servers.subList(0, hot)) {
          double rise = uniform(random, 10, 14);
          effect(server, Effect.Type.INLET_RISE, start, end, rise, affected);
        }
        detail =
            String.format(
                Locale.ROOT,
                "%d of %d servers 10-14 °C hotter at the inlet",
                hot,
                topology.serversOfRack(draft.entity()).size());
      }
      case POWER_SUPPLY_DEGRADATION -> {
        List<String> racks = topology.racksOf(draft.entity());
        int count = 0;
        for (String rack : racks) {
          count += voltageSag(topology.serversOfRack(rack), 0.7, draft, random, affected);
        }
        detail =
            String.format(
                Locale.ROOT, "%d servers in all %d racks see 10.9-11.25 V", count, racks.size());
      }
      default -> throw new IllegalStateException("not a fault: " + kind);
    }
    Collections.sort(affected);
    placed.add(
        new Placed(
            new Fault(
                null,
                draft.kind(),
                draft.level(),
                draft.entity(),
                draft.rackId(),
                draft.datacenterId(),
                start,
                end,
                draft.expectedIncident(),
                false,
                affected,
                detail),
            kind.correlatable()));
  }

  private int voltageSag(
      List<Topology.Server> rack,
      double fraction,
      Fault draft,
      SplittableRandom random,
      List<String> affected) {
    List<String> servers = eligible(rack, random);
    int count = share(servers.size(), fraction);
    for (String server : servers.subList(0, count)) {
      double volts = uniform(random, 10.9, 11.25);
      effect(server, Effect.Type.VOLTAGE, draft.start(), draft.end(), volts, affected);
    }
    return count;
  }

  /** The rack's servers that faults may touch, in a seeded random order. */
  private List<String> eligible(List<Topology.Server> servers, SplittableRandom random) {
    List<String> ids =
        new ArrayList<>(
            servers.stream()
                .map(Topology.Server::serverId)
                .filter(id -> !excluded.contains(id))
                .toList());
    shuffle(ids, random);
    return ids;
  }

  /**
   * {@code fraction} of {@code n}, but at least six (one more than the rack twin's threshold of
   * five) when the rack has them, so that small racks still show the pattern.
   */
  private static int share(int n, double fraction) {
    return Math.min(n, Math.max((int) Math.ceil(fraction * n), 6));
  }

  private void placeNoise(FaultSpec spec, SplittableRandom random) {
    List<FaultKind> benign = FaultKind.benignKinds();
    FaultKind kind = spec.kind() != null ? spec.kind() : benign.get(random.nextInt(benign.size()));
    int samples =
        switch (kind) {
          case NOISE_INLET_SPIKE, NOISE_VOLTAGE_GLITCH -> 1;
          case NOISE_MISSED_REPORTS -> 1 + random.nextInt(3);
          default -> 1 + random.nextInt(2);
        };
    long interval = config.intervalMs();
    long firstTick = WARM_UP.toMillis() / interval;
    long lastTick = (config.durationMs() - RECOVERY_MS) / interval - samples;
    List<String> servers = candidates(Level.SERVER, spec.entity(), random);
    for (int attempt = 0; attempt < TRIES && lastTick > firstTick; attempt++) {
      String serverId = servers.get(attempt % servers.size());
      long tick =
          spec.start() != null
              ? spec.start().toMillis() / interval
              : firstTick + random.nextLong(lastTick - firstTick + 1);
      long phase = ServerSimulator.phaseOf(config.seed(), serverId, interval);
      long start = config.start() + tick * interval + phase;
      long end = start + (samples - 1) * interval + 1;
      Fault draft = draft(kind, serverId, start, end);
      if (!fits(draft, false)) {
        continue;
      }
      List<String> affected = new ArrayList<>();
      String detail =
          switch (kind) {
            case NOISE_CPU_STEAL -> {
              double steal = uniform(random, 15, 25);
              effect(serverId, Effect.Type.CPU_STEAL, start, end, steal, affected);
              yield String.format(
                  Locale.ROOT, "%s with %.0f %% CPU steal", reports(samples), steal);
            }
            case NOISE_PACKET_LOSS -> {
              double loss = uniform(random, 0.03, 0.1);
              effect(serverId, Effect.Type.PACKET_LOSS, start, end, loss, affected);
              yield String.format(
                  Locale.ROOT, "%s with %.1f %% packet loss", reports(samples), 100 * loss);
            }
            case NOISE_INLET_SPIKE -> {
              double rise = uniform(random, 10, 14);
              effect(serverId, Effect.Type.INLET_RISE, start, end, rise, affected);
              yield String.format(Locale.ROOT, "1 inlet reading %.1f °C too hot", rise);
            }
            case NOISE_VOLTAGE_GLITCH -> {
              double volts = uniform(random, 10.9, 11.2);
              effect(serverId, Effect.Type.VOLTAGE, start, end, volts, affected);
              yield String.format(Locale.ROOT, "1 voltage reading of %.2f V", volts);
            }
            case NOISE_DISK_LATENCY -> {
              double latency = uniform(random, 40, 80);
              effect(serverId, Effect.Type.DISK_LATENCY, start, end, latency, affected);
              yield String.format(
                  Locale.ROOT, "%s with %.0f ms disk latency", reports(samples), latency);
            }
            case NOISE_MISSED_REPORTS -> {
              effect(serverId, Effect.Type.SILENT, start, end, 0, affected);
              yield reports(samples) + " missing";
            }
            default -> throw new IllegalStateException("not benign: " + kind);
          };
      placed.add(
          new Placed(
              new Fault(
                  null,
                  kind.name(),
                  Level.SERVER,
                  serverId,
                  draft.rackId(),
                  draft.datacenterId(),
                  start,
                  end,
                  null,
                  true,
                  affected,
                  detail),
              false));
      return;
    }
    warnings.add("left out " + kind + ": no server free of faults");
  }

  private static String reports(int count) {
    return count == 1 ? "1 report" : count + " reports";
  }

  private void effect(
      String serverId,
      Effect.Type type,
      long start,
      long end,
      double magnitude,
      List<String> affected) {
    effects
        .computeIfAbsent(serverId, id -> new ArrayList<>())
        .add(new Effect(type, start, end, magnitude));
    affected.add(serverId);
  }

  private static double uniform(SplittableRandom random, double from, double to) {
    return from + (to - from) * random.nextDouble();
  }

  /** Fisher-Yates with the given stream: {@code Collections.shuffle} wants a java.util.Random. */
  private static <T> void shuffle(List<T> list, SplittableRandom random) {
    for (int i = list.size() - 1; i > 0; i--) {
      Collections.swap(list, i, random.nextInt(i + 1));
    }
  }
}

package dev.dctwin.simulator;

import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dctwin.domain.Alert;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * The default fleet on the wall clock, for the local demo: a scenario that ends {@code live} after
 * {@code now}, of which the part before {@code now} (the history) is sent at once and the rest at
 * the moment its event time comes, so that event time is wall time as in production.
 *
 * <p>The default faults are laid out over history and live part together, as {@code fleet} lays
 * them out over its duration. Sending the history first gives the twins the 15 minutes of context
 * that a running deployment has, and the scenario's early faults.
 */
public final class LiveFleet {
  private final FleetConfig config;
  private final Topology topology;
  private final Scenario scenario;
  private final long liveFrom;
  private final AtomicLong sent = new AtomicLong();

  private LiveFleet(FleetConfig config, long liveFrom) {
    this.config = config;
    this.liveFrom = liveFrom;
    this.topology = Topology.of(config.datacenters(), config.racks(), config.servers());
    this.scenario = ScenarioPlanner.plan(config, topology);
  }

  /**
   * The default topology (one datacenter, 4 racks of 40 servers, every 10 s) and the default faults
   * over {@code [now - history, now + live)}.
   */
  public static LiveFleet plan(long seed, long nowMs, Duration history, Duration live) {
    return plan(seed, nowMs, history, live, "default");
  }

  /**
   * The default topology with the faults of {@code faults} (as {@code fleet --faults}: {@code
   * default}, {@code none} or items such as {@code TOR_SWITCH_FAILURE:dc1-r02@4m30s+2m}, whose
   * times count from {@code now - history}).
   */
  public static LiveFleet plan(
      long seed, long nowMs, Duration history, Duration live, String faults) {
    if (history.isNegative() || live.isNegative() || live.isZero()) {
      throw new IllegalArgumentException("history must not be negative and live must be positive");
    }
    FleetConfig config =
        FleetConfig.defaults(seed)
            // "default" scales the default layout to the run; FaultSpec.DEFAULT itself would not.
            .withFaults(faults)
            .withDuration(history.plus(live).toMillis())
            .withStart(nowMs - history.toMillis());
    return new LiveFleet(config, nowMs);
  }

  public int servers() {
    return topology.servers().size();
  }

  public int racks() {
    return topology.racks().size();
  }

  /** Epoch ms at which the live part starts: everything earlier is history. */
  public long liveFrom() {
    return liveFrom;
  }

  /** Epoch ms of the scenario's end. */
  public long end() {
    return config.end();
  }

  /** Messages handed to the sinks so far. */
  public long sent() {
    return sent.get();
  }

  /** One line per fault, as {@code fleet} prints them, with times relative to the live start. */
  public void describeFaults(PrintWriter out) {
    for (Fault fault : scenario.faults()) {
      if (!fault.benign()) {
        out.printf(
            Locale.ROOT,
            "  %s %-24s %-10s %-14s %s .. %s%n",
            fault.faultId(),
            fault.kind(),
            fault.level(),
            fault.entity(),
            relative(fault.start()),
            relative(fault.end()));
      }
    }
    long benign = scenario.faults().stream().filter(Fault::benign).count();
    out.printf(Locale.ROOT, "  and %d benign spikes%n", benign);
    scenario.warnings().forEach(warning -> out.printf(Locale.ROOT, "  (%s)%n", warning));
    out.flush();
  }

  public long faults() {
    return scenario.faults().stream().filter(fault -> !fault.benign()).count();
  }

  public void writeGroundTruth(Path file) {
    try {
      GroundTruth.write(scenario.faults(), file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends the whole scenario to Kafka (topics {@code <prefix>metrics}, {@code <prefix>sensors},
   * {@code <prefix>provisioning}): the history at once, then calls {@code beforeLive} once, then
   * each message when the wall clock reaches its event time. Returns early when {@code stop} says
   * so.
   */
  public void publish(
      String kafkaBootstrapServers, String topicPrefix, Runnable beforeLive, BooleanSupplier stop) {
    UnaryOperator<String> names = name -> topicPrefix + name.substring(name.indexOf('.') + 1);
    try (MessageSink sink =
        new WallClockSink(new KafkaSink(kafkaBootstrapServers, names), beforeLive, stop)) {
      new FleetGenerator(config, topology, scenario).run(sink);
    } catch (StoppedException e) {
      // Asked to stop: what was sent is flushed by close().
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Scores {@code alerts} against this scenario: prints the per-fault summary of {@code score},
   * then the JSON line of figures. Returns the recall (null without faults).
   */
  public Double score(List<Alert> alerts, PrintWriter out) {
    Scorer.Score score = new Scorer(Scorer.DEFAULT_GRACE_MS).score(scenario.faults(), alerts);
    ScoreCommand.printSummary(out, score, new ScoreCommand.AlertFile(alerts, 0, 0));
    try {
      out.println(JsonMapper.builder().build().writeValueAsString(Scorer.figures(score)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.flush();
    return score.recall();
  }

  private String relative(long time) {
    long seconds = Math.round((time - liveFrom) / 1000.0);
    return String.format(
        Locale.ROOT,
        "%s%d:%02d",
        seconds < 0 ? "-" : "+",
        Math.abs(seconds) / 60,
        Math.abs(seconds) % 60);
  }

  private static final class StoppedException extends IOException {
    StoppedException() {
      super("stopped");
    }
  }

  /** Holds each live message until the wall clock reaches its event time. */
  private final class WallClockSink implements MessageSink {
    private final MessageSink sink;
    private final Runnable beforeLive;
    private final BooleanSupplier stop;
    private boolean live;

    WallClockSink(MessageSink sink, Runnable beforeLive, BooleanSupplier stop) {
      this.sink = sink;
      this.beforeLive = beforeLive;
      this.stop = stop;
    }

    @Override
    public void send(Topic topic, String key, long eventTime, String json) throws IOException {
      if (eventTime >= liveFrom && !live) {
        live = true;
        beforeLive.run();
      }
      while (true) {
        if (stop.getAsBoolean()) {
          throw new StoppedException();
        }
        long wait = eventTime - System.currentTimeMillis();
        if (wait <= 0) {
          break;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(Math.min(wait, 200)));
      }
      sink.send(topic, key, eventTime, json);
      sent.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
      sink.close();
    }
  }
}

package dev.dctwin.models.agents;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.FieldLimits;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.agents.AssemblerState.Series;
import dev.dctwin.models.agents.AssemblyStep.Counts;
import dev.dctwin.models.agents.AssemblyStep.Rejected;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Assembles one host's agent samples into {@link ServerMetricReport}s, one per reporting interval,
 * at the interval's end: counters become rates, the canonical names fill the typed groups, every
 * other series becomes a named gauge. Pure and deterministic: no clock, no Beam; times are epoch
 * ms. The caller keeps the host's inputs until they are due ({@link #dueTime}) and calls {@link
 * #flush} when event time reaches the earliest of them or {@link AssemblyStep#wakeUpAt()}. How and
 * why: ASSEMBLY.md beside this class.
 */
public final class ReportAssembler {
  private static final double TWO_TO_32 = 0x1p32;
  private static final double TWO_TO_64 = 0x1p64;

  /**
   * A counter that went down wrapped around only if that increase is at most this many times its
   * last rate.
   */
  static final double WRAP_SLACK = 4.0;

  /**
   * Commissionings and decommissionings of a host by event time; at the same time, as the server
   * twin takes them (commissioning first), then by server.
   */
  private static final Comparator<Message> LIFECYCLE_ORDER =
      Comparator.comparingLong(Message::eventTime)
          .thenComparingInt((Message m) -> m instanceof CommissionServer ? 0 : 1)
          .thenComparing(
              (Message m) ->
                  m instanceof CommissionServer c
                      ? c.serverId()
                      : ((DecommissionServer) m).serverId());

  private static final Comparator<MetricSample> SERIES_ORDER =
      Comparator.comparing((MetricSample s) -> seriesName(s.name(), s.labels()))
          .thenComparingLong(MetricSample::time)
          .thenComparing(MetricSample::kind)
          .thenComparingDouble(MetricSample::value);

  private final AssemblyConfig config;
  private final long mappingTtlMs;

  /**
   * @param mappingTtlMs how long a host's mapping to a server is kept without a commissioning or a
   *     sample of the host: the server twin's time after which a server is gone ({@code
   *     TwinsConfig.serverGoneAfterMs}), so that both forget a server at the same time
   */
  public ReportAssembler(AssemblyConfig config, long mappingTtlMs) {
    if (mappingTtlMs <= 0) {
      throw new IllegalArgumentException(
          "the TTL of a host's server must be positive, not " + mappingTtlMs + " ms");
    }
    this.config = config;
    this.mappingTtlMs = mappingTtlMs;
  }

  public AssemblyConfig config() {
    return config;
  }

  /** The end of the interval of a sample at {@code time}: intervals are [end - interval, end). */
  public long binEnd(long time) {
    return Math.floorDiv(time, config.intervalMs()) * config.intervalMs() + config.intervalMs();
  }

  /**
   * When an input must be looked at: the end of the interval of an agent message's earliest sample,
   * or a commissioning's or decommissioning's event time. A sample of an interval already reported
   * is due later than this ({@link AssemblyStep#wakeUpAt()} says when); never earlier.
   */
  public long dueTime(Message input) {
    if (input instanceof AgentSamples samples) {
      long earliest = samples.eventTime();
      for (MetricSample sample : samples.samples()) {
        earliest = Math.min(earliest, sample.time());
      }
      return binEnd(earliest);
    }
    return input.eventTime();
  }

  /**
   * The name of a series as a named gauge: the metric name, then its labels sorted by name, in the
   * Prometheus text style ({@code name{a="x",b="y"}}; backslash, quote and newline escaped; no
   * braces without labels).
   */
  public static String seriesName(String name, Map<String, String> labels) {
    if (labels.isEmpty()) {
      return name;
    }
    StringBuilder series = new StringBuilder(name).append('{');
    boolean first = true;
    for (Map.Entry<String, String> label : new TreeMap<>(labels).entrySet()) {
      if (!first) {
        series.append(',');
      }
      first = false;
      series.append(label.getKey()).append("=\"");
      String value = label.getValue();
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        switch (c) {
          case '\\' -> series.append("\\\\");
          case '"' -> series.append("\\\"");
          case '\n' -> series.append("\\n");
          default -> series.append(c);
        }
      }
      series.append('"');
    }
    return series.append('}').toString();
  }

  /**
   * Event time has reached {@code now}: assembles the report of every interval that ended at or
   * before {@code now} from the due samples, each for the server the host maps to at the interval's
   * end (after the commissionings of this host up to that time, and its decommissionings before
   * it), forgets a mapping not confirmed for the mapping TTL, and hands back what is not due yet.
   *
   * @param host the agents' name of the host, the key of all of {@code pending}
   * @param pending the host's inputs that were kept: {@link AgentSamples} of this host, and {@link
   *     CommissionServer}s and {@link DecommissionServer}s naming it
   */
  public AssemblyStep flush(String host, AssemblerState state, List<Message> pending, long now) {
    return new Flush(host, state, now).run(pending);
  }

  /** One flush: the state taken apart, changed, and put together again. */
  private final class Flush {
    private final String host;
    private final long now;
    private final long interval = config.intervalMs();
    private String serverId;
    private Long mappingSeen;
    private long lastEmitted;
    private final TreeMap<String, Series> series;
    private final List<ServerMetricReport> reports = new ArrayList<>(1);
    private final List<Rejected> rejected = new ArrayList<>(0);
    private final List<Message> stillPending = new ArrayList<>();
    private int lateMerged;
    private int superseded;
    private int notFinite;
    private int resets;
    private int wraps;
    private int gaps;

    Flush(String host, AssemblerState state, long now) {
      this.host = host;
      this.now = now;
      this.serverId = state.serverId();
      // A mapping of version 1 had no TTL: it counts from now.
      this.mappingSeen =
          serverId == null ? null : state.mappingSeen() == null ? now : state.mappingSeen();
      this.lastEmitted = state.lastEmitted();
      this.series = new TreeMap<>(state.series());
    }

    AssemblyStep run(List<Message> pending) {
      List<Message> lifecycle = new ArrayList<>();
      List<AgentSamples> samples = new ArrayList<>();
      for (Message input : pending) {
        if (input instanceof CommissionServer || input instanceof DecommissionServer) {
          if (input.eventTime() <= now) {
            lifecycle.add(input);
          } else {
            stillPending.add(input);
          }
        } else if (input instanceof AgentSamples agentSamples) {
          samples.add(agentSamples);
        } else {
          throw new IllegalArgumentException("not an input of the report assembly: " + input);
        }
      }
      lifecycle.sort(LIFECYCLE_ORDER);

      TreeMap<Long, List<MetricSample>> due = new TreeMap<>();
      for (AgentSamples message : samples) {
        sortByInterval(message, due);
      }
      int next = 0;
      for (Map.Entry<Long, List<MetricSample>> bin : due.entrySet()) {
        long binEnd = bin.getKey();
        // A report at a commissioning's time goes to its server, as at a decommissioning's: the
        // server twin takes the report before the decommissioning (ServerTwin.LIFECYCLE_ORDER).
        while (next < lifecycle.size() && appliesBefore(lifecycle.get(next), binEnd)) {
          apply(lifecycle.get(next++));
        }
        expireMapping(binEnd);
        assemble(binEnd, bin.getValue());
        if (serverId != null) {
          mappingSeen = Math.max(mappingSeen, binEnd);
        }
        lastEmitted = Math.max(lastEmitted, binEnd);
      }
      while (next < lifecycle.size()) {
        apply(lifecycle.get(next++));
      }
      expireMapping(now);
      long horizon = now - config.seriesTtlIntervals() * interval;
      series.values().removeIf(last -> last.time() <= horizon);

      AssemblerState state = new AssemblerState(serverId, lastEmitted, series, mappingSeen);
      // The last report is kept as long as a series would be, to tell late samples.
      boolean idle =
          serverId == null
              && series.isEmpty()
              && stillPending.isEmpty()
              && (lastEmitted == AssemblerState.NONE || lastEmitted <= horizon);
      return new AssemblyStep(
          idle ? null : state,
          reports,
          rejected,
          stillPending,
          wakeUpAt(),
          new Counts(lateMerged, superseded, notFinite, resets, wraps, gaps));
    }

    /** The interval whose report takes {@code sample}: its own, or the next one if that left. */
    private long effectiveBin(MetricSample sample) {
      long bin = binEnd(sample.time());
      return lastEmitted != AssemblerState.NONE && bin <= lastEmitted
          ? lastEmitted + interval
          : bin;
    }

    private boolean tooLate(MetricSample sample) {
      return lastEmitted != AssemblerState.NONE
          && binEnd(sample.time()) <= lastEmitted - config.maxLatenessIntervals() * interval;
    }

    private void sortByInterval(AgentSamples message, TreeMap<Long, List<MetricSample>> due) {
      List<MetricSample> later = new ArrayList<>();
      List<MetricSample> late = new ArrayList<>();
      for (MetricSample sample : message.samples()) {
        if (!Double.isFinite(sample.value())) {
          notFinite++;
        } else if (tooLate(sample)) {
          late.add(sample);
        } else {
          long bin = effectiveBin(sample);
          if (bin > now) {
            later.add(sample);
          } else {
            if (bin != binEnd(sample.time())) {
              lateMerged++;
            }
            due.computeIfAbsent(bin, b -> new ArrayList<>()).add(sample);
          }
        }
      }
      if (!later.isEmpty()) {
        stillPending.add(
            later.size() == message.samples().size() ? message : samplesOf(later, message.host()));
      }
      if (!late.isEmpty()) {
        rejected.add(
            new Rejected(
                DeadLetterReason.LATE_SAMPLE,
                late.size()
                    + " samples of host "
                    + host
                    + " from intervals more than "
                    + config.maxLatenessIntervals()
                    + " intervals before its last report, which ended at "
                    + lastEmitted,
                samplesOf(late, message.host())));
      }
    }

    private boolean appliesBefore(Message lifecycle, long binEnd) {
      return lifecycle instanceof CommissionServer
          ? lifecycle.eventTime() <= binEnd
          : lifecycle.eventTime() < binEnd;
    }

    /**
     * A commissioning maps the host to its server; a decommissioning of the server the host maps to
     * ends the mapping (one of another server, which the host no longer maps to, changes nothing).
     */
    private void apply(Message lifecycle) {
      if (lifecycle instanceof CommissionServer commission) {
        serverId = commission.serverId();
        mappingSeen = commission.eventTime();
      } else if (((DecommissionServer) lifecycle).serverId().equals(serverId)) {
        serverId = null;
        mappingSeen = null;
      }
    }

    /** Forgets the mapping once the TTL has passed since it was last confirmed, at {@code time}. */
    private void expireMapping(long time) {
      if (serverId != null && mappingExpiry() <= time) {
        serverId = null;
        mappingSeen = null;
      }
    }

    private long mappingExpiry() {
      return mappingTtlMs > Long.MAX_VALUE - mappingSeen
          ? Long.MAX_VALUE
          : mappingSeen + mappingTtlMs;
    }

    private OptionalLong wakeUpAt() {
      long earliest = Long.MAX_VALUE;
      for (Message input : stillPending) {
        if (input instanceof AgentSamples samples) {
          for (MetricSample sample : samples.samples()) {
            earliest = Math.min(earliest, effectiveBin(sample));
          }
        } else {
          earliest = Math.min(earliest, input.eventTime());
        }
      }
      if (earliest == Long.MAX_VALUE) {
        // Nothing pending: wake up when the newest series (or the last report) expires.
        long newest = lastEmitted;
        for (Series last : series.values()) {
          newest = Math.max(newest, last.time());
        }
        if (newest != AssemblerState.NONE
            && newest + config.seriesTtlIntervals() * interval > now) {
          earliest = newest + config.seriesTtlIntervals() * interval;
        }
      }
      if (serverId != null) {
        earliest = Math.min(earliest, mappingExpiry());
      }
      return earliest == Long.MAX_VALUE ? OptionalLong.empty() : OptionalLong.of(earliest);
    }

    /** The report of the interval ending at {@code binEnd}, if its samples give any value. */
    private void assemble(long binEnd, List<MetricSample> samples) {
      samples.sort(SERIES_ORDER);
      TreeMap<String, BinSeries> bySeries = new TreeMap<>();
      MetricSample previous = null;
      for (MetricSample sample : samples) {
        if (sample.equals(previous)) {
          continue; // an at-least-once source delivered it twice
        }
        previous = sample;
        String name = seriesName(sample.name(), sample.labels());
        BinSeries bin =
            bySeries.computeIfAbsent(name, n -> new BinSeries(sample.name(), sample.labels()));
        bin.samples.add(sample);
        switch (sample.kind()) {
          case GAUGE -> bin.level = sample.value();
          case COUNTER -> count(name, bin, sample);
          case DELTA -> delta(name, bin, sample);
        }
      }

      Groups groups = new Groups();
      SortedMap<String, Double> gauges = new TreeMap<>();
      SortedMap<String, BinSeries> gaugeSeries = new TreeMap<>();
      List<MetricSample> tooLong = new ArrayList<>();
      for (Map.Entry<String, BinSeries> entry : bySeries.entrySet()) {
        BinSeries bin = entry.getValue();
        if (!bin.hasValue() || groups.take(bin)) {
          continue;
        }
        if (entry.getKey().length() > FieldLimits.NAME) {
          tooLong.addAll(bin.samples);
        } else {
          gauges.put(entry.getKey(), bin.rateOrLevel(interval));
          gaugeSeries.put(entry.getKey(), bin);
        }
      }
      if (!tooLong.isEmpty()) {
        rejected.add(
            new Rejected(
                DeadLetterReason.FIELD_TOO_LONG,
                "series of host "
                    + host
                    + " whose names are longer than "
                    + FieldLimits.NAME
                    + " characters",
                samplesOf(tooLong, host)));
      }
      if (gauges.size() > config.maxGauges()) {
        capGauges(binEnd, gauges, gaugeSeries);
      }
      ServerMetricReport report =
          new ServerMetricReport(
              serverId == null ? host : serverId,
              binEnd,
              groups.cpu(),
              groups.network(),
              groups.memory(),
              groups.disk(),
              groups.processes(),
              groups.sensors(),
              gauges);
      boolean anyGroup =
          report.cpu() != null
              || report.network() != null
              || report.memory() != null
              || report.disk() != null
              || report.processes() != null
              || report.sensors() != null;
      if (anyGroup || !gauges.isEmpty()) {
        reports.add(report);
      }
    }

    /** Keeps the first gauges by name; one dead letter holds (the first of) the others. */
    private void capGauges(
        long binEnd, SortedMap<String, Double> gauges, SortedMap<String, BinSeries> gaugeSeries) {
      List<String> names = new ArrayList<>(gauges.keySet());
      List<String> dropped = names.subList(config.maxGauges(), names.size());
      List<MetricSample> kept = new ArrayList<>();
      for (String name : dropped.subList(0, Math.min(dropped.size(), config.maxGauges()))) {
        kept.addAll(gaugeSeries.get(name).samples);
      }
      rejected.add(
          new Rejected(
              DeadLetterReason.TOO_MANY_METRICS,
              dropped.size()
                  + " gauges of host "
                  + host
                  + " in the interval ending at "
                  + binEnd
                  + " beyond the limit of "
                  + config.maxGauges()
                  + " dropped, from "
                  + dropped.get(0)
                  + (dropped.size() > config.maxGauges()
                      ? "; the payload holds the first " + config.maxGauges()
                      : ""),
              samplesOf(kept, host)));
      for (String name : List.copyOf(dropped)) {
        gauges.remove(name);
      }
    }

    private void count(String name, BinSeries bin, MetricSample sample) {
      Series last = series.get(name);
      long time = sample.time();
      double value = sample.value();
      if (last == null) {
        series.put(name, new Series(time, value, Double.NaN));
      } else if (time <= last.time()) {
        superseded++;
      } else if (time - last.time() > config.maxRateGapIntervals() * interval) {
        gaps++;
        series.put(name, new Series(time, value, Double.NaN));
      } else {
        long elapsed = time - last.time();
        double increase = increase(last, value, elapsed);
        bin.increase += increase;
        bin.elapsedMs += elapsed;
        bin.counted = true;
        series.put(name, new Series(time, value, increase * 1000.0 / elapsed));
      }
    }

    /**
     * The increase of a counter since {@code last}: the difference; after a decrease, the way
     * around 2^32 or 2^64 if the counter's last rate makes that plausible, else the new value (it
     * counts from 0 since a reset). Never negative, never more than a wrap's worth.
     */
    private double increase(Series last, double value, long elapsedMs) {
      if (value >= last.value()) {
        return value - last.value();
      }
      double range = last.value() < TWO_TO_32 ? TWO_TO_32 : TWO_TO_64;
      double wrapped = range - last.value() + value;
      if (last.rate() > 0 && wrapped <= WRAP_SLACK * last.rate() * elapsedMs / 1000.0) {
        wraps++;
        return wrapped;
      }
      resets++;
      return Math.max(0.0, value);
    }

    private void delta(String name, BinSeries bin, MetricSample sample) {
      Series last = series.get(name);
      if (last != null && sample.time() <= last.time()) {
        superseded++;
        return;
      }
      bin.deltas += sample.value();
      bin.delta = true;
      series.put(name, new Series(sample.time(), sample.value(), Double.NaN));
    }
  }

  private static AgentSamples samplesOf(List<MetricSample> samples, String host) {
    long newest = samples.stream().mapToLong(MetricSample::time).max().orElse(0);
    return new AgentSamples(host, newest, samples);
  }

  /** What the samples of one series in one interval add up to. */
  private static final class BinSeries {
    final String name;
    final Map<String, String> labels;
    final List<MetricSample> samples = new ArrayList<>(2);
    double level = Double.NaN;
    double increase;
    long elapsedMs;
    boolean counted;
    double deltas;
    boolean delta;

    BinSeries(String name, Map<String, String> labels) {
      this.name = name;
      this.labels = labels;
    }

    boolean hasValue() {
      return counted || delta || !Double.isNaN(level);
    }

    boolean isCumulative() {
      return counted || delta;
    }

    /** A counter's or delta's rate per second, else the gauge's level. */
    double rateOrLevel(long intervalMs) {
      if (counted) {
        return increase * 1000.0 / elapsedMs;
      }
      return delta ? deltas * 1000.0 / intervalMs : level;
    }

    /** A counter's or delta's increase in the interval, else the gauge's level. */
    double increaseOrLevel() {
      if (counted) {
        return increase;
      }
      return delta ? deltas : level;
    }
  }

  /** The typed groups of one report, from the series with canonical names. */
  private final class Groups {
    private static final List<String> CPU_STATES =
        List.of("idle", "user", "system", "nice", "interrupt", "softirq", "steal", "wait");
    private static final List<String> NETWORK =
        List.of(
            "droppedIn",
            "droppedOut",
            "errorsIn",
            "errorsOut",
            "packetsIn",
            "packetsOut",
            "octetsIn",
            "octetsOut");
    private static final List<String> MEMORY =
        List.of(
            "used",
            "free",
            "cached",
            "buffered",
            "slab",
            "total",
            "correctedErrors",
            "uncorrectedErrors");
    private static final List<String> DISK =
        List.of(
            "ioTime",
            "weightedIoTime",
            "mergedRead",
            "mergedWrite",
            "octetsRead",
            "octetsWrite",
            "opsRead",
            "opsWrite",
            "timeRead",
            "timeWrite",
            "failedDevices");
    private static final List<String> PROCESSES =
        List.of("running", "sleeping", "blocked", "paging", "stopped", "zombies");
    private static final List<String> SENSORS =
        List.of("voltage", "temperature", "airflow", "inputPower");

    private final double[] cpuTime = nans(CPU_STATES.size());
    private final double[] cpuPercent = nans(CPU_STATES.size());
    private final int[] cpuPercentCount = new int[CPU_STATES.size()];
    private final double[] network = nans(NETWORK.size());
    private final double[] memory = nans(MEMORY.size());
    private final double[] disk = nans(DISK.size());
    private final int[] latencyCount = new int[2];
    private final double[] timeTotal = nans(2);
    private final double[] opsCount = nans(2);
    private final double[] processes = nans(PROCESSES.size());
    private final double[] sensors = nans(SENSORS.size());
    private int voltageCount;

    /** Takes a canonical series into its group; false for any other series. */
    boolean take(BinSeries bin) {
      String name = bin.name;
      int dot = name.indexOf('.');
      if (dot < 0) {
        return false;
      }
      String group = name.substring(0, dot);
      String field = name.substring(dot + 1);
      boolean taken =
          switch (group) {
            case "cpu" -> takeCpu(field, bin);
            case "network" -> add(network, NETWORK.indexOf(field), bin.rateOrLevel(interval()));
            case "memory" -> takeMemory(field, bin);
            case "disk" -> takeDisk(field, bin);
            case "processes" ->
                add(processes, PROCESSES.indexOf(field), bin.rateOrLevel(interval()));
            case "sensors" -> takeSensor(field, bin);
            default -> false;
          };
      return taken;
    }

    private boolean takeCpu(String field, BinSeries bin) {
      int state = CPU_STATES.indexOf(bin.labels.getOrDefault("state", ""));
      if (state < 0) {
        return false;
      }
      if (field.equals("time")) {
        return add(cpuTime, state, bin.rateOrLevel(interval()));
      }
      if (field.equals("percent")) {
        cpuPercentCount[state]++;
        return add(cpuPercent, state, bin.rateOrLevel(interval()));
      }
      return false;
    }

    private boolean takeMemory(String field, BinSeries bin) {
      int index = MEMORY.indexOf(field);
      boolean errors = field.equals("correctedErrors") || field.equals("uncorrectedErrors");
      return add(memory, index, errors ? bin.increaseOrLevel() : bin.rateOrLevel(interval()));
    }

    private boolean takeDisk(String field, BinSeries bin) {
      int direction = field.startsWith("read") || field.endsWith("Read") ? 0 : 1;
      switch (field) {
        case "readTimeTotal", "writeTimeTotal" -> {
          return bin.isCumulative() && add(timeTotal, direction, bin.increaseOrLevel());
        }
        case "timeRead", "timeWrite" -> latencyCount[direction]++;
        case "opsRead", "opsWrite" -> {
          if (bin.isCumulative()) {
            add(opsCount, direction, bin.increaseOrLevel());
          }
        }
        default -> {}
      }
      return add(disk, DISK.indexOf(field), bin.rateOrLevel(interval()));
    }

    private boolean takeSensor(String field, BinSeries bin) {
      int index = SENSORS.indexOf(field);
      double value = bin.rateOrLevel(interval());
      return switch (field) {
        case "temperature" -> {
          sensors[index] = Double.isNaN(sensors[index]) ? value : Math.max(sensors[index], value);
          yield true;
        }
        case "voltage" -> {
          voltageCount++;
          yield add(sensors, index, value);
        }
        default -> add(sensors, index, value);
      };
    }

    CpuMetrics cpu() {
      double[] shares = nans(CPU_STATES.size());
      double total = 0;
      for (double rate : cpuTime) {
        total += Double.isNaN(rate) ? 0 : rate;
      }
      if (total > 0) {
        for (int i = 0; i < shares.length; i++) {
          shares[i] = Math.min(100.0, 100.0 * cpuTime[i] / total);
        }
      } else {
        for (int i = 0; i < shares.length; i++) {
          shares[i] = Math.min(100.0, Math.max(0.0, cpuPercent[i] / cpuPercentCount[i]));
        }
      }
      if (Arrays.stream(shares).allMatch(Double::isNaN)) {
        return null;
      }
      return new CpuMetrics(
          shares[0], shares[1], shares[2], shares[3], shares[4], shares[5], shares[6], shares[7]);
    }

    NetworkMetrics network() {
      double[] n = network;
      return allNaN(n) ? null : new NetworkMetrics(n[0], n[1], n[2], n[3], n[4], n[5], n[6], n[7]);
    }

    MemoryMetrics memory() {
      if (allNaN(memory)) {
        return null;
      }
      double used = memory[0];
      double free = memory[1];
      double cached = memory[2];
      double buffered = memory[3];
      double slab = memory[4];
      double total = memory[5];
      if (Double.isNaN(used) && !Double.isNaN(total) && !Double.isNaN(free)) {
        used = Math.max(0.0, total - free - zeroIfNaN(cached) - zeroIfNaN(buffered));
      } else if (Double.isNaN(total) && !Double.isNaN(used) && !Double.isNaN(free)) {
        // collectd reports no total: its used is what is left of it.
        total = used + free + zeroIfNaN(cached) + zeroIfNaN(buffered) + zeroIfNaN(slab);
      }
      double nan = Double.NaN;
      return new MemoryMetrics(
          used, free, cached, buffered, slab, total, nan, nan, nan, memory[6], memory[7], nan);
    }

    DiskMetrics disk() {
      if (allNaN(disk) && allNaN(timeTotal)) {
        return null;
      }
      double[] d = disk.clone();
      for (int direction = 0; direction < 2; direction++) {
        int field = direction == 0 ? DISK.indexOf("timeRead") : DISK.indexOf("timeWrite");
        if (!Double.isNaN(timeTotal[direction])) {
          double ops = opsCount[direction];
          d[field] = ops > 0 ? timeTotal[direction] / ops : Double.NaN;
        } else if (latencyCount[direction] > 0) {
          d[field] /= latencyCount[direction];
        }
      }
      return new DiskMetrics(d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10]);
    }

    ProcessMetrics processes() {
      double[] p = processes;
      return allNaN(p) ? null : new ProcessMetrics(p[0], p[1], p[2], p[3], p[4], p[5]);
    }

    SensorReadings sensors() {
      if (allNaN(sensors)) {
        return null;
      }
      double voltage = voltageCount > 0 ? sensors[0] / voltageCount : Double.NaN;
      return new SensorReadings(voltage, sensors[1], sensors[2], sensors[3]);
    }

    private long interval() {
      return config.intervalMs();
    }

    private static boolean add(double[] sums, int index, double value) {
      if (index < 0) {
        return false;
      }
      sums[index] = Double.isNaN(sums[index]) ? value : sums[index] + value;
      return true;
    }

    private static double[] nans(int size) {
      double[] values = new double[size];
      Arrays.fill(values, Double.NaN);
      return values;
    }

    private static boolean allNaN(double[] values) {
      return Arrays.stream(values).allMatch(Double::isNaN);
    }

    private static double zeroIfNaN(double value) {
      return Double.isNaN(value) ? 0.0 : value;
    }
  }
}

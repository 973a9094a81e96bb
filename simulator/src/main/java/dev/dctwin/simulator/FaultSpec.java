package dev.dctwin.simulator;

import dev.dctwin.pipeline.cli.Durations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One item of {@code --faults}: {@code KIND[*COUNT][:ENTITY][@START[+DURATION]]}, for example
 * {@code TOR_SWITCH_FAILURE:dc1-r02@12m+5m}, {@code DISK_FAILURE*3} or {@code NOISE*10}. KIND is a
 * {@link FaultKind} or {@code NOISE} (a benign kind drawn at random); START is the offset from the
 * run's start. What is left out, the planner chooses from the seed.
 *
 * @param kind null for {@code NOISE}
 * @param start null when the planner chooses
 * @param duration null for the kind's default
 */
record FaultSpec(FaultKind kind, int count, String entity, Duration start, Duration duration) {

  /**
   * The default scenario, laid out for 30 minutes (other durations scale its times): four waves
   * separated by more than the 3-minute grace, so that no two faults on the same servers are
   * confused, and every fault recovers before the end.
   *
   * <ul>
   *   <li>3:00-7:40 four server faults: a disk, a NIC, CPU steal, uncorrectable ECC errors;
   *   <li>10:00-15:00 a hot server, a silent server, a ToR switch failure, a rack cooling failure,
   *       necessarily in four different racks;
   *   <li>17:20-21:40 a rack power failure and another disk;
   *   <li>24:40-28:20 a degraded power supply of the datacenter;
   *   <li>12 benign spikes anywhere else.
   * </ul>
   */
  static final String DEFAULT =
      "DISK_FAILURE@3m+4m,NIC_DEGRADED@3m20s+4m,CPU_STEAL@3m40s+4m,MEMORY_ECC@4m+2m,"
          + "THERMAL@10m+4m,SERVER_SILENT@10m20s+3m,TOR_SWITCH_FAILURE@10m40s+4m,"
          + "RACK_COOLING@11m+4m,DISK_FAILURE@17m20s+4m,RACK_POWER@17m40s+4m,"
          + "POWER_SUPPLY_DEGRADATION@24m40s+3m40s,NOISE*12";

  /** The duration {@link #DEFAULT} is laid out for. */
  static final Duration DEFAULT_LAYOUT = Duration.ofMinutes(30);

  private static final Pattern ITEM =
      Pattern.compile(
          "([A-Za-z_]+)(?:\\*(\\d+))?(?::([A-Za-z0-9_.-]+))?(?:@([0-9a-zA-Z]+)(?:\\+([0-9a-zA-Z]+))?)?");

  /**
   * Parses {@code --faults}: {@code default}, {@code none}, or a comma-separated list of items.
   * Times of {@code default} are scaled by {@code duration / 30 min}.
   */
  static List<FaultSpec> parseAll(String spec, Duration runDuration) {
    String trimmed = spec.strip();
    if (trimmed.equalsIgnoreCase("none") || trimmed.isEmpty()) {
      return List.of();
    }
    if (trimmed.equalsIgnoreCase("default")) {
      double scale = (double) runDuration.toMillis() / DEFAULT_LAYOUT.toMillis();
      return parseAll(DEFAULT, runDuration).stream().map(item -> item.scaled(scale)).toList();
    }
    List<FaultSpec> items = new ArrayList<>();
    for (String part : trimmed.split(",")) {
      items.add(parse(part.strip()));
    }
    return items;
  }

  static FaultSpec parse(String item) {
    Matcher m = ITEM.matcher(item);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "bad fault '" + item + "': expected KIND[*COUNT][:ENTITY][@START[+DURATION]]");
    }
    String name = m.group(1).toUpperCase(Locale.ROOT);
    FaultKind kind = null;
    if (!name.equals("NOISE")) {
      try {
        kind = FaultKind.valueOf(name);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown fault kind '" + m.group(1) + "' (kinds: NOISE, " + kinds() + ")");
      }
    }
    int count = m.group(2) == null ? 1 : Integer.parseInt(m.group(2));
    if (count < 1) {
      throw new IllegalArgumentException("bad fault '" + item + "': count must be at least 1");
    }
    Duration start = m.group(4) == null ? null : Durations.parse(m.group(4));
    Duration duration = m.group(5) == null ? null : Durations.parse(m.group(5));
    if (duration != null && duration.isZero()) {
      throw new IllegalArgumentException("bad fault '" + item + "': duration must be positive");
    }
    return new FaultSpec(kind, count, m.group(3), start, duration);
  }

  private FaultSpec scaled(double factor) {
    return new FaultSpec(kind, count, entity, scale(start, factor), scale(duration, factor));
  }

  private static Duration scale(Duration duration, double factor) {
    return duration == null ? null : Duration.ofMillis(Math.round(duration.toMillis() * factor));
  }

  private static String kinds() {
    return String.join(", ", Arrays.stream(FaultKind.values()).map(FaultKind::name).toList());
  }
}

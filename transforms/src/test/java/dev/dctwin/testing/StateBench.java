package dev.dctwin.testing;

import dev.dctwin.join.JoinStateBench;
import dev.dctwin.join.JoinStateBench.Clearing;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import dev.dctwin.twins.TwinStateBench;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The state benchmark: floods the stateful DoFns of the join and the twins with distinct keys and
 * prints, per DoFn, its state bytes per key during the flood and what is left once event time has
 * passed the keys, with PASS (returns to zero), FAIL, or INVALID (the flood did not complete in the
 * time limit). See STATE-BENCH.md beside this class; run with
 *
 * <pre>
 * ./mvnw -B -q -pl transforms test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.dctwin.testing.StateBench [-Dexec.args=--quick]
 * </pre>
 *
 * <p>Exit code 0 when every line passes, 1 otherwise, 2 for a bad argument.
 */
public final class StateBench {
  /** The sizes of a run. */
  public record Sizes(int joinKeys, int servers, int hosts, long timeLimitSeconds) {
    /** The million join keys; a hundred thousand servers and hosts. */
    public static Sizes full() {
      return new Sizes(1_000_000, 100_000, 100_000, 1_800);
    }

    /** Small enough for a unit test. */
    public static Sizes quick() {
      return new Sizes(20_000, 1_000, 1_000, 300);
    }
  }

  private StateBench() {}

  public static void main(String[] args) {
    Sizes sizes = Sizes.full();
    for (String arg : args) {
      String[] flag = arg.split("=", 2);
      switch (flag[0]) {
        case "--quick" -> sizes = Sizes.quick();
        case "--joinKeys" ->
            sizes =
                new Sizes(
                    Integer.parseInt(flag[1]),
                    sizes.servers(),
                    sizes.hosts(),
                    sizes.timeLimitSeconds());
        case "--servers" ->
            sizes =
                new Sizes(
                    sizes.joinKeys(),
                    Integer.parseInt(flag[1]),
                    sizes.hosts(),
                    sizes.timeLimitSeconds());
        case "--hosts" ->
            sizes =
                new Sizes(
                    sizes.joinKeys(),
                    sizes.servers(),
                    Integer.parseInt(flag[1]),
                    sizes.timeLimitSeconds());
        case "--timeLimitSeconds" ->
            sizes =
                new Sizes(
                    sizes.joinKeys(), sizes.servers(), sizes.hosts(), Long.parseLong(flag[1]));
        default -> {
          System.err.println(
              "unknown argument "
                  + arg
                  + "; known: --quick --joinKeys=N --servers=N --hosts=N --timeLimitSeconds=S");
          System.exit(2);
        }
      }
    }
    List<StateLine> lines = run(sizes, System.out);
    boolean allPass = lines.stream().allMatch(line -> line.verdict() == StateLine.Verdict.PASS);
    System.exit(allPass ? 0 : 1);
  }

  /**
   * Runs every flood of {@code sizes}, printing each line to {@code out} as it is done and the
   * whole table at the end; the floods share the time limit.
   */
  public static List<StateLine> run(Sizes sizes, PrintStream out) {
    long deadline = System.nanoTime() + sizes.timeLimitSeconds() * 1_000_000_000L;
    List<StateLine> lines = new ArrayList<>();
    out.println("state bench: " + sizes);
    for (Mode mode : Mode.values()) {
      for (Clearing clearing : List.of(Clearing.DELTA, Clearing.TTL)) {
        add(lines, List.of(JoinStateBench.flood(mode, clearing, sizes.joinKeys(), deadline)), out);
      }
    }
    add(lines, TwinStateBench.silentServers(sizes.servers(), deadline), out);
    add(lines, TwinStateBench.serversReportingOnce(sizes.servers(), deadline), out);
    add(lines, TwinStateBench.agentHosts(sizes.hosts(), false, deadline), out);
    add(lines, TwinStateBench.agentHosts(sizes.hosts(), true, deadline), out);
    add(lines, TwinStateBench.decommissionedAgentHosts(sizes.hosts(), deadline), out);
    add(lines, TwinStateBench.unknownServers(sizes.servers(), deadline), out);
    out.println();
    out.print(table(lines));
    return lines;
  }

  private static void add(List<StateLine> lines, List<StateLine> more, PrintStream out) {
    more.forEach(line -> out.println(line.verdict() + " " + line));
    lines.addAll(more);
  }

  /** The lines as a Markdown table. */
  public static String table(List<StateLine> lines) {
    StringBuilder table = new StringBuilder();
    table.append(
        "| flood | DoFn | keys | keys with state, during | bytes, during | bytes/key, during"
            + " | keys left | bytes left | timers left | bound of what is left | outputs | verdict"
            + " |\n");
    table.append("|---|---|--:|--:|--:|--:|--:|--:|--:|---|---|---|\n");
    for (StateLine line : lines) {
      table.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,d | %,d | %,d | %,d | %,d | %,d | %,d | %s | %s | %s |%n",
              line.flood(),
              line.stage(),
              line.keys(),
              line.peakKeys(),
              line.peakBytes(),
              line.bytesPerKey(),
              line.leftKeys(),
              line.leftBytes(),
              line.leftTimers(),
              line.bound(),
              line.outputs(),
              line.verdict()));
    }
    return table.toString();
  }
}

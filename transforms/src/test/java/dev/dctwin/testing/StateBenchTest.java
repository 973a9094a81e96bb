package dev.dctwin.testing;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import dev.dctwin.join.JoinStateBench;
import dev.dctwin.join.JoinStateBench.Clearing;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.Test;

/**
 * The state benchmark's quick mode: every flood's state returns to zero once event time has passed
 * it. Fails when a DoFn stops clearing its keys.
 */
public class StateBenchTest {
  private static final long MINUTES = 60_000_000_000L;

  @Test
  public void everyFloodLeavesNoStateInQuickMode() {
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    List<StateLine> lines =
        StateBench.run(
            StateBench.Sizes.quick(), new PrintStream(printed, true, StandardCharsets.UTF_8));
    String table = printed.toString(StandardCharsets.UTF_8);

    for (StateLine line : lines) {
      assertThat(table, line.verdict(), equalTo(StateLine.Verdict.PASS));
    }
    // The measurement sees the state of every flood while it is there.
    Map<String, Long> bytesDuring =
        lines.stream()
            .collect(
                Collectors.groupingBy(
                    StateLine::flood, Collectors.summingLong(l -> l.peakBytes())));
    assertThat(table, bytesDuring.size(), equalTo(10));
    bytesDuring.forEach((flood, bytes) -> assertThat(flood, bytes, greaterThan(0L)));
  }

  /** The control: an exact join keeps every key, and the benchmark says so. */
  @Test
  public void aJoinThatKeepsItsKeysFails() {
    for (Mode mode : Mode.values()) {
      StateLine line =
          JoinStateBench.flood(mode, Clearing.NONE, 20_000, System.nanoTime() + 5 * MINUTES);
      assertThat(line.toString(), line.verdict(), equalTo(StateLine.Verdict.FAIL));
      assertThat(line.toString(), line.leftKeys(), equalTo(20_000L));
      assertThat(line.toString(), line.leftBytes(), greaterThan(0L));
    }
  }

  @Test
  public void aFloodCutShortByTheTimeLimitIsInvalid() {
    StateLine line =
        JoinStateBench.flood(Mode.EVENT_TIME, Clearing.DELTA, 20_000, System.nanoTime());
    assertThat(line.toString(), line.verdict(), equalTo(StateLine.Verdict.INVALID));
  }
}

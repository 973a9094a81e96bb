package dev.dctwin.simulator.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.junit.Test;

public class BenchSizesTest {
  @Test
  public void fleetsAndRoundsOverrideTheDefaults() {
    BenchCommand.Sizes sizes = BenchCommand.Sizes.of(false).withFleets(" 200, 3000").withRounds(7);
    assertThat(sizes.fleets(), equalTo(List.of(200, 3000)));
    assertThat(sizes.rounds(), equalTo(7));
    assertThat(BenchCommand.Sizes.of(true).withFleets("").withRounds(0).rounds(), equalTo(4));
  }

  @Test
  public void badSizesAreClearErrors() {
    for (String fleets : List.of("abc", "100,-5", "0", "10,,20")) {
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class, () -> BenchCommand.Sizes.of(true).withFleets(fleets));
      assertThat(e.getMessage(), containsString("--fleets takes positive whole numbers"));
    }
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> BenchCommand.Sizes.of(true).withRounds(-1));
    assertThat(e.getMessage(), containsString("--rounds"));
  }

  @Test
  public void throughputFlagsReplaceTheBenchmarksOwnOfTheSameName() {
    List<String> flags =
        PipelineThroughput.overridden(
            List.of("--runner=FlinkRunner", "--parallelism=2", "--streaming=true"),
            List.of("--parallelism=4", "--maxParallelism=128"));

    assertThat(
        flags,
        equalTo(
            List.of(
                "--runner=FlinkRunner",
                "--streaming=true",
                "--parallelism=4",
                "--maxParallelism=128")));
  }
}

package dev.dctwin.twins;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import java.util.stream.LongStream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class ServerTwinStateSizeTest {
  @Test
  public void fifteenMinutesOfReportsFitInFourKibibytes() throws Exception {
    for (boolean faulty : new boolean[] {false, true}) {
      long total = LongStream.of(ServerTwinStateSize.measure(90, faulty, false)).sum();
      assertThat(total, lessThanOrEqualTo(4096L));
    }
  }

  /** The learned baseline adds at most its own goal, 32 KiB at 40 metrics. */
  @Test
  public void withTheLearnedBaselineTheTwinStaysWithinItsGoals() throws Exception {
    for (boolean faulty : new boolean[] {false, true}) {
      long total = LongStream.of(ServerTwinStateSize.measure(90, faulty, true)).sum();
      assertThat(total, lessThanOrEqualTo(4096L + 32_768L));
    }
  }
}

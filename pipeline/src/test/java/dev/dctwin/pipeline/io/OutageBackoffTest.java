package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The waits between tries of an unreachable database, and when an outage starts and ends. */
@RunWith(JUnit4.class)
public class OutageBackoffTest {
  @Test
  public void waitsDoubleUpToTheLongest() {
    OutageBackoff backoff = new OutageBackoff(2_000, 30_000);
    assertThat(
        IntStream.rangeClosed(1, 7).mapToObj(backoff::delayAfter).toList(),
        equalTo(List.of(2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L)));
    assertThat(backoff.delayAfter(1_000), equalTo(30_000L));
  }

  @Test
  public void afterAFailureTheDatabaseIsLeftAloneUntilTheWaitIsOver() {
    OutageBackoff backoff = new OutageBackoff(2_000, 30_000);
    assertThat(backoff.mayTry(0), equalTo(true));
    assertThat(backoff.failed(1_000), equalTo(true));
    assertThat(backoff.mayTry(2_999), equalTo(false));
    assertThat(backoff.mayTry(3_000), equalTo(true));
    // The second failure in a row continues the outage and waits longer.
    assertThat(backoff.failed(3_000), equalTo(false));
    assertThat(backoff.mayTry(6_999), equalTo(false));
    assertThat(backoff.mayTry(7_000), equalTo(true));
  }

  @Test
  public void aSuccessEndsTheOutageOnceAndResetsTheWaits() {
    OutageBackoff backoff = new OutageBackoff(2_000, 30_000);
    backoff.failed(0);
    backoff.failed(2_000);
    assertThat(backoff.succeeded(), equalTo(true));
    assertThat(backoff.succeeded(), equalTo(false));
    assertThat(backoff.down(), equalTo(false));
    assertThat(backoff.mayTry(2_001), equalTo(true));
    assertThat(backoff.failed(10_000), equalTo(true));
    assertThat(backoff.mayTry(11_999), equalTo(false));
    assertThat(backoff.mayTry(12_000), equalTo(true));
  }
}

package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.pipeline.io.ShardSequence.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The ordering rule of the exactly-once Kafka sink's Write step, without a runner. */
@RunWith(JUnit4.class)
public class ShardSequenceTest {
  private final List<String> written = new ArrayList<>();

  @Test
  public void inOrderRecordsAreWrittenAtOnce() {
    ShardSequence<String> sequence = new ShardSequence<>(0, Map.of());
    assertThat(sequence.offer(0, "a", written::add), equalTo(Outcome.WRITTEN));
    assertThat(sequence.offer(1, "b", written::add), equalTo(Outcome.WRITTEN));
    assertThat(sequence.offer(2, "c", written::add), equalTo(Outcome.WRITTEN));
    assertThat(written, equalTo(List.of("a", "b", "c")));
    assertThat(sequence.next(), equalTo(3L));
    assertThat(sequence.heldChanged(), equalTo(false));
  }

  @Test
  public void aGapHoldsLaterRecordsUntilItIsFilled() {
    ShardSequence<String> sequence = new ShardSequence<>(0, Map.of());
    assertThat(sequence.offer(2, "c", written::add), equalTo(Outcome.HELD));
    assertThat(sequence.offer(1, "b", written::add), equalTo(Outcome.HELD));
    assertThat(sequence.offer(4, "e", written::add), equalTo(Outcome.HELD));
    assertThat(written, equalTo(List.of()));
    assertThat(sequence.next(), equalTo(0L));
    assertThat(sequence.offer(0, "a", written::add), equalTo(Outcome.WRITTEN));
    assertThat(written, equalTo(List.of("a", "b", "c")));
    assertThat(sequence.next(), equalTo(3L));
    assertThat(sequence.held(), equalTo(Map.of(4L, "e")));
    assertThat(sequence.heldChanged(), equalTo(true));
  }

  @Test
  public void heldRecordsSurviveInStateAndDrainLater() {
    ShardSequence<String> restored = new ShardSequence<>(3, Map.of(4L, "e", 5L, "f"));
    assertThat(restored.offer(3, "d", written::add), equalTo(Outcome.WRITTEN));
    assertThat(written, equalTo(List.of("d", "e", "f")));
    assertThat(restored.next(), equalTo(6L));
    assertThat(restored.held(), equalTo(Map.of()));
  }

  @Test
  public void duplicatesAreSkipped() {
    ShardSequence<String> sequence = new ShardSequence<>(0, Map.of());
    sequence.offer(0, "a", written::add);
    sequence.offer(2, "c", written::add);
    assertThat(sequence.offer(0, "a", written::add), equalTo(Outcome.DUPLICATE));
    assertThat(sequence.offer(2, "c", written::add), equalTo(Outcome.DUPLICATE));
    assertThat(written, equalTo(List.of("a")));
    assertThat(sequence.offer(1, "b", written::add), equalTo(Outcome.WRITTEN));
    assertThat(written, equalTo(List.of("a", "b", "c")));
  }

  @Test
  public void aCommittedFloorAheadOfTheStateWins() {
    // State restored from before a commit: Kafka says 0..4 were written.
    ShardSequence<String> sequence = new ShardSequence<>(2, Map.of(3L, "d", 5L, "f", 7L, "h"));
    sequence.raiseTo(5, written::add);
    assertThat("held 5 is next after the floor", written, equalTo(List.of("f")));
    assertThat(sequence.next(), equalTo(6L));
    assertThat(sequence.held(), equalTo(Map.of(7L, "h")));
    assertThat(sequence.offer(2, "c", written::add), equalTo(Outcome.DUPLICATE));
    assertThat(sequence.offer(4, "e", written::add), equalTo(Outcome.DUPLICATE));
    assertThat(sequence.offer(6, "g", written::add), equalTo(Outcome.WRITTEN));
    assertThat(written, equalTo(List.of("f", "g", "h")));
    sequence.raiseTo(3, written::add);
    assertThat("a lower floor changes nothing", sequence.next(), equalTo(8L));
  }
}

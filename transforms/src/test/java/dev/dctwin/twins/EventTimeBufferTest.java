package dev.dctwin.twins;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.util.CoderUtils;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class EventTimeBufferTest {
  private static final long ALIGNMENT_MS = 1_000;
  private static final Comparator<String> ALPHABETICAL = Comparator.naturalOrder();

  private final Cell cell = new Cell();
  private final RecordingTimer timer = new RecordingTimer();

  private EventTimeBuffer<String> activation() {
    return new EventTimeBuffer<>(cell, timer, ALIGNMENT_MS);
  }

  @Test
  public void anInputSetsTheTimerOnlyWhenItIsDueEarlierThanTheTimer() {
    activation().add(1_500, "first");
    activation().add(2_500, "later");
    activation().add(900, "earlier");

    assertThat(timer.calls, contains("set 2000", "set 1000"));
  }

  @Test
  public void aWakeUpWithNothingLeftDueForgetsTheFiredTimerWithoutClearingIt() {
    activation().add(1_000, "a");
    timer.calls.clear();

    EventTimeBuffer<String> wakeUp = activation();
    assertThat(wakeUp.drainUpTo(1_000, ALPHABETICAL), contains("a"));
    wakeUp.reschedule(OptionalLong.empty());

    // Clearing the timer that just fired drops another key's watermark hold on the DirectRunner.
    assertThat(timer.calls, empty());
    assertThat(cell.read(), nullValue());
    activation().add(7_200, "next");
    assertThat(timer.calls, contains("set 8000"));
  }

  @Test
  public void aWakeUpSetsTheTimerToThePendingInputOrTheEarlierDeadline() {
    activation().add(1_000, "now");
    activation().add(9_000, "pending");
    timer.calls.clear();

    EventTimeBuffer<String> wakeUp = activation();
    assertThat(wakeUp.drainUpTo(1_000, ALPHABETICAL), contains("now"));
    wakeUp.reschedule(OptionalLong.of(4_001));
    wakeUp = activation();
    assertThat(wakeUp.drainUpTo(5_000, ALPHABETICAL), empty());
    wakeUp.reschedule(OptionalLong.empty());

    assertThat(timer.calls, contains("set 5000", "set 9000"));
    assertThat(cell.read().wakeUpAt(), equalTo(9_000L));
  }

  private static final class Cell implements ValueState<Inbox<String>> {
    private Inbox<String> stored;

    @Override
    public void write(Inbox<String> value) {
      // A copy, as a runner's state keeps the encoded value, not the object.
      try {
        stored = CoderUtils.clone(Inbox.coder(StringUtf8Coder.of()), value);
      } catch (CoderException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public Inbox<String> read() {
      return stored;
    }

    @Override
    public ValueState<Inbox<String>> readLater() {
      return this;
    }

    @Override
    public void clear() {
      stored = null;
    }
  }

  private static final class RecordingTimer implements Timer {
    final List<String> calls = new ArrayList<>();

    @Override
    public void set(Instant absoluteTime) {
      calls.add("set " + absoluteTime.getMillis());
    }

    @Override
    public void clear() {
      calls.add("clear");
    }

    @Override
    public void setRelative() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Timer offset(Duration offset) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Timer align(Duration period) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Timer withOutputTimestamp(Instant outputTime) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Timer withNoOutputTimestamp() {
      throw new UnsupportedOperationException();
    }

    @Override
    public Instant getCurrentRelativeTime() {
      throw new UnsupportedOperationException();
    }
  }
}

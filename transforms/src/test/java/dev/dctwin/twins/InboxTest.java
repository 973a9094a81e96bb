package dev.dctwin.twins;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Comparator;
import java.util.OptionalLong;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class InboxTest {
  private static final Comparator<String> ALPHABETICAL = Comparator.naturalOrder();

  @Test
  public void drainsWhatIsDueInTimestampThenTieOrder() {
    Inbox<String> inbox = new Inbox<>();
    inbox.add(30, "late");
    inbox.add(10, "b");
    inbox.add(20, "middle");
    inbox.add(10, "a");

    assertThat(inbox.drainUpTo(20, ALPHABETICAL), contains("a", "b", "middle"));
    assertThat(inbox.earliest(), equalTo(OptionalLong.of(30)));
    assertThat(inbox.drainUpTo(29, ALPHABETICAL), is(empty()));
    assertThat(inbox.drainUpTo(30, ALPHABETICAL), contains("late"));
    assertThat(inbox.earliest(), equalTo(OptionalLong.empty()));
  }

  @Test
  public void isIdleOnlyWithoutInputsAndWithoutTimer() {
    Inbox<String> inbox = new Inbox<>();
    assertThat(inbox.isIdle(), is(true));
    inbox.wakeUpAt(1_000);
    assertThat(inbox.isIdle(), is(false));
    inbox.wakeUpAt(Inbox.NO_WAKE_UP);
    inbox.add(5, "x");
    assertThat(inbox.isIdle(), is(false));
  }

  @Test
  public void coderKeepsInputsTiesAndTimer() throws Exception {
    Inbox<String> inbox = new Inbox<>();
    inbox.add(1_763_719_200_000L, "b");
    inbox.add(1_763_719_200_000L, "a");
    inbox.add(-5, "before the epoch");
    inbox.wakeUpAt(-1);

    Inbox<String> decoded = roundTrip(inbox);

    assertThat(decoded.wakeUpAt(), equalTo(-1L));
    assertThat(decoded.size(), equalTo(3));
    assertThat(
        decoded.drainUpTo(Long.MAX_VALUE, ALPHABETICAL), contains("before the epoch", "a", "b"));
    decoded.add(0, "still mutable after decoding");
    assertThat(roundTrip(new Inbox<String>()).wakeUpAt(), equalTo(Inbox.NO_WAKE_UP));
  }

  private static Inbox<String> roundTrip(Inbox<String> inbox) throws Exception {
    Coder<Inbox<String>> coder = Inbox.coder(StringUtf8Coder.of());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    coder.encode(inbox, bytes);
    return coder.decode(new ByteArrayInputStream(bytes.toByteArray()));
  }
}

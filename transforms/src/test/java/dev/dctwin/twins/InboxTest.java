package dev.dctwin.twins;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.junit.Assert.assertThrows;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.Severity;
import dev.dctwin.golden.GoldenBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class InboxTest {
  private static final Comparator<String> ALPHABETICAL = Comparator.naturalOrder();
  private static final long T0 = 1_763_719_200_000L;

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

  /** The rack twin's inbox: server incidents. */
  @Test
  public void anInboxOfServerIncidentsIsPinned() throws Exception {
    ServerIncidents silent =
        new ServerIncidents(
            "dc1-r03-s11",
            "dc1-r03",
            "dc1",
            Map.of(
                IncidentType.SERVER_SILENT,
                new Incident(IncidentType.SERVER_SILENT, Severity.CRITICAL, T0, null)),
            T0 + 60_000,
            false);
    ServerIncidents left = new ServerIncidents("dc1-r03-s12", "dc1-r03", "dc1", Map.of(), T0, true);
    List<ServerIncidents> values =
        List.of(
            left,
            silent,
            new ServerIncidents("dc1-r03-s01", "dc1-r03", "dc1", Map.of(), T0, false));
    assertDecodes("Inbox-ServerIncidents", RecordCoder.of(ServerIncidents.class), values);
    assertPinned("Inbox-ServerIncidents", RecordCoder.of(ServerIncidents.class), values);
    // Without origins (the rack, datacenter and maintenance twins' inputs) version 2 cost a byte
    // more than version 1; version 3 keeps the origins' flag in its header.
    assertThat(
        GoldenBytes.read("Inbox-ServerIncidents", 2).length,
        equalTo(GoldenBytes.read("Inbox-ServerIncidents", 1).length + 1));
  }

  /**
   * The server and datacenter twins' and the maintenance calendar's inbox: messages. The inbox is
   * at version 3, with origins, around messages of {@code MessageCoder} version 4 ({@code
   * Inbox-Message-MessageCoder4.v3}; {@code .v2} still decodes); the version 1 inboxes, without
   * origins, of version 1, 2, 3 and 4 messages ({@code Inbox-Message}, {@code
   * Inbox-Message-MessageCoder2}, {@code Inbox-Message-MessageCoder3}, {@code
   * Inbox-Message-MessageCoder4}) still decode.
   */
  @Test
  public void anInboxOfMessagesIsPinned() throws Exception {
    List<Message> messages =
        List.of(
            new CommissionServer("dc1-r03-s11", "dc1-r03", "dc1", T0),
            new GetUnhealthyRacks("q-43", "dc1", T0 + 10_000),
            new GetUnhealthyRacks("q-42", "dc1", T0 + 10_000));
    assertDecodes("Inbox-Message", MessageCoder.of(), messages);
    List<Message> version2 = new ArrayList<>(messages);
    version2.add(
        new MaintenanceWindow(
            Level.RACK, "dc1-r03", "dc1", null, T0, T0 + 60_000, "ToR", "ops", T0 + 10_000));
    version2.add(
        new Alert(
            "i-1",
            AlertStatus.OPENED,
            Level.SERVER,
            "dc1-r03-s11",
            "dc1",
            "dc1-r03",
            IncidentType.DISK_FAILURE,
            Severity.CRITICAL,
            T0,
            T0 + 10_000,
            IncidentType.DISK_FAILURE,
            null,
            null,
            java.util.List.of(),
            true));
    assertDecodes("Inbox-Message-MessageCoder2", MessageCoder.of(), version2);
    List<Message> version3 = new ArrayList<>(version2);
    version3.set(0, new CommissionServer("dc1-r03-s11", "dc1-r03", "dc1", T0, "node-0311"));
    version3.add(
        new AgentSamples(
            "node-0311",
            T0 + 10_000,
            List.of(
                new MetricSample(
                    "disk.opsRead",
                    Map.of("device", "sda"),
                    4711,
                    T0 + 9_000,
                    MetricSample.Kind.COUNTER))));
    assertDecodes("Inbox-Message-MessageCoder3", MessageCoder.of(), version3);
    List<Message> version4 = new ArrayList<>(version3);
    version4.add(new DecommissionServer("dc1-r03-s11", "dc1-r03", "dc1", T0 + 10_000, "node-0311"));
    assertDecodes("Inbox-Message-MessageCoder4", MessageCoder.of(), version4);
    List<MessageOrigin> origins = new ArrayList<>(Collections.nCopies(version4.size(), null));
    origins.set(0, MessageOrigin.kafka("dctwin.provisioning", 3, 1_234_567));
    origins.set(1, MessageOrigin.mqtt("dctwin/queries"));
    origins.set(2, MessageOrigin.file("/data/queries.jsonl", 42));
    origins.set(6, MessageOrigin.kafka("dctwin.provisioning", 0, 0));
    assertPinned("Inbox-Message-MessageCoder4", MessageCoder.of(), version4, origins);
  }

  /**
   * Two copies of a message (a duplicate, a replay) at one time drain in the order of their
   * origins, whichever arrived first: which copy a twin rejects does not depend on arrival.
   */
  @Test
  public void equalValuesDrainInTheOrderOfTheirOrigins() throws Exception {
    MessageOrigin fleet = MessageOrigin.kafka("dctwin.metrics", 1, 77);
    MessageOrigin replay = MessageOrigin.kafka("dctwin.metrics", 1, 78);
    for (boolean replayFirst : new boolean[] {false, true}) {
      Inbox<String> inbox = new Inbox<>();
      inbox.add(T0, "report", replayFirst ? replay : fleet);
      inbox.add(T0, "report", replayFirst ? fleet : replay);
      inbox.add(T0, "report", null);
      inbox.add(T0, "another report", replay);

      assertThat(
          roundTrip(inbox).drainEntriesUpTo(T0, ALPHABETICAL),
          contains(
              new Inbox.Entry<>("another report", replay),
              new Inbox.Entry<>("report", null),
              new Inbox.Entry<>("report", fleet),
              new Inbox.Entry<>("report", replay)));
    }
  }

  @Test
  public void anUnknownVersionOfTheInboxOrOfItsValuesIsRejectedByName() throws Exception {
    Inbox<Message> inbox = new Inbox<>();
    inbox.add(T0, new GetUnhealthyRacks("q-42", "dc1", T0));
    Coder<Inbox<Message>> coder = Inbox.coder(MessageCoder.of());
    byte[] bytes = CoderUtils.encodeToByteArray(coder, inbox);
    for (int at = 0; at < 2; at++) {
      byte[] unknown = bytes.clone();
      unknown[at] = (byte) (at == 0 ? 4 : 5);
      CoderException error =
          assertThrows(CoderException.class, () -> CoderUtils.decodeFromByteArray(coder, unknown));
      assertThat(
          error.getMessage(),
          containsString(
              at == 0
                  ? "Inbox: unknown format version 4; this build reads versions 1, 2, 3"
                  : "MessageCoder: unknown format version 5; this build reads versions 1, 2, 3, 4"));
    }
  }

  /**
   * Pins the encoding of an inbox of {@code values} (the first at {@code T0}, the others together
   * 10 s later, in {@code toString} order) with its timer set, and checks that the pinned bytes
   * decode to the same inbox.
   */
  private static <T> void assertPinned(String state, Coder<T> valueCoder, List<T> values)
      throws Exception {
    assertPinned(
        state, valueCoder, values, new ArrayList<>(Collections.nCopies(values.size(), null)));
  }

  /**
   * As above, each value with its origin (null: unknown), at the current version, 3; the same inbox
   * pinned at version 2 still decodes.
   */
  private static <T> void assertPinned(
      String state, Coder<T> valueCoder, List<T> values, List<MessageOrigin> origins)
      throws Exception {
    Inbox<T> inbox = new Inbox<>();
    for (int i = 0; i < values.size(); i++) {
      inbox.add(i == 0 ? T0 : T0 + 10_000, values.get(i), origins.get(i));
    }
    inbox.wakeUpAt(T0 + 1_000);
    Coder<Inbox<T>> coder = Inbox.coder(valueCoder);
    GoldenBytes.assertPinned(state, 3, CoderUtils.encodeToByteArray(coder, inbox));
    assertDecodes(state, 3, valueCoder, values, origins);
    assertDecodes(state, 2, valueCoder, values, origins);
  }

  /**
   * Checks that the pinned inbox of {@code values} at {@code version}, as {@link #assertPinned}
   * wrote it, decodes, each value with its origin.
   */
  private static <T> void assertDecodes(
      String state, int version, Coder<T> valueCoder, List<T> values, List<MessageOrigin> origins)
      throws Exception {
    Comparator<T> tieOrder = Comparator.comparing(Object::toString);
    Coder<Inbox<T>> coder = Inbox.coder(valueCoder);
    Inbox<T> decoded = CoderUtils.decodeFromByteArray(coder, GoldenBytes.read(state, version));
    assertThat(decoded.wakeUpAt(), equalTo(T0 + 1_000));
    assertThat(decoded.earliest(), equalTo(OptionalLong.of(T0)));
    List<Inbox.Entry<T>> entries = new ArrayList<>();
    for (int i = 0; i < values.size(); i++) {
      entries.add(new Inbox.Entry<>(values.get(i), origins.get(i)));
    }
    List<Inbox.Entry<T>> inOrder = new ArrayList<>(entries.subList(0, 1));
    inOrder.addAll(
        entries.subList(1, entries.size()).stream()
            .sorted(Comparator.comparing(Inbox.Entry::value, tieOrder))
            .toList());
    assertThat(decoded.drainEntriesUpTo(Long.MAX_VALUE, tieOrder), equalTo(inOrder));
  }

  /** A version 1 inbox: no origins. */
  private static <T> void assertDecodes(String state, Coder<T> valueCoder, List<T> values)
      throws Exception {
    assertDecodes(
        state, 1, valueCoder, values, new ArrayList<>(Collections.nCopies(values.size(), null)));
  }

  private static Inbox<String> roundTrip(Inbox<String> inbox) throws Exception {
    Coder<Inbox<String>> coder = Inbox.coder(StringUtf8Coder.of());
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    coder.encode(inbox, bytes);
    return coder.decode(new ByteArrayInputStream(bytes.toByteArray()));
  }
}

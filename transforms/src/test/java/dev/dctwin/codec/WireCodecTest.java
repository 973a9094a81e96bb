package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerMetricReport;
import java.nio.charset.StandardCharsets;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class WireCodecTest {
  private final WireCodec codec = WireCodec.withDefaults();

  @Test
  public void everyMessageTypeRoundTrips() throws Exception {
    for (Message message : SampleMessages.oneOfEach()) {
      byte[] json = codec.encode(message);
      assertThat(
          new String(json, StandardCharsets.UTF_8), codec.decode(json, null), equalTo(message));
    }
  }

  @Test
  public void everyMessageTypeHasASample() {
    var covered = SampleMessages.oneOfEach().stream().map(Message::type).distinct().count();
    assertThat(covered, equalTo((long) MessageType.values().length));
  }

  @Test
  public void encodingIsDeterministicAndTypeComesFirst() {
    for (Message message : SampleMessages.oneOfEach()) {
      String first = codec.encodeToString(message);
      assertThat(codec.encodeToString(message), equalTo(first));
      assertThat(first, containsString("{\"type\":\"" + message.type().wireName() + "\""));
    }
  }

  @Test
  public void acceptsIsoTimestamps() throws Exception {
    String json =
        "{\"thing\":\"R0815\",\"quantity\":\"actSpeed_C11\","
            + "\"phenomenonTime\":\"2019-04-01T05:26:20.468Z\",\"result\":12.5}";
    Message decoded = codec.decode(json.getBytes(StandardCharsets.UTF_8), MessageType.MEASUREMENT);
    assertThat(
        decoded, equalTo(new Measurement("R0815", "actSpeed_C11", 1_554_096_380_468L, 12.5)));
    String offset = json.replace("2019-04-01T05:26:20.468Z", "2019-04-01T07:26:20.468+02:00");
    assertThat(
        codec.decode(offset.getBytes(StandardCharsets.UTF_8), MessageType.MEASUREMENT),
        equalTo(decoded));
  }

  @Test
  public void typeFieldOverridesTheTopicDefault() throws Exception {
    byte[] json = codec.encode(SampleMessages.report("s1", SampleMessages.T0));
    assertThat(
        codec.decode(json, MessageType.MEASUREMENT),
        equalTo(SampleMessages.report("s1", SampleMessages.T0)));
  }

  @Test
  public void rejectsEachKindOfBadInputWithItsReason() {
    String good = codec.encodeToString(SampleMessages.report("s1", SampleMessages.T0));
    assertReason(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'}, DeadLetterReason.NOT_UTF8);
    assertReason("{\"type\":", DeadLetterReason.NOT_JSON);
    assertReason("{\"a\":1}{\"b\":2}", DeadLetterReason.NOT_JSON);
    assertReason("[1,2,3]", DeadLetterReason.WRONG_TYPE);
    assertReason("{\"serverId\":\"s1\"}", DeadLetterReason.MISSING_FIELD);
    assertReason(
        good.replace("\"serverId\":\"s1\"", "\"serverId\":7"), DeadLetterReason.WRONG_TYPE);
    assertReason(
        good.replace("\"idle\":71.5", "\"idle\":1e400"), DeadLetterReason.NON_FINITE_NUMBER);
    assertReason(good.replace("\"idle\":71.5", "\"idle\":171.5"), DeadLetterReason.OUT_OF_RANGE);
    assertReason(
        good.replace("\"packetsIn\":12000.0", "\"packetsIn\":-1"), DeadLetterReason.OUT_OF_RANGE);
    assertReason(
        good.replace("\"temperature\":24.5", "\"temperature\":-300"),
        DeadLetterReason.OUT_OF_RANGE);
    assertReason(
        good.replace("\"eventTime\":" + SampleMessages.T0, "\"eventTime\":1763719200"),
        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
    assertReason(
        good.replace("\"eventTime\":" + SampleMessages.T0, "\"eventTime\":\"yesterday\""),
        DeadLetterReason.WRONG_TYPE);
    assertReason(good.replace("\"metrics\"", "\"metricz\""), DeadLetterReason.UNKNOWN_MESSAGE_TYPE);
    assertReason(
        "{\"type\":\"metrics\",\"pad\":\"" + "x".repeat(70_000) + "\"}",
        DeadLetterReason.PAYLOAD_TOO_LARGE);
  }

  @Test
  public void decodesTheMaintenanceMessageOfTheIssue() throws Exception {
    String json =
        "{\"type\":\"maintenance\",\"entity\":\"dc1-r01-s05\",\"level\":\"SERVER\","
            + "\"start\":\"2025-11-21T10:00:00Z\",\"end\":1763726400000,"
            + "\"reason\":\"disk swap\",\"by\":\"ops\",\"eventTime\":1763719140000}";
    assertThat(
        codec.decode(json.getBytes(StandardCharsets.UTF_8), null),
        equalTo(
            new dev.dctwin.domain.MaintenanceWindow(
                dev.dctwin.domain.Level.SERVER,
                "dc1-r01-s05",
                null,
                null,
                SampleMessages.T0,
                SampleMessages.T0 + 7_200_000,
                "disk swap",
                "ops",
                SampleMessages.T0 - 60_000)));
  }

  @Test
  public void rejectsMaintenanceWindowsThatMakeNoSense() {
    String good =
        "{\"type\":\"maintenance\",\"entity\":\"dc1-r01\",\"level\":\"RACK\","
            + "\"datacenterId\":\"dc1\",\"start\":1763719200000,\"end\":1763726400000,"
            + "\"eventTime\":1763719140000}";
    assertReason(
        good.replace("\"end\":1763726400000", "\"end\":1763719100000"),
        DeadLetterReason.OUT_OF_RANGE,
        "end=1763719100000 is not after start=1763719200000");
    assertReason(
        good.replace("\"end\":1763726400000", "\"end\":1763719200000"),
        DeadLetterReason.OUT_OF_RANGE,
        "end=1763719200000 is not after start=1763719200000");
    assertReason(
        good.replace("\"end\":1763726400000", "\"end\":1766400000000"),
        DeadLetterReason.OUT_OF_RANGE,
        "the window lasts 2680800000 ms, more than the maximum of 30 days (2592000000 ms)");
    assertReason(
        good.replace("\"RACK\"", "\"ROW\""),
        DeadLetterReason.WRONG_TYPE,
        "level must be one of [SERVER, RACK, DATACENTER]");
    assertReason(
        good.replace("\"datacenterId\":\"dc1\",", ""),
        DeadLetterReason.MISSING_FIELD,
        "datacenterId is missing");
    assertReason(
        good.replace("\"entity\":\"dc1-r01\",", ""),
        DeadLetterReason.MISSING_FIELD,
        "entity is missing");
  }

  @Test
  public void rejectsDeepNestingAsNotJson() {
    String deep = "{\"a\":".repeat(1000) + "1" + "}".repeat(1000);
    assertReason(deep, DeadLetterReason.NOT_JSON);
  }

  @Test
  public void missingFieldDetailNamesThePath() {
    String good = codec.encodeToString(SampleMessages.report("s1", SampleMessages.T0));
    InvalidMessageException e =
        assertThrows(
            InvalidMessageException.class,
            () ->
                codec.decode(
                    good.replace("\"steal\":0.0,", "").getBytes(StandardCharsets.UTF_8), null));
    assertThat(e.getMessage(), equalTo("cpu.steal is missing"));
  }

  @Test
  public void reportWithoutSensorsIsValid() throws Exception {
    ServerMetricReport report = SampleMessages.report("s1", SampleMessages.T0).withSensors(null);
    assertThat(codec.decode(codec.encode(report), null), equalTo(report));
  }

  private void assertReason(String payload, DeadLetterReason reason) {
    assertReason(payload.getBytes(StandardCharsets.UTF_8), reason);
  }

  private void assertReason(String payload, DeadLetterReason reason, String detail) {
    InvalidMessageException e =
        assertThrows(
            InvalidMessageException.class,
            () -> codec.decode(payload.getBytes(StandardCharsets.UTF_8), null));
    assertThat(e.reason(), equalTo(reason));
    assertThat(e.getMessage(), equalTo(detail));
  }

  private void assertReason(byte[] payload, DeadLetterReason reason) {
    InvalidMessageException e =
        assertThrows(InvalidMessageException.class, () -> codec.decode(payload, null));
    assertThat(e.getMessage(), e.reason(), equalTo(reason));
  }
}

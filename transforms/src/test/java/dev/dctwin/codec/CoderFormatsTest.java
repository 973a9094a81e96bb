package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.RawMessage;
import dev.dctwin.domain.Received;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.domain.ServerStatusUpdate;
import dev.dctwin.domain.Severity;
import dev.dctwin.domain.UnhealthyRacks;
import dev.dctwin.golden.GoldenBytes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Pins the codec's encodings, one golden file per type and version ({@code
 * src/test/resources/golden}): every domain record in {@link RecordCoder}'s form at its current
 * version, every message type in {@link MessageCoder}'s and a raw message in {@link
 * RawMessageCoder}'s. Any of them can reach Beam state or a checkpoint (the twins' inboxes, the
 * join's buffer, the outputs Flink holds back during a checkpoint). The files of older versions
 * stay and must still decode.
 */
@RunWith(JUnit4.class)
public class CoderFormatsTest {
  private static final long T0 = 1_763_719_200_000L;

  /** A fixed message of each type; a new type gets its golden file on its first run. */
  private static Message message(MessageType type) {
    return switch (type) {
      case METRICS ->
          new ServerMetricReport(
              "dc1-r01-s07",
              T0,
              new CpuMetrics(71.5, 20.0, 5.0, 0.5, 0.3, 0.7, 0.0, 2.0),
              new NetworkMetrics(0.0, 1.5, 0.0, 2.0, 12_000, 11_500, 9.6e6, 8.1e6),
              new MemoryMetrics(96e9, 60e9, 90e9, 2e9, 8e9, 256e9, 12e9, 3e9, 30e6, 0, 1, 0),
              new DiskMetrics(120, 180, 4, 30, 2.1e6, 8.4e6, 150, 420, 0.8, 1.6, 1),
              new ProcessMetrics(6, 412, 0, 0, 1, 0),
              new SensorReadings(12.1, 24.5, 58.0, 310.0),
              Map.of("m1", 0.25, "node_load1", 1.5));
      case SENSORS ->
          new BmcSensorReading("dc1-r01-s07", T0 + 250, new SensorReadings(12.1, 24.5, 58, 310));
      case COMMISSION ->
          new CommissionServer("dc1-r01-s07", "dc1-r01", "dc1", T0 - 60_000, "node-0107.dc1");
      case DECOMMISSION ->
          new DecommissionServer("dc1-r01-s07", "dc1-r01", "dc1", T0 + 3_600_000, "node-0107.dc1");
      case GET_UNHEALTHY_RACKS -> new GetUnhealthyRacks("q-42", "dc1", T0 + 1_000);
      case UNHEALTHY_RACKS ->
          new UnhealthyRacks("q-42", "dc1", List.of("dc1-r03", "dc1-r07"), T0 + 1_000);
      case ALERT ->
          new Alert(
              "3f2b6c1e-0000-3000-8000-000000000001",
              AlertStatus.OPENED,
              Level.SERVER,
              "dc1-r03-s11",
              "dc1",
              "dc1-r03",
              IncidentType.NIC_ERRORS,
              Severity.MAJOR,
              T0,
              T0 + 30_000,
              IncidentType.TOR_SWITCH,
              "3f2b6c1e-0000-3000-8000-000000000002",
              "31 of 40 servers lose packets or are silent",
              List.of(),
              true);
      case MEASUREMENT -> new Measurement("R0815", "vaTorque_C11", 1_554_096_380_468L, -4.44);
      case MAINTENANCE ->
          new MaintenanceWindow(
              Level.SERVER,
              "dc1-r01-s05",
              "dc1",
              "dc1-r01",
              T0,
              T0 + 7_200_000,
              "disk swap",
              "ops",
              T0 - 60_000);
      case SAMPLES ->
          new AgentSamples(
              "node-0107.dc1",
              T0 + 9_500,
              List.of(
                  new MetricSample(
                      "cpu.time",
                      Map.of("state", "user", "cpu", "0"),
                      123_456.5,
                      T0 + 9_500,
                      MetricSample.Kind.COUNTER),
                  new MetricSample(
                      "node_load1", Map.of(), 1.25, T0 + 9_000, MetricSample.Kind.GAUGE)));
    };
  }

  /** {@code message(type)} as a version without its later components reads it. */
  private static Message withoutLaterComponents(Message message, int messageVersion) {
    if (message instanceof Alert alert && messageVersion < 2) {
      return alert.withInMaintenance(false);
    }
    if (message instanceof CommissionServer commission && messageVersion < 3) {
      return commission.withoutHostname();
    }
    if (message instanceof DecommissionServer decommission && messageVersion < 4) {
      return decommission.withoutHostname();
    }
    return message;
  }

  /** Every domain record that crosses a step, beyond the messages. */
  private static List<Record> records() {
    List<Record> records = new ArrayList<>();
    for (MessageType type : MessageType.values()) {
      records.add((Record) message(type));
    }
    records.add(
        new ServerIncidents(
            "dc1-r03-s11",
            "dc1-r03",
            "dc1",
            Map.of(
                IncidentType.NIC_ERRORS,
                new Incident(IncidentType.NIC_ERRORS, Severity.MAJOR, T0, "errorsIn 40.0/s"),
                IncidentType.SERVER_SILENT,
                new Incident(IncidentType.SERVER_SILENT, Severity.CRITICAL, T0 + 60_000, null)),
            T0 + 60_000,
            false));
    records.add(
        new ServerStatusUpdate(
            "dc1-r03-s11",
            "dc1-r03",
            "dc1",
            ServerStatusUpdate.Lifecycle.COMMISSIONED,
            Set.of(IncidentType.NIC_ERRORS, IncidentType.SERVER_SILENT),
            T0 + 30_000,
            false,
            T0 + 86_400_000,
            T0 + 60_000));
    records.add(deadLetter());
    return records;
  }

  /** A dead letter whose payload is cut, with its origin: every component of version 2. */
  private static DeadLetter deadLetter() {
    return DeadLetter.of(
        "kafka:dctwin.metrics",
        DeadLetterReason.NOT_JSON,
        "Unexpected character ('x')",
        "x{\"serverId\":".getBytes(StandardCharsets.UTF_8),
        T0,
        MessageOrigin.kafka("dctwin.metrics", 3, 42L),
        4);
  }

  @Test
  public void everyDomainRecordIsPinned() {
    for (Record sample : records()) {
      GoldenBytes.assertPinned(
          "RecordCoder-" + sample.getClass().getSimpleName(),
          RecordCoder.currentVersion(sample.getClass()),
          coderOf(sample),
          sample);
    }
  }

  @Test
  public void anAlertOfVersion1IsOutsideMaintenance() {
    Alert alert = (Alert) message(MessageType.ALERT);
    GoldenBytes.assertDecodes(
        "RecordCoder-Alert", 1, RecordCoder.of(Alert.class), alert.withInMaintenance(false));
  }

  @Test
  public void aCommissioningOfVersion1HasNoHostname() {
    CommissionServer commission = (CommissionServer) message(MessageType.COMMISSION);
    GoldenBytes.assertDecodes(
        "RecordCoder-CommissionServer",
        1,
        RecordCoder.of(CommissionServer.class),
        commission.withoutHostname());
  }

  @Test
  public void aDecommissioningOfVersion1HasNoHostname() {
    DecommissionServer decommission = (DecommissionServer) message(MessageType.DECOMMISSION);
    GoldenBytes.assertDecodes(
        "RecordCoder-DecommissionServer",
        1,
        RecordCoder.of(DecommissionServer.class),
        decommission.withoutHostname());
  }

  @Test
  public void aDeadLetterOfVersion1KeptItsWholePayloadAndHasNoOrigin() {
    byte[] payload = "x{".getBytes(StandardCharsets.UTF_8);
    DeadLetter expected =
        DeadLetter.of(
            "kafka:dctwin.metrics/0@42",
            DeadLetterReason.NOT_JSON,
            "Unexpected character ('x')",
            payload,
            T0);
    GoldenBytes.assertDecodes(
        "RecordCoder-DeadLetter", 1, RecordCoder.of(DeadLetter.class), expected);
    assertThat(expected.payloadLength(), equalTo(2L));
    assertThat(expected.origin(), equalTo(null));
  }

  @Test
  public void everyMessageTypeIsPinned() {
    for (MessageType type : MessageType.values()) {
      GoldenBytes.assertPinned("MessageCoder-" + type, 4, MessageCoder.of(), message(type));
    }
  }

  @Test
  public void version1MessagesStillDecode() {
    for (MessageType type : MessageType.values()) {
      if (type == MessageType.MAINTENANCE || type == MessageType.SAMPLES) {
        continue; // new in versions 2 and 3
      }
      GoldenBytes.assertDecodes(
          "MessageCoder-" + type, 1, MessageCoder.of(), withoutLaterComponents(message(type), 1));
    }
  }

  @Test
  public void version2MessagesStillDecode() {
    for (MessageType type : MessageType.values()) {
      if (type == MessageType.SAMPLES) {
        continue; // new in version 3
      }
      GoldenBytes.assertDecodes(
          "MessageCoder-" + type, 2, MessageCoder.of(), withoutLaterComponents(message(type), 2));
    }
  }

  @Test
  public void version3MessagesStillDecode() {
    for (MessageType type : MessageType.values()) {
      GoldenBytes.assertDecodes(
          "MessageCoder-" + type, 3, MessageCoder.of(), withoutLaterComponents(message(type), 3));
    }
  }

  @Test
  public void aRawMessageIsPinned() {
    GoldenBytes.assertPinned(
        "RawMessageCoder",
        2,
        RawMessageCoder.of(),
        RawMessage.capped(
            "file:/data/in.jsonl:7",
            new byte[] {'{', 0, -1, '}', '!'},
            T0 + 5,
            MessageOrigin.file("/data/in.jsonl", 7),
            4,
            3));
    GoldenBytes.assertPinned(
        "RawMessageCoder-mqtt",
        2,
        RawMessageCoder.of(),
        new RawMessage(
            "mqtt:dctwin/metrics",
            new byte[] {'{', '}'},
            T0 + 5,
            MessageOrigin.mqtt("dctwin/metrics")));
  }

  /** ParseMessages' messages with their origins, on their way to the twins. */
  @Test
  public void aReceivedMessageIsPinned() {
    GoldenBytes.assertPinned(
        "ReceivedCoder",
        1,
        ReceivedCoder.of(),
        new Received(
            message(MessageType.METRICS), MessageOrigin.kafka("dctwin.metrics", 3, 1_234_567)));
    GoldenBytes.assertPinned(
        "ReceivedCoder-file",
        1,
        ReceivedCoder.of(),
        new Received(message(MessageType.SENSORS), MessageOrigin.file("/data/in.jsonl", 7)));
    GoldenBytes.assertPinned(
        "ReceivedCoder-unknown-origin",
        1,
        ReceivedCoder.of(),
        new Received(message(MessageType.COMMISSION), null));
  }

  /** What an origin costs a pending message: a byte without, its topic and 5 bytes from Kafka. */
  @Test
  public void anOriginCostsItsTopicAndAFewBytes() throws Exception {
    ByteArrayOutputStream none = new ByteArrayOutputStream();
    MessageOriginCoding.write(null, none);
    ByteArrayOutputStream kafka = new ByteArrayOutputStream();
    MessageOriginCoding.write(MessageOrigin.kafka("dctwin.metrics", 3, 1_234_567), kafka);

    assertThat(none.size(), equalTo(1));
    // components (1), topic (1 + 14), partition (1), offset (3 as a varlong)
    assertThat(kafka.size(), equalTo(1 + 15 + 1 + 3));
    assertThat(
        MessageOriginCoding.read(new ByteArrayInputStream(kafka.toByteArray())),
        equalTo(MessageOrigin.kafka("dctwin.metrics", 3, 1_234_567)));
  }

  @Test
  public void aRawMessageOfVersion1IsWholeFromAnUnknownOrigin() {
    GoldenBytes.assertDecodes(
        "RawMessageCoder",
        1,
        RawMessageCoder.of(),
        new RawMessage("mqtt:dctwin/metrics", new byte[] {'{', 0, -1, '}'}, T0 + 5));
  }

  @Test
  public void anUnknownVersionIsRejectedNamingTheTypeAndTheVersions() throws Exception {
    Alert alert = (Alert) message(MessageType.ALERT);
    assertRejectsVersion(3, RecordCoder.of(Alert.class), alert, "RecordCoder(Alert)", "1, 2");
    assertRejectsVersion(5, MessageCoder.of(), alert, "MessageCoder", "1, 2, 3, 4");
    assertRejectsVersion(
        3,
        RecordCoder.of(DecommissionServer.class),
        (DecommissionServer) message(MessageType.DECOMMISSION),
        "RecordCoder(DecommissionServer)",
        "1, 2");
    assertRejectsVersion(
        3,
        RecordCoder.of(CommissionServer.class),
        (CommissionServer) message(MessageType.COMMISSION),
        "RecordCoder(CommissionServer)",
        "1, 2");
    assertRejectsVersion2(RecordCoder.of(Measurement.class), message(MessageType.MEASUREMENT));
    assertRejectsVersion(
        3,
        RawMessageCoder.of(),
        new RawMessage("mqtt:x", new byte[] {1}, 5L),
        "RawMessageCoder",
        "1, 2");
    assertRejectsVersion(
        3, RecordCoder.of(DeadLetter.class), deadLetter(), "RecordCoder(DeadLetter)", "1, 2");
    assertRejectsVersion2(
        ReceivedCoder.of(), new Received(alert, MessageOrigin.mqtt("dctwin/x")), "ReceivedCoder");
  }

  private static void assertRejectsVersion2(RecordCoder<Measurement> coder, Message value)
      throws Exception {
    assertRejectsVersion2(coder, (Measurement) value, "RecordCoder(Measurement)");
  }

  /** A value that {@code coder} writes, with version 2 in place of 1, is a CoderException. */
  static <T> void assertRejectsVersion2(Coder<T> coder, T value, String state) throws Exception {
    assertRejectsVersion(2, coder, value, state, null);
  }

  private static <T> void assertRejectsVersion(
      int version, Coder<T> coder, T value, String state, String versionsRead) throws Exception {
    byte[] bytes = CoderUtils.encodeToByteArray(coder, value);
    assertThat(state + " starts with its version", bytes[0], equalTo((byte) (version - 1)));
    bytes[0] = (byte) version;
    CoderException error =
        assertThrows(CoderException.class, () -> CoderUtils.decodeFromByteArray(coder, bytes));
    assertThat(
        error.getMessage(),
        allOf(
            containsString(state + ": unknown format version " + version),
            containsString(
                versionsRead == null ? "reads version 1" : "reads versions " + versionsRead)));
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Coder<Record> coderOf(Record sample) {
    return (Coder) RecordCoder.of(sample.getClass());
  }
}

package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

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
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.RawMessage;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.domain.Severity;
import dev.dctwin.domain.UnhealthyRacks;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderRegistry;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.Test;

public class RecordCoderTest {
  /** One message of every type; a new type without a sample fails {@link #everyTypeRoundTrips}. */
  static Message sample(MessageType type) {
    return switch (type) {
      case METRICS ->
          new ServerMetricReport(
              "dc1-r001-s07",
              1_700_000_000_123L,
              new CpuMetrics(71.5, 20.0, 5.0, 0.5, 0.3, 0.7, 0.0, 2.0),
              new NetworkMetrics(0.0, 1.5, 0.0, 2.0, 12_000, 11_500, 9.6e6, 8.1e6),
              new MemoryMetrics(96e9, 60e9, 90e9, 2e9, 8e9, 256e9, 12e9, 3e9, 30e6, 0, 1, 0),
              new DiskMetrics(120, 180, 4, 30, 2.1e6, 8.4e6, 150, 420, 0.8, 1.6, 1),
              new ProcessMetrics(6, 412, 0, 0, 1, 0),
              null);
      case SENSORS ->
          new BmcSensorReading("dc1-r001-s07", 17L, new SensorReadings(12.1, 24.5, -0.0, 310.0));
      case COMMISSION -> new CommissionServer("s1", "r1", "dc1", 5L, "host-1");
      case DECOMMISSION -> new DecommissionServer("s1", "r1", "dc1", 6L);
      case GET_UNHEALTHY_RACKS -> new GetUnhealthyRacks("q-1", "dc1", 7L);
      case UNHEALTHY_RACKS -> new UnhealthyRacks("q-1", "dc1", List.of("r2", "r1", "ü-räck"), 8L);
      case ALERT ->
          new Alert(
              "i-1",
              AlertStatus.OPENED,
              Level.RACK,
              "r1",
              "dc1",
              "r1",
              IncidentType.DISK_FAILURE,
              Severity.CRITICAL,
              1L,
              2L,
              null,
              null,
              "context with \"quotes\"");
      case MEASUREMENT -> new Measurement("machine-1", "vaTorque_C11", 9L, Double.NaN);
      case MAINTENANCE ->
          new dev.dctwin.domain.MaintenanceWindow(
              Level.DATACENTER, "dc1", "dc1", null, 10L, 20L, null, "ops", 9L);
      case SAMPLES ->
          new dev.dctwin.domain.AgentSamples(
              "host-1",
              11L,
              List.of(
                  new dev.dctwin.domain.MetricSample(
                      "network.octetsIn",
                      Map.of("device", "eth0"),
                      Double.NaN,
                      11L,
                      dev.dctwin.domain.MetricSample.Kind.DELTA)));
    };
  }

  @Test
  public void everyTypeRoundTrips() throws Exception {
    for (MessageType type : MessageType.values()) {
      Message message = sample(type);
      assertThat(message.type(), equalTo(type));
      CoderProperties.coderDecodeEncodeEqual(MessageCoder.of(), message);
      CoderProperties.coderDeterministic(MessageCoder.of(), message, sample(type));
    }
  }

  @Test
  public void nestedMapsEncodeInKeyOrderWhateverTheirIterationOrder() throws Exception {
    Incident disk = new Incident(IncidentType.DISK_FAILURE, Severity.CRITICAL, 1L, "sda");
    Incident nic = new Incident(IncidentType.NIC_ERRORS, Severity.WARNING, 2L, null);
    Map<IncidentType, Incident> forward = new LinkedHashMap<>();
    forward.put(IncidentType.DISK_FAILURE, disk);
    forward.put(IncidentType.NIC_ERRORS, nic);
    Map<IncidentType, Incident> backward = new LinkedHashMap<>();
    backward.put(IncidentType.NIC_ERRORS, nic);
    backward.put(IncidentType.DISK_FAILURE, disk);
    RecordCoder<ServerIncidents> coder = RecordCoder.of(ServerIncidents.class);
    ServerIncidents a = new ServerIncidents("s1", "r1", "dc1", forward, 3L, false);
    ServerIncidents b = new ServerIncidents("s1", "r1", "dc1", backward, 3L, false);
    CoderProperties.coderDeterministic(coder, a, b);
    CoderProperties.coderDecodeEncodeEqual(coder, a);
  }

  @Test
  public void survivesJavaSerializationAsBeamShipsCoders() throws Exception {
    RecordCoder<DeadLetter> coder = SerializableUtils.clone(RecordCoder.of(DeadLetter.class));
    DeadLetter letter =
        DeadLetter.of("kafka:x", DeadLetterReason.NOT_JSON, "bad", new byte[70_000], 4L);
    CoderProperties.coderDecodeEncodeEqual(coder, letter);
  }

  @Test
  public void rawPayloadsKeepTheirBytesAndAreComparedByContent() throws Exception {
    RecordCoder<RawMessage> coder = RecordCoder.of(RawMessage.class);
    RawMessage raw = new RawMessage("mqtt:x", new byte[] {0, -1, 2}, 5L);
    assertThat(coder.consistentWithEquals(), equalTo(false));
    assertThat(
        coder.structuralValue(raw),
        equalTo(coder.structuralValue(new RawMessage("mqtt:x", new byte[] {0, -1, 2}, 5L))));
    assertThat(RecordCoder.of(Alert.class).consistentWithEquals(), equalTo(true));
  }

  @Test
  public void isTheDefaultCoderOfDomainRecords() throws Exception {
    assertThat(
        CoderRegistry.createDefault().getCoder(Alert.class), equalTo(RecordCoder.of(Alert.class)));
  }

  record Unsupported(Object anything) {}

  record Collections(List<String> list, Set<Integer> set, Map<String, Double> map, Long boxed) {}

  @Test
  public void collectionsAndBoxesRoundTripIncludingNulls() throws Exception {
    RecordCoder<Collections> coder = RecordCoder.of(Collections.class);
    List<String> withNull = new ArrayList<>(Arrays.asList("a", null, "c"));
    CoderProperties.coderDecodeEncodeEqual(
        coder, new Collections(withNull, Set.of(3, 1, 2), Map.of("x", 1.0, "y", -2.5), 7L));
    CoderProperties.coderDecodeEncodeEqual(coder, new Collections(null, null, null, null));
    CoderProperties.coderDeterministic(
        coder,
        new Collections(List.of(), Set.of(1, 2, 3), Map.of(), null),
        new Collections(List.of(), Set.of(3, 2, 1), Map.of(), null));
  }

  @Test
  public void anUnsupportedComponentFailsWhenTheCoderIsCreated() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> RecordCoder.of(Unsupported.class));
    assertThat(e.getMessage(), containsString("java.lang.Object"));
  }

  @Test
  public void corruptInputIsACoderException() throws Exception {
    byte[] valid = CoderUtils.encodeToByteArray(MessageCoder.of(), sample(MessageType.METRICS));
    byte[] wrongType = valid.clone();
    wrongType[1] = 99; // after the format version
    assertThrows(
        CoderException.class, () -> MessageCoder.of().decode(new ByteArrayInputStream(wrongType)));
    byte[] truncated = Arrays.copyOf(valid, valid.length / 2);
    assertThrows(
        java.io.IOException.class,
        () -> MessageCoder.of().decode(new ByteArrayInputStream(truncated)));
  }
}

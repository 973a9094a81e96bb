package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.Severity;
import dev.dctwin.domain.UnhealthyRacks;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.Test;

/** Every kind of message has a Kafka key, the same from the record and from its wire bytes. */
public class MessageKeysTest {
  private static final long T0 = SampleMessages.T0;
  private static final WireCodec CODEC = WireCodec.withDefaults();

  /** A message of each type and the key it must have. */
  private static Map.Entry<Message, String> keyed(MessageType type) {
    return switch (type) {
      case METRICS -> Map.entry(SampleMessages.report("dc1-r01-s01", T0), "dc1-r01-s01");
      case SENSORS ->
          Map.entry(
              new BmcSensorReading("dc1-r01-s02", T0, SampleMessages.sensors()), "dc1-r01-s02");
      case COMMISSION ->
          Map.entry(
              new CommissionServer("dc1-r01-s03", "dc1-r01", "dc1", T0, "node-3"), "dc1-r01-s03");
      case DECOMMISSION ->
          Map.entry(
              new DecommissionServer("dc1-r01-s03", "dc1-r01", "dc1", T0, "node-3"), "dc1-r01-s03");
      case MAINTENANCE ->
          Map.entry(
              new MaintenanceWindow(
                  Level.RACK, "dc1-r07", "dc1", null, T0, T0 + 60_000, "ToR", "ops", T0),
              "maintenance:RACK:dc1-r07");
      case GET_UNHEALTHY_RACKS -> Map.entry(new GetUnhealthyRacks("q-1", "dc2", T0), "dc2");
      case UNHEALTHY_RACKS ->
          Map.entry(new UnhealthyRacks("q-1", "dc2", List.of("dc2-r01"), T0), "q-1");
      case ALERT ->
          Map.entry(
              new Alert(
                  "alert-1",
                  AlertStatus.OPENED,
                  Level.SERVER,
                  "dc1-r01-s01",
                  "dc1",
                  "dc1-r01",
                  IncidentType.DISK_FAILURE,
                  Severity.CRITICAL,
                  T0,
                  T0,
                  IncidentType.DISK_FAILURE,
                  null,
                  null,
                  List.of(),
                  false),
              "alert-1:OPENED");
      case MEASUREMENT -> Map.entry(new Measurement("R0815", "torque", T0, 1.5), "R0815");
      case SAMPLES ->
          Map.entry(
              new AgentSamples(
                  "node-9",
                  T0,
                  List.of(new MetricSample("load", Map.of(), 1, T0, MetricSample.Kind.GAUGE))),
              "node-9");
    };
  }

  @Test
  public void everyMessageTypeHasItsKeyFromTheRecordAndFromTheWire() {
    for (MessageType type : MessageType.values()) {
      Map.Entry<Message, String> sample = keyed(type);
      Message message = sample.getKey();
      assertThat(type.toString(), MessageKeys.kafkaKey(message), equalTo(sample.getValue()));
      assertThat(
          type.toString(),
          MessageKeys.kafkaKey(CODEC, CODEC.encode(message), null),
          equalTo(Optional.of(sample.getValue())));
    }
  }

  /**
   * On the compacted provisioning topic a server's maintenance window must not replace its
   * commissioning, nor a rack's window a datacenter's of the same name; a decommissioning replaces
   * the commissioning of its server.
   */
  @Test
  public void provisioningKeysKeepOneLatestRecordPerEntity() {
    String server = "dc1-r01-s05";
    String commission = MessageKeys.kafkaKey(new CommissionServer(server, "dc1-r01", "dc1", T0));
    String decommission =
        MessageKeys.kafkaKey(new DecommissionServer(server, "dc1-r01", "dc1", T0 + 1));
    String serverWindow =
        MessageKeys.kafkaKey(
            new MaintenanceWindow(Level.SERVER, server, null, null, T0, T0 + 1, null, null, T0));
    String sameNameDatacenter =
        MessageKeys.kafkaKey(
            new MaintenanceWindow(
                Level.DATACENTER, server, server, null, T0, T0 + 1, null, null, T0));
    assertThat(decommission, equalTo(commission));
    assertThat(serverWindow, equalTo("maintenance:SERVER:" + server));
    assertThat(serverWindow, not(equalTo(commission)));
    assertThat(sameNameDatacenter, not(equalTo(serverWindow)));
  }

  @Test
  public void aPayloadWithoutTypeTakesTheTopicsDefault() {
    String typed =
        CODEC.encodeToString(new BmcSensorReading("dc1-r01-s01", T0, SampleMessages.sensors()));
    byte[] payload = typed.replace("\"type\":\"sensors\",", "").getBytes(StandardCharsets.UTF_8);
    assertThat(new String(payload, StandardCharsets.UTF_8), not(containsString("type")));
    assertThat(
        MessageKeys.kafkaKey(CODEC, payload, MessageType.SENSORS),
        equalTo(Optional.of("dc1-r01-s01")));
    assertThat(MessageKeys.kafkaKey(CODEC, payload, null), equalTo(Optional.empty()));
  }

  /** What the pipeline would make a dead letter has no key: the producer decides where it goes. */
  @Test
  public void anInvalidPayloadHasNoKey() {
    for (String invalid :
        List.of(
            "not json",
            "[]",
            "{\"type\":\"maintenance\",\"level\":\"RACK\",\"entity\":\"dc1-r01\"}",
            "{\"type\":\"nonsense\",\"serverId\":\"s1\"}")) {
      assertThat(
          invalid,
          MessageKeys.kafkaKey(CODEC, invalid.getBytes(StandardCharsets.UTF_8), null),
          equalTo(Optional.empty()));
    }
  }
}

package dev.dctwin.codec.agents;

import static dev.dctwin.codec.agents.AgentTesting.assertRejected;
import static dev.dctwin.codec.agents.AgentTesting.assertSample;
import static dev.dctwin.codec.agents.AgentTesting.decode;
import static dev.dctwin.codec.agents.AgentTesting.fixture;
import static dev.dctwin.codec.agents.AgentTesting.host;
import static dev.dctwin.codec.agents.AgentTesting.named;
import static dev.dctwin.codec.agents.AgentTesting.utf8;
import static dev.dctwin.codec.agents.AgentTesting.withInvalidUtf8;
import static dev.dctwin.domain.MetricSample.Kind.COUNTER;
import static dev.dctwin.domain.MetricSample.Kind.GAUGE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.DeadLetterReason;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class TelegrafFormatTest {
  private static final long T0 = 1763719200000L;
  private final AgentFormat format = AgentFormats.byName("telegraf");

  @Test
  public void readsTheSerializersDocumentedExamples() {
    List<AgentSamples> single = decode(format, fixture("telegraf-readme-single.json"));
    assertThat(single, hasSize(1));
    AgentSamples raynor = host(single, "raynor");
    assertThat(raynor.eventTime(), equalTo(1458229140000L));
    assertSample(raynor, "docker_n_images", Map.of(), 660.0, 1458229140000L, GAUGE);
    assertSample(raynor, "docker_field_N", Map.of(), 59.0, 1458229140000L, GAUGE);
    assertThat(raynor.samples(), hasSize(4));

    // The documented batch holds the same metric twice.
    List<AgentSamples> batch = decode(format, fixture("telegraf-readme-batch.json"));
    assertThat(batch, hasSize(1));
    assertThat(host(batch, "raynor").samples(), hasSize(8));
    assertThat(
        named(host(batch, "raynor"), "docker_n_images").stream()
            .map(sample -> sample.value())
            .toList(),
        contains(660.0, 660.0));
  }

  @Test
  public void mapsTheOperatingSystemInputs() {
    AgentSamples web = host(decode(format, fixture("telegraf-inputs.json")), "web-1");

    assertSample(web, "cpu.percent", Map.of("state", "idle"), 92.5, T0, GAUGE);
    assertSample(web, "cpu.percent", Map.of("state", "wait"), 1.25, T0, GAUGE);
    assertSample(web, "cpu.percent", Map.of("state", "interrupt"), 0.0, T0, GAUGE);
    assertThat(named(web, "cpu.percent"), hasSize(8));
    assertSample(web, "cpu_usage_guest", Map.of("cpu", "cpu-total"), 0.0, T0, GAUGE);
    assertSample(web, "cpu_usage_user", Map.of("cpu", "cpu0"), 10.0, T0, GAUGE);
    assertSample(web, "memory.total", Map.of(), 17179869184.0, T0, GAUGE);
    assertSample(web, "memory.used", Map.of(), 4026531840.0, T0, GAUGE);
    assertSample(web, "memory.slab", Map.of(), 536870912.0, T0, GAUGE);
    assertSample(web, "mem_available_percent", Map.of(), 75.0, T0, GAUGE);
    assertSample(web, "network.octetsIn", Map.of("device", "eth0"), 1234567890.0, T0, COUNTER);
    assertSample(web, "network.errorsIn", Map.of("device", "eth0"), 1.0, T0, COUNTER);
    assertSample(web, "network.droppedIn", Map.of("device", "eth0"), 2.0, T0, COUNTER);
    assertThat(named(web, "network.octetsIn"), hasSize(1));
    assertSample(web, "net_speed", Map.of("interface", "eth0"), 10000.0, T0, GAUGE);
    assertSample(web, "net_tcp_activeopens", Map.of("interface", "all"), 4000.0, T0, GAUGE);
    assertSample(web, "disk.readTimeTotal", Map.of("device", "sda"), 51200.0, T0, COUNTER);
    assertSample(web, "disk.weightedIoTime", Map.of("device", "sda"), 153100.0, T0, COUNTER);
    assertSample(web, "disk.opsWrite", Map.of("device", "sda"), 12858.0, T0, COUNTER);
    assertSample(web, "diskio_iops_in_progress", Map.of("name", "sda"), 0.0, T0, GAUGE);
    assertSample(web, "diskio_reads", Map.of("name", "sda1"), 100.0, T0, GAUGE);
    assertSample(web, "processes.running", Map.of(), 2.0, T0, GAUGE);
    assertSample(web, "processes.blocked", Map.of(), 1.0, T0, GAUGE);
    assertSample(web, "processes_total_threads", Map.of(), 900.0, T0, GAUGE);
    assertSample(web, "system_load1", Map.of(), 0.5, T0, GAUGE);
    assertThat("string fields left out", named(web, "system_uptime_format"), empty());
  }

  @Test
  public void mapsBmcInputsToTheServerTheyPolled() {
    List<AgentSamples> decoded = decode(format, fixture("telegraf-bmc.json"));
    assertThat(
        decoded.stream().map(AgentSamples::host).toList(), contains("10.20.2.203", "web483"));

    AgentSamples ipmi = host(decoded, "10.20.2.203");
    long ipmiTime = 1517125513000L;
    assertSample(
        ipmi, "sensors.temperature", Map.of("sensor", "ambient_temp"), 20.0, ipmiTime, GAUGE);
    assertSample(ipmi, "sensors.voltage", Map.of("sensor", "planar_12v"), 12.1, ipmiTime, GAUGE);
    assertSample(
        ipmi, "sensors.inputPower", Map.of("sensor", "pwr_consumption"), 176.0, ipmiTime, GAUGE);
    assertSample(
        ipmi,
        "ipmi_sensor_value",
        Map.of("name", "planar_3.3v", "status", "ok", "unit", "volts"),
        3.3,
        ipmiTime,
        GAUGE);
    assertSample(
        ipmi,
        "ipmi_sensor_value",
        Map.of("name", "avg_power", "status", "ok", "unit", "watts"),
        220.0,
        ipmiTime,
        GAUGE);
    assertSample(
        ipmi,
        "ipmi_sensor_status",
        Map.of("name", "ambient_temp", "status", "ok", "unit", "degrees_c"),
        1.0,
        ipmiTime,
        GAUGE);

    AgentSamples redfish = host(decoded, "web483");
    long redfishTime = 1691270160000L;
    assertSample(
        redfish,
        "sensors.temperature",
        Map.of("sensor", "Chassis Intake Temp"),
        25.0,
        redfishTime,
        GAUGE);
    assertThat(named(redfish, "sensors.temperature"), hasSize(1));
    assertSample(
        redfish,
        "sensors.inputPower",
        Map.of("sensor", "System Power Control"),
        344.0,
        redfishTime,
        GAUGE);
    Map<String, String> fanTags =
        Map.of(
            "address", "127.0.0.1",
            "health", "OK",
            "member_id", "0",
            "name", "BaseBoard System Fan",
            "rack", "WEB43",
            "row", "North",
            "state", "Enabled");
    assertSample(redfish, "redfish_thermal_fans_reading_rpm", fanTags, 2100.0, redfishTime, GAUGE);
    assertThat(
        "a VRM at 12 V is not the 12 V rail by name", named(redfish, "sensors.voltage"), empty());
  }

  @Test
  public void anIpmiReadingWithoutUnitKeepsItsOwnName() {
    String json =
        "{\"fields\":{\"value\":20},\"name\":\"ipmi_sensor\","
            + "\"tags\":{\"host\":\"a\",\"name\":\"inlet_temp\"},\"timestamp\":1763719200}";
    assertSample(
        host(decode(format, utf8(json)), "a"),
        "ipmi_sensor_value",
        Map.of("name", "inlet_temp"),
        20.0,
        T0,
        GAUGE);
  }

  @Test
  public void timestampUnitsAreToldApartBySize() {
    assertThat(TelegrafFormat.epochMillis(1763719200), equalTo(T0));
    assertThat(TelegrafFormat.epochMillis(1763719200.5), equalTo(T0 + 500));
    assertThat(TelegrafFormat.epochMillis(1763719200123.0), equalTo(T0 + 123));
    assertThat(TelegrafFormat.epochMillis(1763719200123456.0), equalTo(T0 + 123));
    assertThat(TelegrafFormat.epochMillis(1763719200123456789.0), equalTo(T0 + 123));
    String metric =
        "{\"fields\":{\"load1\":1},\"name\":\"system\",\"tags\":{\"host\":\"a\"},\"timestamp\":%s}";
    for (String timestamp :
        List.of(
            "1763719200",
            "1763719200000",
            "1763719200000000",
            "1763719200000000000",
            "\"2025-11-21T10:00:00Z\"")) {
      assertThat(
          timestamp,
          decode(format, utf8(String.format(metric, timestamp))).get(0).eventTime(),
          equalTo(T0));
    }
  }

  @Test
  public void rejectsBadInput() {
    String good =
        "{\"fields\":{\"load1\":1},\"name\":\"system\",\"tags\":{\"host\":\"web-1\"},"
            + "\"timestamp\":1763719200}";
    decode(format, utf8(good));
    assertRejected(format, new byte[0], DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8(good.substring(0, 30)), DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8(good + good), DeadLetterReason.NOT_JSON);
    assertRejected(format, withInvalidUtf8(good, "web-1"), DeadLetterReason.NOT_UTF8);
    assertRejected(
        format,
        utf8(
            good.replace(
                "\"timestamp\"",
                "\"x\":" + "[".repeat(2000) + "]".repeat(2000) + ",\"timestamp\"")),
        DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8("[" + good + "]"), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format, utf8("{\"metrics\":[" + "{\"metrics\":[]}" + "]}"), DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8(good.replace(":1}", ":[1]}")), DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8(good.replace("\"web-1\"", "1")), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format, utf8(good.replace("1763719200", "\"yesterday\"")), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format, utf8(good.replace("1763719200", "17637")), DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
    assertRejected(
        format,
        utf8(good.replace(",\"timestamp\":1763719200", "")),
        DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format, utf8(good.replace("\"name\":\"system\",", "")), DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format, utf8(good.replace("\"host\"", "\"hostname\"")), DeadLetterReason.MISSING_FIELD);
    assertRejected(format, utf8("{\"metrics\":[]}"), DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format, utf8(good.replace(":1}", ":1e999}")), DeadLetterReason.NON_FINITE_NUMBER);
    assertRejected(
        format, utf8(good.replace("load1", "l".repeat(300))), DeadLetterReason.FIELD_TOO_LONG);
  }
}

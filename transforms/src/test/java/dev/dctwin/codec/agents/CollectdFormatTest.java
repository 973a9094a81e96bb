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
import static dev.dctwin.domain.MetricSample.Kind.DELTA;
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
public class CollectdFormatTest {
  private static final long T0 = 1763719200125L;
  private final AgentFormat format = AgentFormats.byName("collectd");

  @Test
  public void readsTheWikisWriteHttpExample() {
    List<AgentSamples> decoded = decode(format, fixture("collectd-write-http.json"));

    assertThat(
        decoded.stream().map(AgentSamples::host).toList(),
        contains("leeloo.lan.home.verplant.org", "web-1"));
    AgentSamples leeloo = host(decoded, "leeloo.lan.home.verplant.org");
    assertSample(
        leeloo, "disk.octetsRead", Map.of("device", "sda"), 197141504.0, 1251533299000L, COUNTER);
    assertSample(
        leeloo, "disk.octetsWrite", Map.of("device", "sda"), 175136768.0, 1251533299000L, COUNTER);
    assertThat(leeloo.samples(), hasSize(2));
  }

  @Test
  public void mapsThePluginsOfTheContract() {
    AgentSamples web = host(decode(format, fixture("collectd-write-http.json")), "web-1");

    assertThat(web.eventTime(), equalTo(T0 + 10_000));
    assertSample(web, "cpu.time", Map.of("cpu", "0", "state", "user"), 1901474177.0, T0, COUNTER);
    assertSample(
        web, "collectd_cpu_cpu_total", Map.of("cpu", "0", "type", "guest"), 1045.0, T0, COUNTER);
    assertSample(web, "cpu.percent", Map.of("state", "idle"), 91.5, T0, GAUGE);
    assertSample(web, "collectd_cpu_percent", Map.of("cpu", "1", "type", "idle"), 88.25, T0, GAUGE);
    assertSample(web, "network.octetsIn", Map.of("device", "eth0"), 123456789.0, T0, COUNTER);
    assertSample(web, "network.octetsOut", Map.of("device", "eth0"), 987654321.0, T0, COUNTER);
    assertSample(web, "network.droppedIn", Map.of("device", "eth0"), 5.0, T0, COUNTER);
    assertSample(web, "network.droppedOut", Map.of("device", "eth0"), 0.0, T0, COUNTER);
    assertThat(
        "loopback dropped",
        web.samples().stream().filter(s -> "lo".equals(s.labels().get("device"))).toList(),
        empty());
    assertSample(web, "memory.used", Map.of(), 2147483648.0, T0, GAUGE);
    assertSample(web, "memory.slab", Map.of("part", "reclaimable"), 104857600.0, T0, GAUGE);
    assertSample(web, "memory.slab", Map.of("part", "unreclaimable"), 52428800.0, T0, GAUGE);
    assertSample(web, "disk.timeRead", Map.of("device", "sda"), 5.0, T0, COUNTER);
    assertSample(web, "disk.timeWrite", Map.of("device", "sda"), 140.0, T0, COUNTER);
    assertSample(web, "disk.ioTime", Map.of("device", "sda"), 8120.0, T0, COUNTER);
    assertSample(web, "disk.weightedIoTime", Map.of("device", "sda"), 15310.0, T0, COUNTER);
    assertSample(web, "disk.mergedRead", Map.of("device", "sda"), 4658.0, T0, COUNTER);
    assertSample(web, "disk.mergedWrite", Map.of("device", "sda"), 29899.0, T0, COUNTER);
    assertSample(
        web, "collectd_disk_disk_ops_read_total", Map.of("disk", "sda1"), 10765.0, T0, COUNTER);
    assertSample(web, "processes.running", Map.of(), 3.0, T0, GAUGE);
    assertSample(web, "processes.zombies", Map.of(), 1.0, T0, GAUGE);
    assertSample(web, "collectd_processes_fork_rate_total", Map.of(), 51234.0, T0, COUNTER);
    assertSample(web, "collectd_load_load_shortterm", Map.of(), 0.5, T0, GAUGE);
    assertSample(web, "collectd_load_load_midterm", Map.of(), 0.25, T0, GAUGE);
    assertThat("NaN gauge left out", named(web, "collectd_load_load_longterm"), empty());
    assertSample(
        web,
        "sensors.temperature",
        Map.of("sensor", "Inlet Temp system_board (7.1)"),
        22.0,
        T0,
        GAUGE);
    assertSample(
        web, "sensors.voltage", Map.of("sensor", "12V system_board (7.1)"), 12.06, T0, GAUGE);
    assertSample(
        web,
        "collectd_ipmi_temperature",
        Map.of("type", "CPU1 Temp processor (3.1)"),
        61.0,
        T0,
        GAUGE);
    assertSample(web, "collectd_statsd_count", Map.of("type", "requests"), 7.0, T0 + 10_000, DELTA);
    assertThat(web.samples(), hasSize(28));
  }

  @Test
  public void readsALoneValueListAsWriteKafkaMaySendIt() {
    String json =
        "{\"values\":[0.75],\"dstypes\":[\"gauge\"],\"dsnames\":[\"value\"],\"time\":1763719200,"
            + "\"interval\":10,\"host\":\"db-1\",\"plugin\":\"cpu\",\"type\":\"percent\","
            + "\"type_instance\":\"wait\"}";
    assertSample(
        host(decode(format, utf8(json)), "db-1"),
        "cpu.percent",
        Map.of("state", "wait"),
        0.75,
        1763719200000L,
        GAUGE);
  }

  @Test
  public void rejectsBadInput() {
    String good =
        "[{\"values\":[1,2],\"dstypes\":[\"derive\",\"derive\"],\"dsnames\":[\"rx\",\"tx\"],"
            + "\"time\":1763719200.5,\"interval\":10,\"host\":\"web-1\",\"plugin\":\"interface\","
            + "\"plugin_instance\":\"eth0\",\"type\":\"if_octets\",\"type_instance\":\"\"}]";
    assertThat(decode(format, utf8(good)).get(0).samples(), hasSize(2));

    assertRejected(format, new byte[0], DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8(good.substring(0, good.length() - 9)), DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8(good + "]"), DeadLetterReason.NOT_JSON);
    assertRejected(format, withInvalidUtf8(good, "web-1"), DeadLetterReason.NOT_UTF8);
    assertRejected(
        format,
        utf8(
            good.replace("\"interval\":10", "\"interval\":" + "[".repeat(3000) + "]".repeat(3000))),
        DeadLetterReason.NOT_JSON);
    assertRejected(format, utf8("[[[[[[[]]]]]]]"), DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8("42"), DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8(good.replace("[1,2]", "[1,\"2\"]")), DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8(good.replace("[1,2]", "[1]")), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format, utf8(good.replace("[1,2]", "[1,1e999]")), DeadLetterReason.NON_FINITE_NUMBER);
    assertRejected(
        format,
        utf8(good.replace("\"derive\",\"derive\"", "\"derive\",\"ddsketch\"")),
        DeadLetterReason.WRONG_TYPE);
    assertRejected(format, utf8(good.replace("\"web-1\"", "7")), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format, utf8(good.replace("1763719200.5", "\"now\"")), DeadLetterReason.WRONG_TYPE);
    assertRejected(
        format,
        utf8(good.replace("1763719200.5", "1763719200500")),
        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
    assertRejected(
        format, utf8(good.replace("\"time\":1763719200.5,", "")), DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format,
        utf8(good.replace("\"plugin\":\"interface\",", "")),
        DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format, utf8(good.replace("\"host\":\"web-1\",", "")), DeadLetterReason.MISSING_FIELD);
    assertRejected(format, utf8("[]"), DeadLetterReason.MISSING_FIELD);
    assertRejected(
        format, utf8(good.replace("eth0", "e".repeat(257))), DeadLetterReason.FIELD_TOO_LONG);
    StringBuilder wide = new StringBuilder("[{\"values\":[");
    for (int i = 0; i < 100; i++) {
      wide.append(i == 0 ? "" : ",").append(i);
    }
    wide.append(
        "],\"dstypes\":[],\"time\":1763719200,\"host\":\"a\",\"plugin\":\"p\",\"type\":\"t\"}]");
    assertRejected(format, utf8(wide.toString()), DeadLetterReason.OUT_OF_RANGE);
  }
}

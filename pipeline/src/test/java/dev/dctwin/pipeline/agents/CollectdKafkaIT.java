package dev.dctwin.pipeline.agents;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.pipeline.testing.LocalKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.Before;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Debian's collectd with runner-configs/agents/collectd.conf as it is, writing to the topic {@code
 * collectd} of the local Kafka broker: what arrives is what the collectd decoder reads.
 */
@RunWith(JUnit4.class)
public class CollectdKafkaIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Set<String> CPU_STATES =
      Set.of("user", "system", "idle", "nice", "interrupt", "softirq", "steal", "wait");

  @Rule public TemporaryFolder folder = new TemporaryFolder();

  private LocalKafka kafka;

  @Before
  public void setUp() {
    RealAgents.require(RealAgents.COLLECTD);
    kafka = LocalKafka.require();
    // The config's topic; services.sh's broker does not create topics on first use.
    kafka.createTopics(1, RealAgents.COLLECTD_TOPIC);
  }

  @Test
  public void theConfigParses() throws Exception {
    RealAgents.Result check =
        RealAgents.run(
            Duration.ofSeconds(30),
            RealAgents.COLLECTD.getPath(),
            "-t",
            "-C",
            RealAgents.config("collectd.conf").toString());
    assertThat(check.output(), check.exitCode(), equalTo(0));
  }

  @Test
  public void collectdWritesTheHostsMetricsAsJsonToKafka() throws Exception {
    String host = RealAgents.hostname();
    List<byte[]> records;
    try (KafkaConsumer<byte[], byte[]> consumer =
            RealAgents.consumerAtEnd(kafka.bootstrapServers(), RealAgents.COLLECTD_TOPIC);
        RealAgents.Agent collectd = RealAgents.collectd(folder.newFolder("collectd").toPath())) {
      // Percentages need two readings of the CPU, so they come from the second interval on; the
      // third gives every counter two cumulative values.
      records =
          RealAgents.pollUntil(
              consumer,
              collectd,
              Duration.ofSeconds(60),
              values -> cpuSharesByTime(values).size() >= 2);
    }
    List<JsonNode> values = new ArrayList<>();
    for (byte[] record : records) {
      JsonNode array = JSON.readTree(record);
      assertThat(new String(record, StandardCharsets.UTF_8), array.isArray(), equalTo(true));
      array.forEach(values::add);
    }
    assertThat(
        "the host is the machine's name (FQDNLookup false)",
        values.stream().map(v -> v.path("host").asText()).collect(Collectors.toSet()),
        equalTo(Set.of(host)));
    assertThat(
        values.stream().map(v -> v.path("interval").asDouble()).collect(Collectors.toSet()),
        equalTo(Set.of(10.0)));
    Set<String> plugins =
        values.stream().map(v -> v.path("plugin").asText()).collect(Collectors.toSet());
    assertThat(plugins, hasItems("cpu", "interface", "memory", "processes", "load"));
    assertThat(
        "no loopback",
        values.stream()
            .filter(v -> v.path("plugin").asText().equals("interface"))
            .map(v -> v.path("plugin_instance").asText())
            .toList(),
        not(hasItem("lo")));

    // One series per state in percent of all cores, not per core: they add up to 100.
    for (JsonNode value : values) {
      if (value.path("plugin").asText().equals("cpu")) {
        assertThat(value.toString(), value.path("type").asText(), equalTo("percent"));
        assertThat(value.toString(), value.path("plugin_instance").asText(), equalTo(""));
      }
    }
    List<Double> cpuSums =
        cpuSharesByTime(records).values().stream()
            .map(shares -> shares.values().stream().mapToDouble(Double::doubleValue).sum())
            .toList();
    assertThat(cpuSums, everyItem(closeTo(100, 1)));

    // Counters stay cumulative (StoreRates false): whole numbers that never decrease.
    List<Double> forks =
        values.stream()
            .filter(v -> v.path("type").asText().equals("fork_rate"))
            .map(v -> v.path("values").get(0).asDouble())
            .toList();
    assertThat(forks.size(), greaterThanOrEqualTo(2));
    for (int i = 0; i < forks.size(); i++) {
      assertThat(forks.get(i), equalTo(Math.floor(forks.get(i))));
      if (i > 0) {
        assertThat(forks.get(i), greaterThanOrEqualTo(forks.get(i - 1)));
      }
    }
    assertThat(
        values.stream()
            .filter(v -> v.path("type").asText().equals("fork_rate"))
            .map(v -> v.path("dstypes").get(0).asText())
            .collect(Collectors.toSet()),
        equalTo(Set.of("derive")));
    capture(records);
  }

  /** The CPU shares by state of each time for which every state arrived. */
  private static Map<Double, Map<String, Double>> cpuSharesByTime(List<byte[]> records) {
    Map<Double, Map<String, Double>> byTime = new TreeMap<>();
    for (byte[] record : records) {
      try {
        for (JsonNode value : JSON.readTree(record)) {
          if (value.path("plugin").asText().equals("cpu")) {
            byTime
                .computeIfAbsent(value.path("time").asDouble(), time -> new TreeMap<>())
                .put(value.path("type_instance").asText(), value.path("values").get(0).asDouble());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    byTime.values().removeIf(shares -> !shares.keySet().equals(CPU_STATES));
    return byTime;
  }

  /** With -Ddctwin.captureAgents: the records, one JSON array a line, as the decoder's fixture. */
  private static void capture(List<byte[]> records) throws IOException {
    Path dir = RealAgents.captureDir();
    if (dir == null) {
      return;
    }
    Files.createDirectories(dir);
    StringBuilder lines = new StringBuilder();
    for (byte[] record : records) {
      lines.append(new String(record, StandardCharsets.UTF_8).strip()).append('\n');
    }
    Files.writeString(dir.resolve("collectd.jsonl"), lines, StandardCharsets.UTF_8);
    System.err.println(
        "CollectdKafkaIT: captured "
            + records.size()
            + " records in "
            + dir.resolve("collectd.jsonl"));
  }
}

package dev.dctwin.simulator.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import dev.dctwin.codec.agents.AgentFormats;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.MetricSample;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.Test;

/** The bench's agent payloads decode, with the project's decoders, into the typed series. */
public class AgentInputTest {
  private static Set<String> names(List<AgentSamples> decoded, String host) {
    Set<String> names = new HashSet<>();
    for (AgentSamples samples : decoded) {
      assertThat(samples.host(), equalTo(host));
      for (MetricSample sample : samples.samples()) {
        names.add(sample.name());
      }
    }
    return names;
  }

  @Test
  public void collectdAndOtlpPayloadsDecodeIntoTheReportsSeries() throws Exception {
    for (String format : List.of("collectd", "otlp-proto")) {
      byte[] payload =
          format.equals("collectd")
              ? AgentInput.collectd("dc1-r000-s07", 1_763_719_200_000L, 3, 2)
              : AgentInput.otlp("dc1-r000-s07", 1_763_719_200_000L, 3, 2);
      List<AgentSamples> decoded = AgentFormats.byName(format).decode(payload);
      assertThat(
          format,
          names(decoded, "dc1-r000-s07"),
          hasItems(
              "cpu.time",
              "network.packetsIn",
              "network.droppedIn",
              "memory.used",
              "disk.opsRead",
              "processes.running"));
    }
  }
}

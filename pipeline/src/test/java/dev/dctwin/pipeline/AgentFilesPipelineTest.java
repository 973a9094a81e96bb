package dev.dctwin.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.codec.agents.AgentFormat;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.io.SourceFormats;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * {@code run --source=file} on files of an agent's format: named {@code *.collectd.jsonl}, decoded
 * by the collectd format, assembled into reports, and judged by the server twin of the server that
 * a commissioning maps the host to.
 */
public class AgentFilesPipelineTest {
  private static final long T0 = 1_763_719_200_000L;
  private static final String SERVER = "dc1-r01-s01";

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  /**
   * A test-only format under the name {@code collectd}: one JSON object per line, {@code
   * {"host":..,"time":..,"cpu":{"user":seconds,...}}}, the cumulative CPU seconds of one core.
   */
  static final class TestCpuFormat implements AgentFormat {
    @Override
    public String name() {
      return "collectd";
    }

    @Override
    public List<AgentSamples> decode(byte[] payload) throws InvalidMessageException {
      JsonNode line;
      try {
        line = new ObjectMapper().readTree(payload);
      } catch (IOException e) {
        throw new InvalidMessageException(DeadLetterReason.NOT_JSON, "not a JSON line");
      }
      long time = line.path("time").asLong();
      List<MetricSample> samples = new ArrayList<>();
      line.path("cpu")
          .fields()
          .forEachRemaining(
              state ->
                  samples.add(
                      new MetricSample(
                          "cpu.time",
                          Map.of("state", state.getKey(), "cpu", "0"),
                          state.getValue().asDouble(),
                          time,
                          MetricSample.Kind.COUNTER)));
      return List.of(new AgentSamples(line.path("host").asText(), time, samples));
    }
  }

  static final class TestRegistry implements SourceFormats.Registry {
    @Override
    public Set<String> names() {
      return Set.of("collectd");
    }

    @Override
    public AgentFormat byName(String name) {
      return new TestCpuFormat();
    }
  }

  @Test
  public void aBusyHostsSamplesOpenCpuSaturationOnItsServer() throws Exception {
    Path input = folder.newFolder("in").toPath();
    commission(input);
    List<String> lines = new ArrayList<>();
    for (int step = 0; step < 36; step++) {
      // Per 10 s: 9.3 s user, 0.5 s system, 0.2 s idle: 98 % busy.
      lines.add(
          String.format(
              Locale.ROOT,
              "{\"host\":\"node-1\",\"time\":%d,\"cpu\":{\"user\":%.1f,\"system\":%.1f,\"idle\":%.1f}}",
              T0 + step * 10_000 + 500,
              1e4 + 9.3 * step,
              2e3 + 0.5 * step,
              5e4 + 0.2 * step));
    }
    lines.add("not json");
    Files.write(input.resolve("node-1.collectd.jsonl"), lines);

    Result result = run(input, new TestRegistry());

    assertThat(result.code(), equalTo(Cli.EXIT_OK));
    assertCpuSaturationOf(result.alerts());
    assertThat(result.deadLetters(), hasSize(1));
    DeadLetter bad = result.deadLetters().get(0);
    assertThat(bad.reason(), equalTo(DeadLetterReason.NOT_JSON));
    assertThat(bad.source(), endsWith("node-1.collectd.jsonl:37"));
    assertThat(bad.detail(), equalTo("collectd: not a JSON line"));
    assertThat(result.summary(), containsString("messages parsed: 37"));
  }

  /**
   * The same with the real collectd decoder and collectd's own JSON (write_http, {@code Format
   * "JSON"}, cpu plugin in jiffies).
   */
  @Test
  public void collectdsOwnJsonOfABusyHostOpensCpuSaturation() throws Exception {
    Path input = folder.newFolder("in").toPath();
    commission(input);
    List<String> lines = new ArrayList<>();
    for (int step = 0; step < 36; step++) {
      double time = (T0 + step * 10_000 + 500) / 1000.0;
      StringBuilder line = new StringBuilder("[");
      String[][] states = {{"user", "930"}, {"system", "50"}, {"idle", "20"}};
      for (int i = 0; i < states.length; i++) {
        long jiffies = 100_000 + Long.parseLong(states[i][1]) * step;
        line.append(i == 0 ? "" : ",")
            .append(
                String.format(
                    Locale.ROOT,
                    "{\"values\":[%d],\"dstypes\":[\"derive\"],\"dsnames\":[\"value\"],"
                        + "\"time\":%.3f,\"interval\":10.000,\"host\":\"node-1\",\"plugin\":\"cpu\","
                        + "\"plugin_instance\":\"0\",\"type\":\"cpu\",\"type_instance\":\"%s\"}",
                    jiffies,
                    time,
                    states[i][0]));
      }
      lines.add(line.append("]").toString());
    }
    Files.write(input.resolve("node-1.collectd.jsonl"), lines);

    Result result = run(input, SourceFormats.AGENT_FORMATS);

    assertThat(result.code(), equalTo(Cli.EXIT_OK));
    assertCpuSaturationOf(result.alerts());
    assertThat(result.deadLetters(), hasSize(0));
  }

  private static void commission(Path input) throws IOException {
    Files.writeString(
        input.resolve("provisioning.jsonl"),
        WireCodec.withDefaults()
                .encodeToString(
                    new CommissionServer(SERVER, "dc1-r01", "dc1", T0 - 5_000, "node-1"))
            + "\n");
  }

  private static void assertCpuSaturationOf(List<Alert> alerts) {
    List<Alert> opened = alerts.stream().filter(a -> a.status() == AlertStatus.OPENED).toList();
    assertThat(opened.toString(), opened, hasSize(1));
    assertThat(opened.get(0).entity(), equalTo(SERVER));
    assertThat(opened.get(0).incidentType(), equalTo(IncidentType.CPU_SATURATION));
  }

  private record Result(
      int code, String summary, List<Alert> alerts, List<DeadLetter> deadLetters) {}

  private Result run(Path input, SourceFormats.Registry formats) throws Exception {
    Path alerts = folder.getRoot().toPath().resolve("alerts.jsonl");
    Path deadLetters = folder.getRoot().toPath().resolve("dead.jsonl");
    DatacenterPipeline.Options options =
        PipelineOptionsFactory.fromArgs(
                "--source=file",
                "--inputDir=" + input,
                "--alertsOut=" + alerts,
                "--deadLettersOut=" + deadLetters)
            .as(DatacenterPipeline.Options.class);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        DatacenterPipeline.run(
            options, new PrintStream(out, true, StandardCharsets.UTF_8), formats);
    WireCodec codec = WireCodec.withDefaults();
    List<Alert> alertList = new ArrayList<>();
    for (String line : Files.readAllLines(alerts)) {
      alertList.add((Alert) codec.decode(line.getBytes(StandardCharsets.UTF_8), null));
    }
    ObjectMapper json = new ObjectMapper();
    List<DeadLetter> deadLetterList = new ArrayList<>();
    for (String line : Files.readAllLines(deadLetters)) {
      deadLetterList.add(json.readValue(line, DeadLetter.class));
    }
    return new Result(code, out.toString(StandardCharsets.UTF_8), alertList, deadLetterList);
  }
}

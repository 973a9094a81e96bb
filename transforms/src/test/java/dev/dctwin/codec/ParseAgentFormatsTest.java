package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.startsWith;

import dev.dctwin.codec.agents.AgentFormat;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.RawMessage;
import dev.dctwin.domain.SampleMessages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.Rule;
import org.junit.Test;

/** Raw messages of sources with an agent format are decoded by it, with dead letters. */
public class ParseAgentFormatsTest {
  private static final long T0 = SampleMessages.T0;

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** A test-only format: {@code host=value;host=value}, one gauge {@code load} per host. */
  static final class HostValues implements AgentFormat {
    @Override
    public String name() {
      return "host-values";
    }

    @Override
    public List<AgentSamples> decode(byte[] payload) throws InvalidMessageException {
      String text = new String(payload, StandardCharsets.UTF_8);
      if (text.equals("boom")) {
        throw new IllegalStateException("a bug");
      }
      List<AgentSamples> hosts = new ArrayList<>();
      for (String pair : text.split(";")) {
        String[] parts = pair.split("=");
        if (parts.length != 2) {
          throw new InvalidMessageException(DeadLetterReason.MISSING_FIELD, "no '=' in " + pair);
        }
        MetricSample load =
            new MetricSample(
                "load", Map.of(), Double.parseDouble(parts[1]), T0, MetricSample.Kind.GAUGE);
        hosts.add(new AgentSamples(parts[0], T0, List.of(load)));
      }
      return hosts;
    }
  }

  private static RawMessage raw(String source, String payload) {
    return new RawMessage(source, payload.getBytes(StandardCharsets.UTF_8), T0);
  }

  @Test
  public void agentPayloadsBecomeSamplesPerHostAndBadOnesDeadLetters() {
    HostValues format = new HostValues();
    String commission =
        WireCodec.withDefaults().encodeToString(new CommissionServer("s1", "r1", "dc1", T0, "h1"));
    PCollectionTuple parsed =
        pipeline
            .apply(
                Create.of(
                        raw("kafka:agents", "h1=1.5;h2=2.5"),
                        raw("kafka:agents", "h3"),
                        raw("kafka:agents", "boom"),
                        raw("kafka:agents", "h4=" + "1".repeat(200)),
                        raw("kafka:dctwin.provisioning", commission))
                    .withCoder(RawMessageCoder.of()))
            .apply(
                ParseMessages.create()
                    .withAgentFormats(source -> source.equals("kafka:agents") ? format : null)
                    .withMaxAgentPayloadBytes(100));

    PAssert.that(parsed.get(ParseMessages.MESSAGES))
        .containsInAnyOrder(
            new AgentSamples(
                "h1",
                T0,
                List.of(new MetricSample("load", Map.of(), 1.5, T0, MetricSample.Kind.GAUGE))),
            new AgentSamples(
                "h2",
                T0,
                List.of(new MetricSample("load", Map.of(), 2.5, T0, MetricSample.Kind.GAUGE))),
            (Message) new CommissionServer("s1", "r1", "dc1", T0, "h1"));
    PAssert.that(
            parsed
                .get(ParseMessages.DEAD_LETTERS)
                .apply(
                    MapElements.into(TypeDescriptors.strings())
                        .via((DeadLetter d) -> d.source() + " " + d.reason() + " " + d.detail())))
        .satisfies(
            all -> {
              List<String> list = new ArrayList<>();
              all.forEach(list::add);
              assertThat(
                  list,
                  containsInAnyOrder(
                      startsWith("kafka:agents MISSING_FIELD host-values: no '=' in h3"),
                      startsWith(
                          "kafka:agents WRONG_TYPE the host-values decoder failed:"
                              + " java.lang.IllegalStateException: a bug"),
                      startsWith(
                          "kafka:agents PAYLOAD_TOO_LARGE host-values: 203 bytes exceed the limit")));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }
}

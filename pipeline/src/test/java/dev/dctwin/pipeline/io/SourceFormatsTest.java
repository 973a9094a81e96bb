package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import dev.dctwin.codec.agents.AgentFormat;
import dev.dctwin.domain.AgentSamples;
import java.util.List;
import java.util.Set;
import org.junit.Test;

public class SourceFormatsTest {
  /** A registry of test-only formats under the names of two real ones. */
  static final class TwoFormats implements SourceFormats.Registry {
    @Override
    public Set<String> names() {
      return Set.of("collectd", "otlp-json");
    }

    @Override
    public AgentFormat byName(String name) {
      return new AgentFormat() {
        @Override
        public String name() {
          return name;
        }

        @Override
        public List<AgentSamples> decode(byte[] payload) {
          return List.of();
        }
      };
    }
  }

  private static SourceFormats formats(String... flag) {
    return SourceFormats.of(List.of(flag), new TwoFormats());
  }

  @Test
  public void theDefaultsOfTheFormatsThisBuildDecodes() {
    SourceFormats formats = formats();
    assertThat(formats.formatNameOf("kafka:collectd"), equalTo("collectd"));
    assertThat(formats.formatNameOf("mqtt:collectd"), equalTo("collectd"));
    assertThat("no telegraf decoder here", formats.formatNameOf("kafka:telegraf"), nullValue());
    assertThat(formats.formatNameOf("kafka:dctwin.metrics"), nullValue());
    assertThat(formats.namedTopics().isEmpty(), equalTo(true));
    assertThat(formats.apply("kafka:collectd").name(), equalTo("collectd"));
    assertThat(formats.apply("kafka:dctwin.metrics"), nullValue());
  }

  @Test
  public void filesByTheirSuffix() {
    SourceFormats formats = formats();
    assertThat(formats.formatNameOf("file:/in/node-1.collectd.jsonl:12"), equalTo("collectd"));
    assertThat(formats.formatNameOf("file:/in/batch.otlp.jsonl:1"), equalTo("otlp-json"));
    assertThat(formats.formatNameOf("file:/in/messages.jsonl:3"), nullValue());
    assertThat(formats.formatNameOf("file:/in/collectd.jsonl:3"), nullValue());
  }

  @Test
  public void theFlagNamesTopicsOverridesDefaultsAndMatchesMqttWildcards() {
    SourceFormats formats =
        formats("metrics.otlp=otlp-json", "collectd=dctwin", "agents/+/collectd/#=collectd");
    assertThat(formats.formatNameOf("kafka:metrics.otlp"), equalTo("otlp-json"));
    assertThat(formats.formatNameOf("kafka:collectd"), nullValue());
    assertThat(formats.formatNameOf("mqtt:agents/dc1/collectd/node-1/cpu"), equalTo("collectd"));
    assertThat(formats.formatNameOf("mqtt:agents/dc1/telegraf/node-1"), nullValue());
    assertThat(formats.namedTopics(), contains("metrics.otlp", "collectd", "agents/+/collectd/#"));
    assertThat(formats.isAgentTopic("metrics.otlp"), equalTo(true));
    assertThat(formats.isAgentTopic("collectd"), equalTo(false));
  }

  @Test
  public void anUnknownFormatOrAMalformedEntryIsAnError() {
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> formats("x=telegraf"));
    assertThat(
        unknown.getMessage(),
        equalTo(
            "--topicFormats entry 'x=telegraf' is not TOPIC=FORMAT with FORMAT one of collectd,"
                + " otlp-json, dctwin"));
    assertThat(
        assertThrows(IllegalArgumentException.class, () -> formats("collectd")).getMessage(),
        containsString("'collectd' is not TOPIC=FORMAT"));
  }

  @Test
  public void mqttFilters() {
    assertThat(SourceFormats.matchesMqttFilter("a/+/c", "a/b/c"), equalTo(true));
    assertThat(SourceFormats.matchesMqttFilter("a/+/c", "a/b/d"), equalTo(false));
    assertThat(SourceFormats.matchesMqttFilter("a/#", "a/b/c"), equalTo(true));
    assertThat(SourceFormats.matchesMqttFilter("a/+", "a/b/c"), equalTo(false));
    assertThat(SourceFormats.matchesMqttFilter("a/b", "a/b"), equalTo(false));
  }
}

package dev.dctwin.codec.agents;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.codec.InvalidMessageException;
import org.apache.beam.sdk.util.SerializableUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class AgentFormatsTest {
  @Test
  public void knowsTheFormatsOfTheContract() {
    assertThat(
        AgentFormats.names(),
        contains(
            "collectd",
            "telegraf",
            "otlp-proto",
            "otlp-json",
            "prometheus-remote-write",
            "prometheus-json"));
    for (String name : AgentFormats.names()) {
      assertThat(AgentFormats.byName(name).name(), equalTo(name));
    }
  }

  @Test
  public void anUnknownNameListsTheKnownOnes() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AgentFormats.byName("dctwin"));
    assertThat(e.getMessage(), containsString("'dctwin'"));
    assertThat(e.getMessage(), containsString("collectd, telegraf, otlp-proto"));
  }

  @Test
  public void formatsSurviveJavaSerializationAndStillDecode() throws InvalidMessageException {
    for (AgentFormatsBenchmark.Shape shape : AgentFormatsBenchmark.Shape.values()) {
      AgentFormat format = SerializableUtils.clone(AgentFormats.byName(shape.format()));
      byte[] payload = shape.payloads.apply(100).get(0);
      assertThat(
          shape.toString(),
          format.decode(payload),
          equalTo(AgentFormats.byName(shape.format()).decode(payload)));
    }
  }

  /** The benchmark's payloads hold the samples it counts. */
  @Test
  public void everyBenchmarkShapeHoldsItsSamples() throws InvalidMessageException {
    for (AgentFormatsBenchmark.Shape shape : AgentFormatsBenchmark.Shape.values()) {
      AgentFormatsBenchmark.checked(shape, 2_345);
    }
  }
}

package dev.dctwin.codec.agents;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.codec.InvalidMessageException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
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

  /** AGENTS.md documents every format and every canonical name the decoders emit. */
  @Test
  public void agentsMdDocumentsEveryFormatAndCanonicalName() throws Exception {
    String doc = Files.readString(Path.of("AGENTS.md"));
    for (String name : AgentFormats.names()) {
      assertThat(doc, containsString("| `" + name + "` |"));
    }
    for (Field field : Canonical.class.getDeclaredFields()) {
      if (Modifier.isStatic(field.getModifiers())
          && field.getType() == String.class
          && !field.getName().equals("SLAB_PART")) {
        field.setAccessible(true);
        String canonical = (String) field.get(null);
        String leaf = canonical.substring(canonical.indexOf('.') + 1);
        assertThat(
            canonical, doc.contains("`" + canonical + "`") || doc.contains(leaf), equalTo(true));
      }
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

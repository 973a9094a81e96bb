package dev.dctwin.codec.agents;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.MetricSample;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Fixtures and assertions shared by the agent format tests. */
final class AgentTesting {
  private AgentTesting() {}

  /** A fixture of {@code src/test/resources/agents/}. */
  static byte[] fixture(String name) {
    try (InputStream in = AgentTesting.class.getResourceAsStream("/agents/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no fixture " + name);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String fixtureText(String name) {
    return new String(fixture(name), StandardCharsets.UTF_8);
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  static List<AgentSamples> decode(AgentFormat format, byte[] payload) {
    try {
      return format.decode(payload);
    } catch (InvalidMessageException e) {
      throw new AssertionError("rejected as " + e.reason() + ": " + e.getMessage(), e);
    }
  }

  static InvalidMessageException assertRejected(
      AgentFormat format, byte[] payload, DeadLetterReason reason) {
    InvalidMessageException e =
        assertThrows(InvalidMessageException.class, () -> format.decode(payload));
    assertThat(e.getMessage(), e.reason(), equalTo(reason));
    assertThat("one line", e.getMessage().contains("\n"), equalTo(false));
    return e;
  }

  static AgentSamples host(List<AgentSamples> decoded, String host) {
    return decoded.stream()
        .filter(samples -> samples.host().equals(host))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no host "
                        + host
                        + " in "
                        + decoded.stream().map(AgentSamples::host).collect(Collectors.toList())));
  }

  /** The only sample of this name and these labels (all of its labels). */
  static MetricSample sample(AgentSamples samples, String name, Map<String, String> labels) {
    List<MetricSample> found =
        samples.samples().stream()
            .filter(s -> s.name().equals(name) && s.labels().equals(labels))
            .toList();
    if (found.size() != 1) {
      fail(
          found.size()
              + " samples "
              + name
              + labels
              + " among "
              + samples.samples().stream()
                  .map(s -> s.name() + s.labels())
                  .collect(Collectors.joining(", ")));
    }
    return found.get(0);
  }

  static List<MetricSample> named(AgentSamples samples, String name) {
    return samples.samples().stream().filter(s -> s.name().equals(name)).toList();
  }

  static void assertSample(
      AgentSamples samples,
      String name,
      Map<String, String> labels,
      double value,
      long time,
      MetricSample.Kind kind) {
    List<MetricSample> series =
        samples.samples().stream()
            .filter(s -> s.name().equals(name) && s.labels().equals(labels))
            .toList();
    List<MetricSample> atTime = series.stream().filter(s -> s.time() == time).toList();
    if (atTime.size() != 1) {
      fail(
          atTime.size()
              + " samples "
              + name
              + labels
              + " at "
              + time
              + " among "
              + samples.samples().stream()
                  .map(s -> s.name() + s.labels() + "@" + s.time())
                  .collect(Collectors.joining(", ")));
    }
    MetricSample sample = atTime.get(0);
    assertThat(name + labels + " value", sample.value(), equalTo(value));
    assertThat(name + labels + " kind", sample.kind(), equalTo(kind));
  }

  /** {@code text} with one byte replaced by a UTF-8 continuation byte that starts no character. */
  static byte[] withInvalidUtf8(String text, String inside) {
    byte[] bytes = utf8(text);
    int at = text.indexOf(inside);
    if (at < 0) {
      throw new IllegalArgumentException(inside + " not in the text");
    }
    bytes[utf8(text.substring(0, at)).length] = (byte) 0x80;
    return bytes;
  }
}

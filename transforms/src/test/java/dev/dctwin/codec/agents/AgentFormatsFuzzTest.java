package dev.dctwin.codec.agents;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.MetricSample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;
import org.xerial.snappy.Snappy;

/**
 * Randomly damaged payloads of every agent format, after the kinds of damage real transports and
 * daemons do: each decodes or fails with {@link InvalidMessageException}, never anything else, and
 * what decodes keeps the limits every format promises.
 */
@RunWith(JUnit4.class)
public class AgentFormatsFuzzTest {
  private static final int INPUTS_PER_FORMAT = 5_000;
  private static final long SEED = 20261121L;

  @Test
  public void collectd() throws IOException {
    fuzz("collectd", textSeeds("collectd-write-http.json", AgentPayloads.collectdBatches(200)));
  }

  @Test
  public void telegraf() throws IOException {
    fuzz(
        "telegraf",
        textSeeds(
            "telegraf-inputs.json",
            "telegraf-bmc.json",
            "telegraf-readme-single.json",
            AgentPayloads.telegrafBatches(200)));
  }

  @Test
  public void otlpJson() throws IOException {
    fuzz("otlp-json", textSeeds("otlp-hostmetrics.json", AgentPayloads.otlpJson(200)));
  }

  @Test
  public void prometheusJson() throws IOException {
    fuzz(
        "prometheus-json",
        textSeeds("prometheus-json-node.json", AgentPayloads.prometheusJson(20)));
  }

  @Test
  public void otlpProto() throws IOException {
    fuzz("otlp-proto", binarySeeds(AgentPayloads.otlpProto(300), false));
  }

  @Test
  public void prometheusRemoteWrite() throws IOException {
    fuzz("prometheus-remote-write", binarySeeds(AgentPayloads.prometheusRemoteWrite(300), true));
  }

  private record Seeds(List<byte[]> payloads, boolean text, boolean snappy) {}

  private static Seeds textSeeds(Object... fixturesThenPayloads) {
    List<byte[]> payloads = new ArrayList<>();
    for (Object seed : fixturesThenPayloads) {
      if (seed instanceof String fixture) {
        payloads.add(AgentTesting.fixture(fixture));
      } else {
        @SuppressWarnings("unchecked")
        List<byte[]> generated = (List<byte[]>) seed;
        payloads.addAll(generated.subList(0, Math.min(5, generated.size())));
      }
    }
    return new Seeds(payloads, true, false);
  }

  private static Seeds binarySeeds(List<byte[]> payloads, boolean snappy) {
    return new Seeds(payloads, false, snappy);
  }

  private void fuzz(String name, Seeds seeds) throws IOException {
    AgentFormat format = AgentFormats.byName(name);
    Map<DeadLetterReason, Integer> reasons = new EnumMap<>(DeadLetterReason.class);
    int decoded = 0;
    for (int i = 0; i < INPUTS_PER_FORMAT; i++) {
      Random random = new Random(SEED + i);
      byte[] seed = seeds.payloads().get(random.nextInt(seeds.payloads().size()));
      byte[] input;
      if (seeds.snappy()) {
        byte[] raw = Snappy.uncompress(seed);
        input =
            random.nextInt(4) == 0
                ? mutate(seed, false, random)
                : Snappy.compress(mutate(raw, false, random));
      } else {
        input = mutate(seed, seeds.text(), random);
      }
      try {
        List<AgentSamples> hosts = format.decode(input);
        decoded++;
        for (AgentSamples host : hosts) {
          assertBounded(name, i, host);
        }
      } catch (InvalidMessageException e) {
        reasons.merge(e.reason(), 1, Integer::sum);
        if (e.getMessage() == null || e.getMessage().contains("\n")) {
          throw new AssertionError(name + " input " + i + ": detail is not one line", e);
        }
      } catch (RuntimeException | Error e) {
        throw new AssertionError(name + " input " + i + " escaped as " + e, e);
      }
    }
    // Both outcomes occur, and the rejections have more than one reason.
    assertThat(name + " decoded " + reasons, decoded, greaterThan(INPUTS_PER_FORMAT / 20));
    assertThat(
        name + " rejected " + reasons,
        INPUTS_PER_FORMAT - decoded,
        greaterThan(INPUTS_PER_FORMAT / 5));
    assertThat(name + " reasons " + reasons, reasons.size(), greaterThan(1));
  }

  private static void assertBounded(String format, int input, AgentSamples host) {
    String where = format + " input " + input + " host " + host.host();
    assertThat(where, host.host().length(), lessThanOrEqualTo(SampleBatch.MAX_STRING_LENGTH));
    assertThat(where, host.samples().size(), greaterThan(0));
    for (MetricSample sample : host.samples()) {
      assertThat(where, sample.name().length(), lessThanOrEqualTo(SampleBatch.MAX_STRING_LENGTH));
      assertThat(where, Double.isFinite(sample.value()), org.hamcrest.Matchers.is(true));
      assertThat(where, sample.time(), greaterThan(SampleBatch.MIN_TIME_MS - 1));
      assertThat(where, sample.time(), lessThanOrEqualTo(SampleBatch.MAX_TIME_MS));
      assertThat(where, sample.time(), lessThanOrEqualTo(host.eventTime()));
      assertThat(where, sample.labels().size(), lessThanOrEqualTo(SampleBatch.MAX_LABELS));
    }
  }

  private static final Pattern NUMBER = Pattern.compile("(?<=[:\\[,])-?[0-9][0-9.eE+-]*");

  static byte[] mutate(byte[] seed, boolean text, Random random) {
    String json = text ? new String(seed, StandardCharsets.UTF_8) : null;
    int kind = random.nextInt(text ? 12 : 6);
    return switch (kind) {
      case 0 -> seed.clone();
      case 1 -> java.util.Arrays.copyOf(seed, random.nextInt(seed.length + 1));
      case 2 -> flip(seed.clone(), random);
      case 3 -> junk(1 + random.nextInt(256), random);
      case 4 -> {
        byte[] bytes = seed.clone();
        if (bytes.length > 0) {
          bytes[random.nextInt(bytes.length)] = (byte) (0x80 | random.nextInt(0x40));
        }
        yield bytes;
      }
      case 5 -> {
        // A slice out of the middle, as a lost packet of a stream would leave it.
        int from = random.nextInt(seed.length + 1);
        int to = from + random.nextInt(seed.length - from + 1);
        byte[] bytes = new byte[seed.length - (to - from)];
        System.arraycopy(seed, 0, bytes, 0, from);
        System.arraycopy(seed, to, bytes, from, seed.length - to);
        yield bytes;
      }
      case 6 -> replaceNumber(json, "\"" + random.nextInt(100) + "\"", random);
      case 7 -> replaceNumber(json, random.nextBoolean() ? "1e999" : "-1e999", random);
      case 8 -> replaceNumber(json, "9".repeat(1 + random.nextInt(400)), random);
      case 9 -> replaceNumber(json, random.nextBoolean() ? "null" : "[1,{\"a\":[]}]", random);
      case 10 -> {
        int depth = 1 + random.nextInt(3_000);
        String open = random.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        yield replaceNumber(json, open.repeat(depth) + "1" + close.repeat(depth), random);
      }
      default -> replaceNumber(json, String.valueOf(random.nextLong()), random);
    };
  }

  private static byte[] replaceNumber(String json, String replacement, Random random) {
    Matcher matcher = NUMBER.matcher(json);
    List<int[]> spans = new ArrayList<>();
    while (matcher.find()) {
      spans.add(new int[] {matcher.start(), matcher.end()});
    }
    if (spans.isEmpty()) {
      return json.getBytes(StandardCharsets.UTF_8);
    }
    int[] span = spans.get(random.nextInt(spans.size()));
    return (json.substring(0, span[0]) + replacement + json.substring(span[1]))
        .getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] flip(byte[] bytes, Random random) {
    for (int flips = 1 + random.nextInt(4); flips > 0 && bytes.length > 0; flips--) {
      bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
    }
    return bytes;
  }

  private static byte[] junk(int length, Random random) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}

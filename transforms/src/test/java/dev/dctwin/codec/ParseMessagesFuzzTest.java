package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.PayloadCut;
import dev.dctwin.domain.RawMessage;
import dev.dctwin.domain.SampleMessages;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.junit.BeforeClass;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * 100,000 randomly mutated messages through {@link ParseMessages} on the DirectRunner: nothing
 * escapes as an exception, and every input comes out exactly once, as a message or a dead letter.
 */
@RunWith(JUnit4.class)
public class ParseMessagesFuzzTest {
  private static final int INPUTS = 100_000;
  private static final long SEED = 20261121L;

  private static Set<String> expectedDeadSources;
  private static long expectedValid;

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /**
   * Received after the last valid event time (2100-01-01), so that no input is from the future: the
   * fuzz is about the codec, {@code HostileInputTest} about the clock.
   */
  private static final long RECEIVED_AT = JsonFields.MAX_TIME_MS;

  /** The i-th fuzz input; regenerated wherever needed so that no stage holds all of them. */
  static RawMessage input(long index) {
    return new RawMessage(
        "fuzz:" + index, new MessageFuzzer(new Random(SEED + index)).next(), RECEIVED_AT + index);
  }

  @BeforeClass
  public static void computeExpectations() {
    WireCodec codec = WireCodec.withDefaults();
    expectedDeadSources = new HashSet<>();
    for (long i = 0; i < INPUTS; i++) {
      RawMessage raw = input(i);
      try {
        codec.decode(raw.payload(), null);
        expectedValid++;
      } catch (InvalidMessageException e) {
        expectedDeadSources.add(raw.source());
      }
    }
  }

  @Test
  public void theFuzzCorpusExercisesBothOutcomes() {
    assertThat(expectedValid, greaterThan(1_000L));
    assertThat((long) expectedDeadSources.size(), greaterThan(50_000L));
  }

  @Test
  public void everyInputComesOutExactlyOnce() {
    PCollectionTuple parsed =
        pipeline
            .apply(GenerateSequence.from(0).to(INPUTS))
            .apply(
                "Fuzz",
                MapElements.into(TypeDescriptor.of(RawMessage.class))
                    .via(ParseMessagesFuzzTest::input))
            .setCoder(RawMessageCoder.of())
            .apply(ParseMessages.create());
    PCollection<Message> messages = parsed.get(ParseMessages.MESSAGES);
    PCollection<DeadLetter> dead = parsed.get(ParseMessages.DEAD_LETTERS);

    PAssert.thatSingleton(messages.apply("CountMessages", Count.globally()))
        .isEqualTo(expectedValid);
    PAssert.that(
            dead.apply(
                "DeadSources", MapElements.into(TypeDescriptors.strings()).via(DeadLetter::source)))
        .satisfies(
            sources -> {
              List<String> all = new ArrayList<>();
              sources.forEach(all::add);
              assertThat("no duplicates", new HashSet<>(all).size(), equalTo(all.size()));
              assertThat(new HashSet<>(all), equalTo(expectedDeadSources));
              return null;
            });
    PAssert.that(
            dead.apply(
                "PayloadsNotKeptExactly",
                Filter.by((DeadLetter letter) -> !keepsItsPayload(letter))))
        .empty();
    pipeline.run().waitUntilFinish();
  }

  /**
   * Whether a letter keeps its input's first bytes exactly (all of them up to the dead letters'
   * bound) and the whole input's length and hash.
   */
  private static boolean keepsItsPayload(DeadLetter letter) {
    byte[] payload = input(Long.parseLong(letter.source().substring("fuzz:".length()))).payload();
    return Arrays.equals(
            letter.payload(),
            Arrays.copyOf(payload, Math.min(payload.length, DeadLetter.DEFAULT_MAX_KEPT_BYTES)))
        && letter.payloadLength() == payload.length
        && letter.payloadSha256().equals(PayloadCut.sha256Hex(payload));
  }

  /** Mutations of valid messages after the kinds of damage real transports and daemons do. */
  static final class MessageFuzzer {
    private static final List<String> SEEDS =
        SampleMessages.oneOfEach().stream().map(WireCodec.withDefaults()::encodeToString).toList();
    private final Random random;

    MessageFuzzer(Random random) {
      this.random = random;
    }

    byte[] next() {
      String seed = SEEDS.get(random.nextInt(SEEDS.size()));
      return switch (random.nextInt(12)) {
        case 0 -> seed.getBytes(StandardCharsets.UTF_8);
        case 1 -> truncate(seed);
        case 2 -> replaceNumber(seed, "\"" + random.nextInt(100) + "\"");
        case 3 -> replaceNumber(seed, random.nextBoolean() ? "1e999" : "-1e999");
        case 4 -> replaceNumber(seed, random.nextBoolean() ? "NaN" : "Infinity");
        case 5 -> replaceNumber(seed, "9".repeat(1 + random.nextInt(400)));
        case 6 -> junk(1 + random.nextInt(256));
        case 7 -> invalidUtf8(seed);
        case 8 -> deepNesting(1 + random.nextInt(2_000));
        case 9 -> flipBytes(seed.getBytes(StandardCharsets.UTF_8));
        case 10 -> replaceNumber(seed, random.nextBoolean() ? "null" : "[1,{\"a\":[]}]");
        default ->
            random.nextInt(200) == 0
                ? hugePayload()
                : seed.replaceFirst(
                        "\"type\":\"[a-z_]+\"", "\"type\":\"x" + random.nextInt(9) + "\"")
                    .getBytes(StandardCharsets.UTF_8);
      };
    }

    private byte[] truncate(String seed) {
      return seed.substring(0, random.nextInt(seed.length())).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] replaceNumber(String seed, String replacement) {
      var matcher = java.util.regex.Pattern.compile(":(-?[0-9][0-9.eE+-]*)").matcher(seed);
      List<int[]> spans = new ArrayList<>();
      while (matcher.find()) {
        spans.add(new int[] {matcher.start(1), matcher.end(1)});
      }
      if (spans.isEmpty()) {
        return seed.getBytes(StandardCharsets.UTF_8);
      }
      int[] span = spans.get(random.nextInt(spans.size()));
      return (seed.substring(0, span[0]) + replacement + seed.substring(span[1]))
          .getBytes(StandardCharsets.UTF_8);
    }

    private byte[] junk(int length) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      return bytes;
    }

    private byte[] invalidUtf8(String seed) {
      byte[] bytes = seed.getBytes(StandardCharsets.UTF_8);
      bytes[random.nextInt(bytes.length)] = (byte) (0x80 | random.nextInt(0x40));
      return bytes;
    }

    private byte[] deepNesting(int depth) {
      String open = random.nextBoolean() ? "[" : "{\"a\":";
      String close = open.equals("[") ? "]" : "}";
      return (open.repeat(depth) + "1" + close.repeat(depth)).getBytes(StandardCharsets.UTF_8);
    }

    private byte[] flipBytes(byte[] bytes) {
      for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      return bytes;
    }

    private byte[] hugePayload() {
      return ("{\"type\":\"metrics\",\"pad\":\"" + "x".repeat(1 << 20) + "\"}")
          .getBytes(StandardCharsets.UTF_8);
    }
  }
}

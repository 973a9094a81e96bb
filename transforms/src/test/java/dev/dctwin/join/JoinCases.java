package dev.dctwin.join;

import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.JoinOracle.Pair;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import dev.dctwin.join.OrderedTimeSeriesJoin.Side;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Random join cases for pipelines: many cases share one input stream, each under its own key, so
 * that one pipeline run checks them all.
 *
 * <p>An input element is {@code KV(key, value)}; a value starting with {@code l} is a LEFT record,
 * with {@code r} a RIGHT one, numbered by its position in its series ({@code l0007}). Numbers are
 * zero-padded so that their encoded order is their series order: the event-time mode takes records
 * with equal time and side in encoded order. Each joined pair becomes {@code key|l0007|r0003}.
 */
final class JoinCases {
  /** The tolerances the random cases use; one join per tolerance. */
  static final List<Long> DELTAS = Arrays.asList(null, 0L, 3L, 10L);

  private JoinCases() {}

  /** One case: two series, a tolerance or none, and the order in which their records arrive. */
  record JoinCase(String key, long[] left, long[] right, Long delta, List<Side> order) {
    List<String> expectedPairs() {
      List<String> pairs = new ArrayList<>();
      for (Pair pair : JoinOracle.join(left, right, delta)) {
        pairs.add(key + "|" + leftValue(pair.left()) + "|" + rightValue(pair.right()));
      }
      return pairs;
    }

    String describe() {
      return key
          + ": left "
          + Arrays.toString(left)
          + " right "
          + Arrays.toString(right)
          + " delta "
          + delta
          + " order "
          + order.stream().map(side -> side == Side.LEFT ? "L" : "R").collect(Collectors.joining());
    }
  }

  static String leftValue(int index) {
    return String.format("l%04d", index);
  }

  static String rightValue(int index) {
    return String.format("r%04d", index);
  }

  /**
   * Per seed, one random case played in several orders: in time order, and random interleavings of
   * the two series, fine-grained or in bursts.
   */
  static List<JoinCase> randomCases(long firstSeed, int seeds, int randomOrders) {
    List<JoinCase> cases = new ArrayList<>();
    for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
      Random random = new Random(seed);
      long[] left = JoinBufferPropertyTest.randomSeries(random);
      long[] right =
          random.nextInt(4) == 0
              ? JoinBufferPropertyTest.sameGrid(random, left)
              : JoinBufferPropertyTest.randomSeries(random);
      Long delta = DELTAS.get(random.nextInt(DELTAS.size()));
      List<List<Side>> orders = new ArrayList<>();
      orders.add(sides(JoinBufferPropertyTest.mergedByTime(random, left, right)));
      for (int i = 0; i < randomOrders; i++) {
        orders.add(
            sides(JoinBufferPropertyTest.randomInterleaving(random, left.length, right.length)));
      }
      for (int i = 0; i < orders.size(); i++) {
        cases.add(
            new JoinCase(
                "d" + delta + "/seed" + seed + "/order" + i, left, right, delta, orders.get(i)));
      }
    }
    return cases;
  }

  /**
   * All cases in one stream, played side by side: each step takes the next few records of every
   * case, in the case's order, and then perhaps advances the watermark, never past a record still
   * to come.
   */
  static TestStream<KV<String, String>> stream(List<JoinCase> cases, long seed) {
    Random random = new Random(seed);
    TestStream.Builder<KV<String, String>> stream =
        TestStream.create(KvCoder.of(StringUtf8Coder.of(), StringUtf8Coder.of()));
    int[] played = new int[cases.size()];
    int[] nextLeft = new int[cases.size()];
    int[] nextRight = new int[cases.size()];
    long watermark = Long.MIN_VALUE;
    boolean more = true;
    while (more) {
      List<TimestampedValue<KV<String, String>>> step = new ArrayList<>();
      for (int c = 0; c < cases.size(); c++) {
        JoinCase joinCase = cases.get(c);
        int burst = 1 + random.nextInt(4);
        for (int i = 0; i < burst && played[c] < joinCase.order().size(); i++, played[c]++) {
          if (joinCase.order().get(played[c]) == Side.LEFT) {
            step.add(record(joinCase.key(), leftValue(nextLeft[c]), joinCase.left()[nextLeft[c]]));
            nextLeft[c]++;
          } else {
            step.add(
                record(joinCase.key(), rightValue(nextRight[c]), joinCase.right()[nextRight[c]]));
            nextRight[c]++;
          }
        }
      }
      stream = flush(stream, step);
      long limit = Long.MAX_VALUE;
      for (int c = 0; c < cases.size(); c++) {
        limit = Math.min(limit, nextTime(cases.get(c), nextLeft[c], nextRight[c]));
      }
      more = limit != Long.MAX_VALUE;
      long low = Math.max(watermark, limit - 40);
      if (more && limit > low && random.nextInt(3) > 0) {
        watermark = low + 1 + random.nextInt((int) (limit - low));
        stream = stream.advanceWatermarkTo(new Instant(watermark));
      }
    }
    return stream.advanceWatermarkToInfinity();
  }

  /** The records of all cases, with their times, in no particular order. */
  static List<TimestampedValue<KV<String, String>>> records(List<JoinCase> cases) {
    List<TimestampedValue<KV<String, String>>> records = new ArrayList<>();
    for (JoinCase joinCase : cases) {
      for (int i = 0; i < joinCase.left().length; i++) {
        records.add(record(joinCase.key(), leftValue(i), joinCase.left()[i]));
      }
      for (int i = 0; i < joinCase.right().length; i++) {
        records.add(record(joinCase.key(), rightValue(i), joinCase.right()[i]));
      }
    }
    return records;
  }

  /** The time of the case's next record, {@link Long#MAX_VALUE} once all are played. */
  private static long nextTime(JoinCase joinCase, int nextLeft, int nextRight) {
    long next = Long.MAX_VALUE;
    if (nextLeft < joinCase.left().length) {
      next = Math.min(next, joinCase.left()[nextLeft]);
    }
    if (nextRight < joinCase.right().length) {
      next = Math.min(next, joinCase.right()[nextRight]);
    }
    return next;
  }

  private static TestStream.Builder<KV<String, String>> flush(
      TestStream.Builder<KV<String, String>> stream,
      List<TimestampedValue<KV<String, String>>> segment) {
    if (segment.isEmpty()) {
      return stream;
    }
    @SuppressWarnings("unchecked")
    TimestampedValue<KV<String, String>>[] elements = segment.toArray(new TimestampedValue[0]);
    segment.clear();
    return stream.addElements(elements[0], Arrays.copyOfRange(elements, 1, elements.length));
  }

  static TimestampedValue<KV<String, String>> record(String key, String value, long t) {
    return TimestampedValue.of(KV.of(key, value), new Instant(t));
  }

  private static List<Side> sides(List<JoinBufferPropertyTest.Side> order) {
    return order.stream()
        .map(side -> side == JoinBufferPropertyTest.Side.LEFT ? Side.LEFT : Side.RIGHT)
        .toList();
  }

  /** The records of the cases with {@code delta}, joined with it; see {@link #join}. */
  static PTransform<PCollection<KV<String, String>>, JoinResult<String, String, String>>
      joinCasesWithDelta(Mode mode, Long delta) {
    return new PTransform<>() {
      @Override
      public JoinResult<String, String, String> expand(PCollection<KV<String, String>> records) {
        String prefix = "d" + delta + "/";
        return records
            .apply("Cases", Filter.by(record -> record.getKey().startsWith(prefix)))
            .apply("Join", join(mode, delta));
      }
    };
  }

  /**
   * Joins records in {@code mode} (the default if null) with {@code delta}; each pair as {@code
   * key|left|right}.
   */
  static PTransform<PCollection<KV<String, String>>, JoinResult<String, String, String>> join(
      Mode mode, Long delta) {
    return new PTransform<>() {
      @Override
      public JoinResult<String, String, String> expand(PCollection<KV<String, String>> records) {
        OrderedTimeSeriesJoin<String, String, String> join =
            OrderedTimeSeriesJoin.into(TypeDescriptors.strings())
                .via(
                    (String key, Entry<String> left, Entry<String> right) ->
                        key + "|" + left.value() + "|" + right.value())
                .withMode(mode);
        if (delta != null) {
          join = join.withDelta(Duration.millis(delta));
        }
        return JoinInputs.of(
                records.apply("Left", Filter.by(record -> record.getValue().startsWith("l"))),
                records.apply("Right", Filter.by(record -> record.getValue().startsWith("r"))))
            .apply("Join", join);
      }
    };
  }

  /**
   * Checks a join's output against the oracle, case by case, each pair exactly once; reports the
   * first differing case in full.
   */
  static SerializableFunction<Iterable<String>, Void> matchesOracle(List<JoinCase> cases) {
    Map<String, List<String>> expected = new HashMap<>();
    Map<String, String> descriptions = new HashMap<>();
    for (JoinCase joinCase : cases) {
      expected.put(joinCase.key(), sorted(joinCase.expectedPairs()));
      descriptions.put(joinCase.key(), joinCase.describe());
    }
    return new OracleCheck(expected, descriptions);
  }

  private static List<String> sorted(List<String> pairs) {
    List<String> copy = new ArrayList<>(pairs);
    copy.sort(null);
    return copy;
  }

  private record OracleCheck(Map<String, List<String>> expected, Map<String, String> descriptions)
      implements SerializableFunction<Iterable<String>, Void>, Serializable {
    @Override
    public Void apply(Iterable<String> output) {
      Map<String, List<String>> actual = new TreeMap<>();
      for (String pair : output) {
        actual
            .computeIfAbsent(pair.substring(0, pair.indexOf('|')), k -> new ArrayList<>())
            .add(pair);
      }
      for (String key : new java.util.TreeSet<>(expected.keySet())) {
        List<String> got = sorted(actual.getOrDefault(key, List.of()));
        if (!got.equals(expected.get(key))) {
          throw new AssertionError(
              descriptions.get(key) + "\n expected " + expected.get(key) + "\n but got  " + got);
        }
      }
      actual.keySet().removeAll(expected.keySet());
      if (!actual.isEmpty()) {
        throw new AssertionError("pairs of unknown cases: " + actual);
      }
      return null;
    }
  }
}

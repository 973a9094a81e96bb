package dev.dctwin.pipeline.join;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.pipeline.join.BruteForceJoin.Pair;
import dev.dctwin.pipeline.join.BruteForceJoin.Point;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The {@code join} and {@code machine-power} subcommands end to end, through {@code Main.run}, on
 * small files whose expected output a brute-force join computes here, and on the shared machine
 * data.
 */
@RunWith(JUnit4.class)
public class JoinCommandsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long T0 = 1_554_096_380_000L;
  private static final Path SHARED_MACHINE_DATA =
      Path.of("src", "test", "resources", "machine-data", "machine-events.jsonl");

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  @Test
  public void joinWritesTheJoinSetOfTheTimeSortedSeriesAndDeadLetters() throws Exception {
    Random random = new Random(11);
    List<ObjectNode> measurements = randomMeasurements(random);
    List<String> lines = new ArrayList<>();
    measurements.forEach(m -> lines.add(m.toString()));
    lines.add("{not json");
    lines.add("{\"thing\":\"m1\",\"quantity\":\"torque\",\"phenomenonTime\":" + T0 + "}");
    lines.add("{\"thing\":\"m1\",\"quantity\":\"torque\",\"phenomenonTime\":5,\"result\":1.0}");
    Collections.shuffle(lines, random);
    Path input = write("measurements.jsonl", lines);
    Path output = folder.getRoot().toPath().resolve("pairs.jsonl");
    Path deadLetters = folder.getRoot().toPath().resolve("dead.jsonl");

    String summary =
        runMain(
            "join",
            "--input=" + input,
            "--left=torque",
            "--right=speed",
            "--output=" + output,
            "--deadLettersOut=" + deadLetters);

    List<String> expected = expectedPairs(measurements, "torque", "speed", null);
    assertThat(pairsIn(output), containsInAnyOrder(expected.toArray()));
    assertThat(
        reasonsIn(deadLetters),
        containsInAnyOrder(
            DeadLetterReason.NOT_JSON,
            DeadLetterReason.MISSING_FIELD,
            DeadLetterReason.TIMESTAMP_OUT_OF_RANGE));
    assertThat(
        summary,
        equalTo(
            String.format(
                "join: %d records read, %d pairs written to %s, 3 dead letters written to %s%n",
                lines.size(), expected.size(), output, deadLetters)));
    JsonNode first = JSON.readTree(Files.readAllLines(output).get(0));
    assertThat(fieldNames(first), contains("thing", "left", "right"));
    assertThat(fieldNames(first.get("left")), contains("quantity", "phenomenonTime", "result"));
  }

  /** In arrival order (the file is in time order) and with a tolerance. */
  @Test
  public void joinInArrivalOrderWithATolerance() throws Exception {
    List<ObjectNode> measurements = randomMeasurements(new Random(12));
    List<ObjectNode> inTimeOrder = new ArrayList<>(measurements);
    inTimeOrder.sort((a, b) -> Long.compare(time(a), time(b)));
    Path input = write("in-order.jsonl", inTimeOrder.stream().map(ObjectNode::toString).toList());
    Path output = folder.getRoot().toPath().resolve("pairs.jsonl");
    Path deadLetters = folder.getRoot().toPath().resolve("dead.jsonl");

    runMain(
        "join",
        "--input=" + input,
        "--left=speed",
        "--right=torque",
        "--deltaMs=700",
        "--mode=arrival-order",
        "--output=" + output,
        "--deadLettersOut=" + deadLetters);

    List<String> expected = expectedPairs(measurements, "speed", "torque", 700L);
    assertThat(pairsIn(output), containsInAnyOrder(expected.toArray()));
    assertThat(Files.readAllLines(deadLetters), equalTo(List.of()));
  }

  @Test
  public void machinePowerJoinsTorqueWithSpeedPerMachineAndAxis() throws Exception {
    Random random = new Random(21);
    List<ObjectNode> rows = randomMachineRows(random);
    List<String> lines = new ArrayList<>();
    rows.forEach(row -> lines.add(row.toString()));
    lines.add("{\"Timestamp\":" + T0 + ",\"vaTorque_C11\":1.0}");
    lines.add("{\"Thing\":\"R1\",\"Timestamp\":" + T0 + ",\"vaTorque_C11\":\"high\"}");
    lines.add("{\"Thing\":\"R1\",\"Timestamp\":\"noon\",\"vaTorque_C11\":1.0}");
    lines.add("[1, 2]");
    Collections.shuffle(lines, random);
    Path input = write("machine.jsonl", lines);
    Path output = folder.getRoot().toPath().resolve("power.jsonl");
    Path deadLetters = folder.getRoot().toPath().resolve("dead.jsonl");

    String summary =
        runMain(
            "machine-power",
            "--input=" + input,
            "--output=" + output,
            "--deadLettersOut=" + deadLetters);

    List<String> expected = expectedReadings(rows);
    assertThat(readingsIn(output), containsInAnyOrder(expected.toArray()));
    assertThat(
        reasonsIn(deadLetters),
        containsInAnyOrder(
            DeadLetterReason.MISSING_FIELD,
            DeadLetterReason.WRONG_TYPE,
            DeadLetterReason.WRONG_TYPE,
            DeadLetterReason.WRONG_TYPE));
    long measurementCount =
        rows.stream().mapToLong(row -> row.size() - (row.has("id") ? 3 : 2)).sum();
    assertThat(
        summary,
        equalTo(
            String.format(
                "machine-power: %d rows read (%d measurements), %d power readings written to %s,"
                    + " 4 dead letters written to %s%n",
                lines.size(), measurementCount, expected.size(), output, deadLetters)));
  }

  /** The shared machine data is out of time order within each series: event time sorts it out. */
  @Test
  public void machinePowerOnTheSharedMachineDataMatchesTheBruteForceJoin() throws Exception {
    List<ObjectNode> rows = new ArrayList<>();
    for (String line : Files.readAllLines(SHARED_MACHINE_DATA)) {
      rows.add((ObjectNode) JSON.readTree(line));
    }
    Path output = folder.getRoot().toPath().resolve("power.jsonl");
    Path deadLetters = folder.getRoot().toPath().resolve("dead.jsonl");

    String summary =
        runMain(
            "machine-power",
            "--input=" + SHARED_MACHINE_DATA,
            "--output=" + output,
            "--deadLettersOut=" + deadLetters);

    List<String> expected = expectedReadings(rows);
    assertThat(expected.size(), greaterThan(1000));
    List<String> readings = readingsIn(output);
    assertThat(readings.size(), equalTo(expected.size()));
    assertThat(new HashSet<>(readings), equalTo(new HashSet<>(expected)));
    assertThat(Files.readAllLines(deadLetters), equalTo(List.of()));
    assertThat(summary.startsWith("machine-power: 5000 rows read"), equalTo(true));
  }

  /** {@code Main.run} is package-private in {@code dev.dctwin.pipeline}. */
  private static String runMain(String... args) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Method run =
        Class.forName("dev.dctwin.pipeline.Main")
            .getDeclaredMethod("run", String[].class, PrintStream.class, PrintStream.class);
    run.setAccessible(true);
    int code =
        (int)
            run.invoke(
                null,
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(err.toString(StandardCharsets.UTF_8), code, equalTo(0));
    return out.toString(StandardCharsets.UTF_8);
  }

  /**
   * Measurements of two things, three quantities, each series with distinct times (ties across
   * series on purpose), some times as ISO-8601 strings.
   */
  private static List<ObjectNode> randomMeasurements(Random random) {
    List<ObjectNode> measurements = new ArrayList<>();
    for (String thing : List.of("m1", "m2")) {
      for (String quantity : List.of("torque", "speed", "load")) {
        Set<Long> times = new HashSet<>();
        int count = 5 + random.nextInt(20);
        while (times.size() < count) {
          times.add(T0 + 100L * random.nextInt(60));
        }
        for (long t : times) {
          ObjectNode m = JSON.createObjectNode();
          m.put("thing", thing);
          m.put("quantity", quantity);
          if (random.nextInt(5) == 0) {
            m.put("phenomenonTime", java.time.Instant.ofEpochMilli(t).toString());
          } else {
            m.put("phenomenonTime", t);
          }
          m.put("result", Math.round(random.nextGaussian() * 1000) / 100.0);
          measurements.add(m);
        }
      }
    }
    return measurements;
  }

  private static long time(JsonNode measurement) {
    JsonNode t = measurement.get("phenomenonTime");
    return t.isTextual() ? java.time.Instant.parse(t.textValue()).toEpochMilli() : t.longValue();
  }

  /** As {@code thing|lq|lt|lr|rq|rt|rr}. */
  private static List<String> expectedPairs(
      List<ObjectNode> measurements, String leftQuantity, String rightQuantity, Long delta) {
    List<String> pairs = new ArrayList<>();
    for (String thing : List.of("m1", "m2")) {
      List<Point<JsonNode>> left = series(measurements, thing, leftQuantity);
      List<Point<JsonNode>> right = series(measurements, thing, rightQuantity);
      for (Pair pair : BruteForceJoin.join(left, right, delta)) {
        Point<JsonNode> l = left.get(pair.left());
        Point<JsonNode> r = right.get(pair.right());
        pairs.add(
            String.join(
                "|",
                thing,
                leftQuantity,
                Long.toString(l.t()),
                Double.toString(l.value().get("result").doubleValue()),
                rightQuantity,
                Long.toString(r.t()),
                Double.toString(r.value().get("result").doubleValue())));
      }
    }
    return pairs;
  }

  private static List<Point<JsonNode>> series(
      List<ObjectNode> measurements, String thing, String quantity) {
    List<Point<JsonNode>> series = new ArrayList<>();
    for (ObjectNode m : measurements) {
      if (m.get("thing").textValue().equals(thing)
          && m.get("quantity").textValue().equals(quantity)) {
        series.add(new Point<>(time(m), m));
      }
    }
    return BruteForceJoin.sortedByTime(series);
  }

  private static List<String> pairsIn(Path output) throws Exception {
    List<String> pairs = new ArrayList<>();
    for (String line : Files.readAllLines(output)) {
      JsonNode pair = JSON.readTree(line);
      JsonNode l = pair.get("left");
      JsonNode r = pair.get("right");
      pairs.add(
          String.join(
              "|",
              pair.get("thing").textValue(),
              l.get("quantity").textValue(),
              Long.toString(l.get("phenomenonTime").longValue()),
              Double.toString(l.get("result").doubleValue()),
              r.get("quantity").textValue(),
              Long.toString(r.get("phenomenonTime").longValue()),
              Double.toString(r.get("result").doubleValue())));
    }
    return pairs;
  }

  /** Rows of two machines, two axes, distinct times per machine, each quantity present or not. */
  private static List<ObjectNode> randomMachineRows(Random random) {
    List<ObjectNode> rows = new ArrayList<>();
    for (String thing : List.of("R1", "R2")) {
      Set<Long> times = new HashSet<>();
      while (times.size() < 40) {
        times.add(T0 + 1000L * random.nextInt(200));
      }
      for (long t : times) {
        ObjectNode row = JSON.createObjectNode();
        row.put("Thing", thing);
        row.put("Timestamp", t);
        for (String quantity :
            List.of("vaTorque_C11", "actSpeed_C11", "vaTorque_C12", "actSpeed_C12", "vaLoad_C11")) {
          if (random.nextInt(3) > 0) {
            row.put(quantity, Math.round(random.nextGaussian() * 10000) / 100.0);
          }
        }
        if (random.nextBoolean()) {
          row.put("id", "row-" + thing + "-" + t);
        }
        rows.add(row);
      }
    }
    return rows;
  }

  /**
   * As {@code thing|axis|torqueTime|torque|speedTime|speed|power}, power to 9 significant digits.
   */
  private static List<String> expectedReadings(List<ObjectNode> rows) {
    Map<String, List<Point<Double>>> series = new TreeMap<>();
    Pattern quantity = Pattern.compile("(vaTorque|actSpeed)_(C\\d+)");
    for (ObjectNode row : rows) {
      for (Iterator<Map.Entry<String, JsonNode>> fields = row.fields(); fields.hasNext(); ) {
        Map.Entry<String, JsonNode> field = fields.next();
        Matcher matcher = quantity.matcher(field.getKey());
        if (matcher.matches()) {
          String key =
              row.get("Thing").textValue() + "|" + matcher.group(2) + "|" + matcher.group(1);
          series
              .computeIfAbsent(key, k -> new ArrayList<>())
              .add(new Point<>(row.get("Timestamp").longValue(), field.getValue().doubleValue()));
        }
      }
    }
    List<String> readings = new ArrayList<>();
    for (String key : series.keySet()) {
      if (!key.endsWith("|vaTorque")) {
        continue;
      }
      String thingAndAxis = key.substring(0, key.length() - "|vaTorque".length());
      List<Point<Double>> torque = BruteForceJoin.sortedByTime(series.get(key));
      List<Point<Double>> speed =
          BruteForceJoin.sortedByTime(series.getOrDefault(thingAndAxis + "|actSpeed", List.of()));
      for (Pair pair : BruteForceJoin.join(torque, speed, null)) {
        Point<Double> t = torque.get(pair.left());
        Point<Double> s = speed.get(pair.right());
        readings.add(
            reading(
                thingAndAxis,
                t.t(),
                t.value(),
                s.t(),
                s.value(),
                t.value() * s.value() * Math.PI / 30));
      }
    }
    return readings;
  }

  private static List<String> readingsIn(Path output) throws Exception {
    List<String> readings = new ArrayList<>();
    for (String line : Files.readAllLines(output)) {
      JsonNode r = JSON.readTree(line);
      assertThat(
          fieldNames(r),
          contains("thing", "axis", "torqueTime", "torque", "speedTime", "speed", "power"));
      readings.add(
          reading(
              r.get("thing").textValue() + "|" + r.get("axis").textValue(),
              r.get("torqueTime").longValue(),
              r.get("torque").doubleValue(),
              r.get("speedTime").longValue(),
              r.get("speed").doubleValue(),
              r.get("power").doubleValue()));
    }
    return readings;
  }

  private static String reading(
      String thingAndAxis,
      long torqueTime,
      double torque,
      long speedTime,
      double speed,
      double power) {
    return String.join(
        "|",
        thingAndAxis,
        Long.toString(torqueTime),
        Double.toString(torque),
        Long.toString(speedTime),
        Double.toString(speed),
        String.format("%.9g", power));
  }

  private static List<DeadLetterReason> reasonsIn(Path deadLetters) throws Exception {
    List<DeadLetterReason> reasons = new ArrayList<>();
    for (String line : Files.readAllLines(deadLetters)) {
      reasons.add(DeadLetterReason.valueOf(JSON.readTree(line).get("reason").textValue()));
    }
    return reasons;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  private Path write(String name, List<String> lines) throws Exception {
    Path path = folder.getRoot().toPath().resolve(name);
    Files.write(path, lines);
    return path;
  }
}

package dev.dctwin.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dctwin.domain.Measurement;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;

/**
 * Turns rows of recorded machine data ({@code {"Thing": "R0815", "Timestamp": 1554096380468,
 * "vaTorque_C11": -4.44, ..., "id": "..."}}) into one {@link Measurement} per numeric quantity, and
 * orders them: each series (thing and quantity) in time order, and the series either merged by time
 * or interleaved at random.
 */
final class Replay {
  private static final ObjectMapper JSON = JsonMapper.builder().build();
  private static final String THING = "Thing";
  private static final String TIMESTAMP = "Timestamp";
  private static final String ID = "id";

  private Replay() {}

  /** The measurements of a file, in file order, and how many rows had no thing or timestamp. */
  record Rows(List<Measurement> measurements, int skippedRows, int skippedValues) {}

  static Rows read(Path input) throws IOException {
    List<Measurement> measurements = new ArrayList<>();
    int skippedRows = 0;
    int skippedValues = 0;
    try (BufferedReader in = Files.newBufferedReader(input, StandardCharsets.UTF_8)) {
      String line;
      while ((line = in.readLine()) != null) {
        if (line.isBlank()) {
          continue;
        }
        JsonNode row;
        try {
          row = JSON.readTree(line);
        } catch (IOException e) {
          skippedRows++;
          continue;
        }
        JsonNode thing = row.get(THING);
        JsonNode timestamp = row.get(TIMESTAMP);
        if (thing == null
            || !thing.isTextual()
            || timestamp == null
            || !timestamp.canConvertToExactIntegral()) {
          skippedRows++;
          continue;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = row.fields(); fields.hasNext(); ) {
          Map.Entry<String, JsonNode> field = fields.next();
          String name = field.getKey();
          if (name.equals(THING) || name.equals(TIMESTAMP) || name.equals(ID)) {
            continue;
          }
          JsonNode value = field.getValue();
          if (value.isNumber() && Double.isFinite(value.doubleValue())) {
            measurements.add(
                new Measurement(
                    thing.textValue(), name, timestamp.longValue(), value.doubleValue()));
          } else {
            skippedValues++;
          }
        }
      }
    }
    return new Rows(measurements, skippedRows, skippedValues);
  }

  /**
   * Every series sorted by time (stable: equal times keep file order), then merged by time (ties by
   * thing, then quantity); or, with {@code interleave}, the series interleaved at random from
   * {@code seed} while each keeps its order.
   */
  static List<Measurement> order(List<Measurement> measurements, boolean interleave, long seed) {
    Comparator<Measurement> byTime = Comparator.comparingLong(Measurement::phenomenonTime);
    if (!interleave) {
      List<Measurement> merged = new ArrayList<>(measurements);
      merged.sort(byTime.thenComparing(Measurement::thing).thenComparing(Measurement::quantity));
      return merged;
    }
    Map<String, List<Measurement>> series = new TreeMap<>();
    for (Measurement m : measurements) {
      series.computeIfAbsent(m.thing() + "\u0000" + m.quantity(), k -> new ArrayList<>()).add(m);
    }
    List<List<Measurement>> lists = new ArrayList<>(series.values());
    lists.forEach(list -> list.sort(byTime));
    // A uniformly random interleaving: shuffle the multiset of series labels, then take the next
    // element of the series each label names.
    int[] labels = new int[measurements.size()];
    int position = 0;
    for (int s = 0; s < lists.size(); s++) {
      for (int i = 0; i < lists.get(s).size(); i++) {
        labels[position++] = s;
      }
    }
    SplittableRandom random = Seeds.forEntity(seed, "replay");
    for (int i = labels.length - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = labels[i];
      labels[i] = labels[j];
      labels[j] = swap;
    }
    int[] next = new int[lists.size()];
    List<Measurement> interleaved = new ArrayList<>(measurements.size());
    for (int label : labels) {
      interleaved.add(lists.get(label).get(next[label]++));
    }
    return interleaved;
  }
}

package dev.dctwin.simulator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads and writes {@code ground-truth.jsonl}: one {@link Fault} per line. */
final class GroundTruth {
  static final String FILE_NAME = "ground-truth.jsonl";

  private static final ObjectMapper JSON =
      JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

  private GroundTruth() {}

  static void write(List<Fault> faults, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (Fault fault : faults) {
        out.write(JSON.writeValueAsString(fault));
        out.write('\n');
      }
    }
  }

  static List<Fault> read(Path file) throws IOException {
    List<Fault> faults = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = in.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        try {
          faults.add(JSON.readValue(line, Fault.class));
        } catch (IOException e) {
          throw new IOException(file + ":" + number + ": not a fault: " + e.getMessage(), e);
        }
      }
    }
    return faults;
  }
}

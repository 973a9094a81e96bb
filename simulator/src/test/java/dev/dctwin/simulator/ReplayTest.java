package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.not;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.Message;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.Assume;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/** {@code replay}: rows split into measurements, series kept in time order. */
public class ReplayTest {
  private static final Path SHARED = Path.of("/work/shared/data/machine-events.jsonl");

  @Rule public final TemporaryFolder temp = new TemporaryFolder();

  private Path rows() throws Exception {
    Path input = temp.getRoot().toPath().resolve("rows.jsonl");
    Files.write(
        input,
        List.of(
            "{\"Thing\": \"R1\", \"Timestamp\": 2000, \"vaTorque_C11\": 1.5,"
                + " \"actSpeed_C11\": 100, \"id\": \"a\"}",
            "{\"Thing\": \"R1\", \"Timestamp\": 1000, \"vaTorque_C11\": -1.0, \"id\": \"b\"}",
            "{\"Thing\": \"R2\", \"Timestamp\": 1500, \"actSpeed_C11\": 7, \"turnState_C11\": 1,"
                + " \"note\": \"text\", \"id\": \"c\"}",
            "{\"Timestamp\": 1, \"vaTorque_C11\": 1}",
            ""),
        StandardCharsets.UTF_8);
    return input;
  }

  @Test
  public void eachRowBecomesOneMeasurementPerQuantity() throws Exception {
    Replay.Rows rows = Replay.read(rows());
    assertThat(
        rows.measurements(),
        containsInAnyOrder(
            new Measurement("R1", "vaTorque_C11", 2000, 1.5),
            new Measurement("R1", "actSpeed_C11", 2000, 100),
            new Measurement("R1", "vaTorque_C11", 1000, -1.0),
            new Measurement("R2", "actSpeed_C11", 1500, 7),
            new Measurement("R2", "turnState_C11", 1500, 1)));
    assertThat(rows.skippedRows(), is(1));
    assertThat(rows.skippedValues(), is(1));
  }

  @Test
  public void replayWritesMeasurementsMergedByTime() throws Exception {
    Path out = temp.getRoot().toPath().resolve("measurements.jsonl");
    SimulatorRun cli = SimulatorRun.run("replay", "--input=" + rows(), "--out=" + out);
    assertThat(cli.err, cli.exitCode, is(0));
    List<String> lines = Files.readAllLines(out);
    assertThat(
        lines,
        is(
            List.of(
                "{\"type\":\"measurement\",\"thing\":\"R1\",\"quantity\":\"vaTorque_C11\","
                    + "\"phenomenonTime\":1000,\"result\":-1.0}",
                "{\"type\":\"measurement\",\"thing\":\"R2\",\"quantity\":\"actSpeed_C11\","
                    + "\"phenomenonTime\":1500,\"result\":7.0}",
                "{\"type\":\"measurement\",\"thing\":\"R2\",\"quantity\":\"turnState_C11\","
                    + "\"phenomenonTime\":1500,\"result\":1.0}",
                "{\"type\":\"measurement\",\"thing\":\"R1\",\"quantity\":\"actSpeed_C11\","
                    + "\"phenomenonTime\":2000,\"result\":100.0}",
                "{\"type\":\"measurement\",\"thing\":\"R1\",\"quantity\":\"vaTorque_C11\","
                    + "\"phenomenonTime\":2000,\"result\":1.5}")));
  }

  @Test
  public void interleavingKeepsEverySeriesInOrderAndDependsOnTheSeed() throws Exception {
    Assume.assumeTrue("shared machine data present", Files.exists(SHARED));
    Path first = temp.getRoot().toPath().resolve("a.jsonl");
    Path same = temp.getRoot().toPath().resolve("b.jsonl");
    Path other = temp.getRoot().toPath().resolve("c.jsonl");
    for (Object[] run : new Object[][] {{first, 5}, {same, 5}, {other, 6}}) {
      SimulatorRun cli =
          SimulatorRun.run(
              "replay", "--input=" + SHARED, "--out=" + run[0], "--interleave", "--seed=" + run[1]);
      assertThat(cli.err, cli.exitCode, is(0));
    }
    assertThat(Files.mismatch(first, same), is(-1L));
    assertThat(Files.mismatch(first, other), not(is(-1L)));

    List<Measurement> interleaved = measurements(first);
    List<Measurement> expected = Replay.read(SHARED).measurements();
    assertThat(interleaved.size(), is(expected.size()));
    assertThat(interleaved, containsInAnyOrder(expected.toArray()));
    Map<String, Long> last = new HashMap<>();
    boolean outOfGlobalOrder = false;
    long previous = Long.MIN_VALUE;
    for (Measurement m : interleaved) {
      String series = m.thing() + "/" + m.quantity();
      long before = last.getOrDefault(series, Long.MIN_VALUE);
      assertThat(series, m.phenomenonTime(), greaterThanOrEqualTo(before));
      last.put(series, m.phenomenonTime());
      outOfGlobalOrder |= m.phenomenonTime() < previous;
      previous = m.phenomenonTime();
    }
    assertThat("interleaved, not merged by time", outOfGlobalOrder, is(true));
  }

  private static List<Measurement> measurements(Path file) throws Exception {
    WireCodec codec = WireCodec.withDefaults();
    List<Measurement> measurements = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      Message message = codec.decode(line.getBytes(StandardCharsets.UTF_8), null);
      measurements.add((Measurement) message);
    }
    return measurements;
  }
}

package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.ServerMetricReport;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The streaming shortcut for metric reports gives exactly what the tree path gives: for every
 * payload it accepts, the tree path accepts it too and returns an equal report; it does accept the
 * common forms (else it would be dead code, and the test could not fail).
 */
@RunWith(JUnit4.class)
public class StreamingReportsTest {
  private static final WireCodec CODEC = WireCodec.withDefaults();
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long SEED = 20261207L;

  @Test
  public void acceptsTheCommonFormsAsTheTreePathDoes() throws Exception {
    List<byte[]> common = new ArrayList<>();
    common.add(CODEC.encode(WireCodecBenchmark.report(new TreeMap<>())));
    TreeMap<String, Double> gauges = new TreeMap<>();
    gauges.put("node_load1", 0.5);
    gauges.put("node_memory_MemFree_bytes", 3e9);
    common.add(CODEC.encode(WireCodecBenchmark.report(gauges)));
    common.add(
        CODEC.encode(ServerMetricReport.ofGauges("dc1-r001-s01", 1_790_000_000_000L, gauges)));
    ObjectNode notReported = tree(common.get(0));
    ((ObjectNode) notReported.get("cpu")).putNull("steal");
    notReported.putNull("sensors");
    notReported.put("agentVersion", "1.2");
    notReported.putObject("extra").putArray("nested").add(1).addObject().put("a", true);
    common.add(bytes(notReported));
    ObjectNode untyped = tree(common.get(0));
    untyped.remove("type");
    common.add(bytes(untyped));
    ObjectNode reordered = JSON.createObjectNode();
    List<String> names = new ArrayList<>();
    tree(common.get(1)).fieldNames().forEachRemaining(names::add);
    Collections.reverse(names);
    for (String name : names) {
      reordered.set(name, tree(common.get(1)).get(name));
    }
    common.add(bytes(reordered));
    for (byte[] payload : common) {
      ServerMetricReport streamed = StreamingReports.decode(mapper(), payload, MessageType.METRICS);
      assertThat(new String(payload, StandardCharsets.UTF_8), streamed, notNullValue());
      assertThat(streamed, equalTo(CODEC.decodeTree(payload, MessageType.METRICS)));
    }
  }

  @Test
  public void leavesOtherTypesAndUntypedPayloadsOfOtherTopicsToTheTreePath() throws Exception {
    ObjectNode untyped = tree(CODEC.encode(WireCodecBenchmark.report(new TreeMap<>())));
    untyped.remove("type");
    assertThat(StreamingReports.decode(mapper(), bytes(untyped), null), nullValue());
    assertThat(StreamingReports.decode(mapper(), bytes(untyped), MessageType.SENSORS), nullValue());
    for (Message message : dev.dctwin.domain.SampleMessages.oneOfEach()) {
      if (!(message instanceof ServerMetricReport)) {
        assertThat(
            StreamingReports.decode(mapper(), CODEC.encode(message), MessageType.METRICS),
            nullValue());
      }
    }
  }

  @Test
  public void neverAcceptsWhatTheTreePathRejectsNorDiffersFromIt() throws Exception {
    ParseMessagesFuzzTest.MessageFuzzer bytes =
        new ParseMessagesFuzzTest.MessageFuzzer(new Random(SEED));
    Random random = new Random(SEED);
    byte[] seed =
        CODEC.encode(WireCodecBenchmark.report(new TreeMap<>(java.util.Map.of("g", 1.0))));
    int streamed = 0;
    int rejected = 0;
    for (int i = 0; i < 10_000; i++) {
      byte[] payload = i % 3 == 0 ? bytes.next() : bytes(mutate(tree(seed), random));
      ServerMetricReport fast = StreamingReports.decode(mapper(), payload, MessageType.METRICS);
      if (fast == null) {
        continue;
      }
      streamed++;
      Message tree;
      try {
        tree = CODEC.decodeTree(payload, MessageType.METRICS);
      } catch (InvalidMessageException e) {
        rejected++;
        throw new AssertionError(
            "streamed but the tree path rejects it ("
                + e.reason()
                + "): "
                + new String(payload, StandardCharsets.UTF_8),
            e);
      }
      assertThat(new String(payload, StandardCharsets.UTF_8), fast, equalTo(tree));
    }
    assertThat(rejected, equalTo(0));
    assertThat(streamed, greaterThan(1_000));
  }

  @Test
  public void leavesDuplicatesAndTrailingTokensToTheTreePath() throws Exception {
    String report =
        new String(
            CODEC.encode(WireCodecBenchmark.report(new TreeMap<>(java.util.Map.of("g", 1.0)))),
            StandardCharsets.UTF_8);
    List<String> damaged =
        List.of(
            report.replaceFirst("\\{", "{\"serverId\":\"other\","),
            report.replaceFirst("\"idle\":", "\"idle\":1,\"idle\":"),
            report.replaceFirst("\"g\":", "\"g\":2,\"g\":"),
            report + "{}",
            report + " 1",
            report.substring(0, report.length() - 1));
    for (String payload : damaged) {
      byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
      assertThat(
          payload, StreamingReports.decode(mapper(), bytes, MessageType.METRICS), nullValue());
      try {
        CODEC.decodeTree(bytes, MessageType.METRICS);
        throw new AssertionError("the tree path accepts " + payload);
      } catch (InvalidMessageException expected) {
        assertThat(expected.reason(), equalTo(dev.dctwin.domain.DeadLetterReason.NOT_JSON));
      }
    }
  }

  /** One or two structural changes of a report's tree, of the kinds agents and bugs make. */
  private static JsonNode mutate(ObjectNode report, Random random) {
    for (int changes = 1 + random.nextInt(2); changes > 0; changes--) {
      List<ObjectNode> objects = new ArrayList<>(List.of(report));
      report
          .elements()
          .forEachRemaining(
              child -> {
                if (child instanceof ObjectNode object) {
                  objects.add(object);
                }
              });
      ObjectNode target = objects.get(random.nextInt(objects.size()));
      List<String> names = new ArrayList<>();
      target.fieldNames().forEachRemaining(names::add);
      if (names.isEmpty()) {
        continue;
      }
      String name = names.get(random.nextInt(names.size()));
      switch (random.nextInt(14)) {
        case 0 -> target.remove(name);
        case 1 -> target.putNull(name);
        case 2 -> target.put(name, "12");
        case 3 -> target.put(name, true);
        case 4 -> target.putArray(name).add(1);
        case 5 -> target.putObject(name).put("x", 1);
        case 6 -> target.put(name, -random.nextDouble() * 10);
        case 7 -> target.put(name, random.nextDouble() * 2_000);
        case 8 -> target.put(name, new java.math.BigInteger("9".repeat(30)));
        case 9 -> target.put(name, random.nextLong());
        case 10 -> target.put(name, " ");
        case 11 -> target.put(name, "2026-12-07T10:00:00Z");
        case 12 -> target.put("unknown" + random.nextInt(3), random.nextInt());
        default -> target.put(name, random.nextInt(200) - 50);
      }
    }
    return report;
  }

  private static ObjectMapper mapper() {
    return CODEC.mapper();
  }

  private static ObjectNode tree(byte[] payload) throws Exception {
    return (ObjectNode) JSON.readTree(payload);
  }

  private static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}

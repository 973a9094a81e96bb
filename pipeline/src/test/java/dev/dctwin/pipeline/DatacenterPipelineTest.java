package dev.dctwin.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.PayloadCut;
import dev.dctwin.pipeline.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class DatacenterPipelineTest {
  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  @Test
  public void malformedLinesOfTheExampleBecomeDeadLettersWithReasons() throws Exception {
    Path input = folder.newFolder("in").toPath();
    Files.copy(Path.of("examples/messages.jsonl"), input.resolve("messages.jsonl"));
    Files.write(
        input.resolve("binary.jsonl"),
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xFF, '"', '}', '\n'});
    Path deadLetters = folder.getRoot().toPath().resolve("dead.jsonl");
    Path alerts = folder.getRoot().toPath().resolve("alerts.jsonl");
    Path answers = folder.getRoot().toPath().resolve("answers.jsonl");

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int code =
        Main.run(
            new String[] {
              "run",
              "--inputDir=" + input,
              "--deadLettersOut=" + deadLetters,
              "--alertsOut=" + alerts,
              "--answersOut=" + answers
            },
            new PrintStream(out, true, StandardCharsets.UTF_8),
            System.err);

    assertThat(code, equalTo(Cli.EXIT_OK));
    ObjectMapper json = new ObjectMapper();
    List<DeadLetterReason> reasons =
        Files.readAllLines(deadLetters).stream()
            .map(line -> readDeadLetter(json, line).reason())
            .sorted()
            .toList();
    assertThat(
        reasons,
        equalTo(
            List.of(
                DeadLetterReason.NOT_UTF8,
                DeadLetterReason.NOT_JSON,
                DeadLetterReason.NON_FINITE_NUMBER,
                DeadLetterReason.OUT_OF_RANGE,
                DeadLetterReason.UNKNOWN_MESSAGE_TYPE,
                // an answer, an alert and a measurement are no input of the twins
                DeadLetterReason.UNEXPECTED_TYPE,
                DeadLetterReason.UNEXPECTED_TYPE,
                DeadLetterReason.UNEXPECTED_TYPE,
                // dc1-r01-s02 reports but was never commissioned
                DeadLetterReason.UNCOMMISSIONED)));
    // The twins' letters name the line of the message they reject, as the parse's letters do.
    String example = input.resolve("messages.jsonl").toString();
    assertThat(
        Files.readAllLines(deadLetters).stream()
            .map(line -> readDeadLetter(json, line))
            .filter(letter -> letter.source().startsWith("twin"))
            .map(letter -> letter.reason() + " " + letter.origin())
            .sorted()
            .toList(),
        equalTo(
            List.of(
                "UNCOMMISSIONED " + MessageOrigin.file(example, 2),
                "UNEXPECTED_TYPE " + MessageOrigin.file(example, 7),
                "UNEXPECTED_TYPE " + MessageOrigin.file(example, 8),
                "UNEXPECTED_TYPE " + MessageOrigin.file(example, 9))));
    assertThat(out.toString(StandardCharsets.UTF_8), containsString("messages parsed: 9"));
    assertThat(Files.readAllLines(alerts), equalTo(List.of()));
    assertThat(
        Files.readAllLines(answers),
        equalTo(
            List.of(
                "{\"type\":\"unhealthy_racks\",\"queryId\":\"q-42\",\"datacenterId\":\"dc1\","
                    + "\"racks\":[],\"eventTime\":1763719201000}")));
  }

  @Test
  public void hostileLinesOfAFileBecomeBoundedDeadLettersWithTheirOrigin() throws Exception {
    Path input = folder.newFolder("in").toPath();
    Path file = input.resolve("hostile.jsonl");
    long now = System.currentTimeMillis();
    byte[] huge = new byte[300_000];
    Arrays.fill(huge, (byte) 'x');
    huge[0] = '{';
    ByteArrayOutputStream lines = new ByteArrayOutputStream();
    lines.write(
        ("{\"type\":\"commission\",\"serverId\":\"s1\",\"rackId\":\"r1\","
                + "\"datacenterId\":\"dc1\",\"eventTime\":1763719140000}\n")
            .getBytes(StandardCharsets.UTF_8));
    lines.write(
        ("{\"type\":\"metrics\",\"serverId\":\"s1\",\"eventTime\":"
                + (now + 3_600_000)
                + ",\"gauges\":{\"m1\":1.0}}\n")
            .getBytes(StandardCharsets.UTF_8));
    lines.write(huge);
    lines.write('\n');
    lines.write(
        ("{\"type\":\"get_unhealthy_racks\",\"queryId\":\"q-1\",\"datacenterId\":\"dc1\","
                + "\"eventTime\":1763719201000}\n")
            .getBytes(StandardCharsets.UTF_8));
    Files.write(file, lines.toByteArray());
    Path deadLetters = folder.getRoot().toPath().resolve("dead.jsonl");

    int code =
        Main.run(
            new String[] {
              "run",
              "--inputDir=" + input,
              "--deadLettersOut=" + deadLetters,
              "--alertsOut=" + folder.getRoot().toPath().resolve("alerts.jsonl"),
              "--maxAgentPayloadBytes=100000",
              "--maxDeadLetterPayloadBytes=1000",
              "--maxClockSkewSeconds=60"
            },
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            System.err);

    assertThat(code, equalTo(Cli.EXIT_OK));
    ObjectMapper json = new ObjectMapper();
    List<DeadLetter> letters =
        Files.readAllLines(deadLetters).stream()
            .map(line -> readDeadLetter(json, line))
            .sorted(java.util.Comparator.comparing(letter -> letter.origin().line()))
            .toList();
    assertThat(letters.size(), equalTo(2));
    DeadLetter future = letters.get(0);
    assertThat(future.reason(), equalTo(DeadLetterReason.FUTURE_EVENT_TIME));
    assertThat(future.origin(), equalTo(MessageOrigin.file(file.toString(), 2)));
    DeadLetter tooLarge = letters.get(1);
    assertThat(tooLarge.reason(), equalTo(DeadLetterReason.PAYLOAD_TOO_LARGE));
    assertThat(tooLarge.origin(), equalTo(MessageOrigin.file(file.toString(), 3)));
    assertThat(tooLarge.payload(), equalTo(Arrays.copyOf(huge, 1000)));
    assertThat(tooLarge.payloadLength(), equalTo((long) huge.length));
    assertThat(tooLarge.payloadSha256(), equalTo(PayloadCut.sha256Hex(huge)));
  }

  private static DeadLetter readDeadLetter(ObjectMapper json, String line) {
    try {
      return json.readValue(line, DeadLetter.class);
    } catch (Exception e) {
      throw new AssertionError("not a dead letter: " + line, e);
    }
  }
}

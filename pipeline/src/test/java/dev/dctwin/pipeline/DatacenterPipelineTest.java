package dev.dctwin.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.pipeline.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
    assertThat(out.toString(StandardCharsets.UTF_8), containsString("messages parsed: 9"));
    assertThat(Files.readAllLines(alerts), equalTo(List.of()));
    assertThat(
        Files.readAllLines(answers),
        equalTo(
            List.of(
                "{\"type\":\"unhealthy_racks\",\"queryId\":\"q-42\",\"datacenterId\":\"dc1\","
                    + "\"racks\":[],\"eventTime\":1763719201000}")));
  }

  private static DeadLetter readDeadLetter(ObjectMapper json, String line) {
    try {
      return json.readValue(line, DeadLetter.class);
    } catch (Exception e) {
      throw new AssertionError("not a dead letter: " + line, e);
    }
  }
}

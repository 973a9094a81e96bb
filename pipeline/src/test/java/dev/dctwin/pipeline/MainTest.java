package dev.dctwin.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.dctwin.pipeline.cli.Cli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class MainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String stdout() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String stderr() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  public void noArgumentsPrintsUsageAndFails() {
    assertThat(run(), equalTo(Cli.EXIT_USAGE));
    assertThat(stderr(), containsString("machine-power"));
  }

  @Test
  public void unknownSubcommandIsOneLineError() {
    assertThat(run("frobnicate"), equalTo(Cli.EXIT_USAGE));
    assertThat(stderr().lines().count(), equalTo(1L));
    assertThat(stderr(), containsString("'frobnicate'"));
  }

  @Test
  public void badFlagIsOneLineError() {
    assertThat(run("run", "--inputDir=x", "--noSuchFlag=1"), equalTo(Cli.EXIT_USAGE));
    assertThat(stderr().lines().count(), equalTo(1L));
    assertThat(stderr(), containsString("noSuchFlag"));
    assertThat(stderr(), not(containsString("\tat ")));
  }

  @Test
  public void missingRequiredFlagIsOneLineError() {
    assertThat(run("run"), equalTo(Cli.EXIT_USAGE));
    assertThat(stderr().lines().count(), equalTo(1L));
    assertThat(stderr(), containsString("inputDir"));
  }

  @Test
  public void aSchemaThatIsNotAnIdentifierIsOneLineError() {
    assertThat(
        run(
            "run",
            "--inputDir=x",
            "--sinks=jdbc",
            "--jdbcUrl=jdbc:postgresql://127.0.0.1:1/x",
            "--jdbcSchema=x; DROP TABLE alerts"),
        equalTo(Cli.EXIT_USAGE));
    assertThat(stderr().lines().count(), equalTo(1L));
    assertThat(stderr(), containsString("--jdbcSchema=x; DROP TABLE alerts is not"));
  }

  @Test
  public void flagsWithoutSubcommandGoToRun() {
    assertThat(run("--inputDir=x", "--noSuchFlag=1"), equalTo(Cli.EXIT_USAGE));
    assertThat(stderr(), containsString("dctwin-pipeline run: "));
  }

  @Test
  public void helpListsTheSubcommandsFlags() {
    assertThat(run("run", "--help"), equalTo(Cli.EXIT_OK));
    assertThat(stdout(), containsString("--inputDir"));
    assertThat(stdout(), containsString("--maxPayloadBytes"));
  }

  @Test
  public void topLevelHelpListsSubcommands() {
    assertThat(run("--help"), equalTo(Cli.EXIT_OK));
    for (String subcommand :
        List.of(
            "run",
            "machine-power",
            "join",
            "alertmanager-relay",
            "prometheus-receiver",
            "mqtt-kafka-bridge")) {
      assertThat(stdout(), containsString(subcommand));
    }
  }

  @Test
  public void prometheusReceiverNeedsKafkaAndTakesHostPort() {
    assertThat(run("prometheus-receiver"), equalTo(Cli.EXIT_USAGE));
    assertThat(stderr(), containsString("--kafkaBootstrapServers"));
    err.reset();
    assertThat(
        run("prometheus-receiver", "--kafkaBootstrapServers=127.0.0.1:1", "--listen=9201"),
        equalTo(Cli.EXIT_USAGE));
    assertThat(stderr().lines().count(), equalTo(1L));
    assertThat(stderr(), containsString("--listen=9201 is not host:port"));
  }
}

package dev.dctwin.pipeline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import dev.dctwin.pipeline.cli.BeamOptionsCommand;
import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.io.WriteToKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The run command's choices and usage errors; no service is contacted. */
@RunWith(JUnit4.class)
public class DatacenterPipelineOptionsTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return Main.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String oneLineError() {
    String text = err.toString(StandardCharsets.UTF_8);
    assertThat(text.lines().count(), equalTo(1L));
    assertThat(text, not(containsString("\tat ")));
    return text;
  }

  @Test
  public void unknownSourceIsAUsageError() {
    assertThat(run("run", "--source=pigeon"), equalTo(Cli.EXIT_USAGE));
    assertThat(
        oneLineError(), containsString("--source=pigeon is not one of [file, mqtt, kafka, both]"));
  }

  @Test
  public void aTopicFormatThatThisBuildCannotDecodeIsAUsageError() {
    assertThat(
        run("run", "--source=kafka", "--sinks=kafka", "--topicFormats=agents=pigeon-json"),
        equalTo(Cli.EXIT_USAGE));
    assertThat(
        oneLineError(),
        containsString("--topicFormats entry 'agents=pigeon-json' is not TOPIC=FORMAT"));
  }

  @Test
  public void theTwinsTimerAlignmentMustBePositive() {
    assertThat(
        run("run", "--source=kafka", "--sinks=kafka", "--twinTimerAlignmentMs=0"),
        equalTo(Cli.EXIT_USAGE));
    assertThat(oneLineError(), containsString("--twinTimerAlignmentMs must be a positive"));
  }

  @Test
  public void fileSinksNeedABoundedRun() {
    assertThat(
        run("run", "--source=kafka", "--sinks=file", "--alertsOut=alerts.jsonl"),
        equalTo(Cli.EXIT_USAGE));
    assertThat(oneLineError(), containsString("--sinks=file needs a bounded run"));
  }

  @Test
  public void theJdbcSinkNeedsAUrlOfAKnownDatabase() {
    assertThat(run("run", "--source=kafka", "--sinks=jdbc"), equalTo(Cli.EXIT_USAGE));
    assertThat(oneLineError(), containsString("--jdbcUrl"));
    err.reset();
    assertThat(
        run("run", "--source=kafka", "--sinks=jdbc", "--jdbcUrl=jdbc:oracle:thin:@x"),
        equalTo(Cli.EXIT_USAGE));
    assertThat(oneLineError(), containsString("jdbc:postgresql: or jdbc:mariadb:"));
  }

  @Test
  public void exactlyOnceIsAutomaticOnlyWhereTheRunnerCheckpoints() {
    assertThat(
        DatacenterPipeline.exactlyOnce(
            BeamOptionsCommand.parse(List.of("--source=kafka"), DatacenterPipeline.Options.class)),
        equalTo(false));
    assertThat(
        DatacenterPipeline.exactlyOnce(
            BeamOptionsCommand.parse(
                List.of("--source=kafka", "--kafkaDelivery=EXACTLY_ONCE"),
                DatacenterPipeline.Options.class)),
        equalTo(true));
  }

  @Test
  public void exactlyOnceNeedsAnExplicitDeploymentId() {
    assertThat(
        run("run", "--source=kafka", "--sinks=kafka", "--kafkaDelivery=EXACTLY_ONCE"),
        equalTo(Cli.EXIT_USAGE));
    assertThat(oneLineError(), containsString("exactly-once Kafka sinks need --deploymentId"));
    assertThat(
        BeamOptionsCommand.parse(List.of("--source=kafka"), DatacenterPipeline.Options.class)
            .getDeploymentId(),
        equalTo(null));
  }

  @Test
  public void theExactlyOnceGroupIsDerivedFromTheDeployment() {
    assertThat(
        WriteToKafka.sinkGroupId("Prod-1", "dctwin.alerts"),
        equalTo("dctwin-prod-1-eos-dctwin.alerts"));
  }

  @Test
  public void helpNamesPasswordFilesAndNoPasswordFlag() {
    assertThat(run("run", "--help"), equalTo(Cli.EXIT_OK));
    String help = out.toString(StandardCharsets.UTF_8);
    assertThat(help, containsString("--jdbcPasswordFile"));
    assertThat(help, containsString("--mqttPasswordFile"));
    assertThat(help, containsString("--kafkaPropertiesFile"));
    assertThat(help, not(containsString("--jdbcPassword=")));
    assertThat(help, not(containsString("--mqttPassword=")));
  }
}

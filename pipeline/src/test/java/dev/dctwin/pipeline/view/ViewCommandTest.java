package dev.dctwin.pipeline.view;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import dev.dctwin.pipeline.Main;
import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.cli.ListenAddress;
import dev.dctwin.pipeline.io.JdbcOptions;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.Secret;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;
import picocli.CommandLine;

@RunWith(JUnit4.class)
public class ViewCommandTest {
  private static ViewService.Settings settings(String... args) {
    ViewCommand command = new ViewCommand();
    new CommandLine(command).parseArgs(args);
    return command.settings();
  }

  @Test
  public void topicsDefaultAsForRun() {
    ViewService.Settings settings = settings("--kafkaBootstrapServers=127.0.0.1:9092");
    assertEquals("dctwin.alerts", settings.alertsTopic());
    assertEquals("dctwin.provisioning", settings.provisioningTopic());
    assertEquals("dctwin.dead-letters", settings.deadLettersTopic());
    assertEquals(
        List.of("dctwin.metrics", "dctwin.sensors", "dctwin.provisioning", "dctwin.queries"),
        settings.inputTopics());
    assertEquals("dctwin", settings.consumerGroup());
    assertEquals(new InetSocketAddress("127.0.0.1", 8088), settings.listen());
    assertNull("Kafka only without --jdbcUrl", settings.database());
  }

  @Test
  public void theDatabaseFlagsAreThoseOfRunAndThePasswordIsNoFlag() {
    ViewService.Settings settings =
        settings(
            "--kafkaBootstrapServers=k:9092",
            "--jdbcUrl=jdbc:postgresql://db:5432/dctwin",
            "--jdbcUser=viewer",
            "--jdbcPasswordFile=/run/secrets/db",
            "--jdbcSchema=ops");
    JdbcTarget database = settings.database();
    assertEquals("jdbc:postgresql://db:5432/dctwin", database.url());
    assertEquals("viewer", database.user());
    assertEquals(new Secret("/run/secrets/db", JdbcOptions.PASSWORD_ENV), database.password());
    assertEquals("ops.server_status", database.table("server_status"));
    assertThat(database.toString(), not(containsString("secrets")));
    assertThrows(
        CommandLine.UnmatchedArgumentException.class,
        () -> settings("--kafkaBootstrapServers=k:9092", "--jdbcPassword=secret"));
  }

  @Test
  public void theProvisioningTopicIsTheInputTopicOfThatName() {
    ViewService.Settings settings =
        settings("--kafkaBootstrapServers=k:9092", "--kafkaTopics=a.metrics,b.provisioning");
    assertEquals("b.provisioning", settings.provisioningTopic());
    assertEquals(List.of("a.metrics", "b.provisioning"), settings.inputTopics());
  }

  @Test
  public void listenAddresses() {
    assertEquals(new InetSocketAddress("127.0.0.1", 0), ListenAddress.parse(":0"));
    assertEquals(new InetSocketAddress("0.0.0.0", 80), ListenAddress.parse("0.0.0.0:80"));
    assertEquals(new InetSocketAddress("::1", 8088), ListenAddress.parse("[::1]:8088"));
  }

  @Test
  public void badFlagsAreOneLineUsageErrors() {
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream errors = new PrintStream(err, true, StandardCharsets.UTF_8);
    PrintStream out = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertEquals(
        Cli.EXIT_USAGE,
        Main.run(
            new String[] {"view", "--kafkaBootstrapServers=k:1", "--listen=localhost"},
            out,
            errors));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("--listen=localhost"));
    assertEquals(
        Cli.EXIT_USAGE,
        Main.run(
            new String[] {"view", "--kafkaBootstrapServers=k:1", "--kafkaTopics=a.metrics"},
            out,
            errors));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("--kafkaProvisioningTopic"));
    assertEquals(
        Cli.EXIT_USAGE,
        Main.run(
            new String[] {"view", "--kafkaBootstrapServers=k:1", "--jdbcUrl=jdbc:oracle:x"},
            out,
            errors));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("jdbc:postgresql:"));
    assertEquals(3, err.toString(StandardCharsets.UTF_8).strip().lines().count());
  }
}

package dev.dctwin.simulator.demo;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNull;
import static org.junit.Assert.assertThrows;

import dev.dctwin.pipeline.cli.UsageException;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.SchemaMigrations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Set;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;

/** The demo's choice of database when no --jdbcUrl is given. */
public class LocalStackIT {
  /** Brokers given as flags, so that only the database is the stack's own. */
  private static final Set<String> BROKERS_GIVEN = Set.of("kafkaBootstrapServers", "mqttServerUri");

  @Test
  public void embeddedPostgresTakesTheAlertsSchemaAndStopsWithTheStack() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String url;
    String password;
    try (LocalStack stack =
        LocalStack.start(options("--database=embedded"), BROKERS_GIVEN, print(out))) {
      url = stack.jdbcUrl();
      assertThat(out.toString(StandardCharsets.UTF_8), containsString("(embedded, from Maven"));
      assertThat(url, startsWith("jdbc:postgresql://127.0.0.1:"));
      assertThat(url, not(LocalStack.LOCAL_POSTGRES));
      Path passwordFile = Path.of(stack.jdbcPasswordFile());
      assertEquals(
          PosixFilePermissions.fromString("rw-------"),
          Files.getPosixFilePermissions(passwordFile));
      password = Files.readString(passwordFile).strip();
      assertThat(password.length(), greaterThanOrEqualTo(32));
      assertThat(out.toString(StandardCharsets.UTF_8), not(containsString(password)));
      // Authentication, not trust: no password (the driver refuses to send an empty one to a
      // SCRAM server), a guessed one and a wrong one are refused.
      assertThrows(
          SQLException.class, () -> DriverManager.getConnection(url, stack.jdbcUser(), "").close());
      for (String wrong : new String[] {"postgres", password + "x"}) {
        SQLException refused =
            assertThrows(
                SQLException.class,
                () -> DriverManager.getConnection(url, stack.jdbcUser(), wrong).close());
        assertThat(refused.getMessage(), containsString("password authentication failed"));
      }
      // The job's way in: the password file, as DemoCommand passes it.
      DemoCommand.Options withDatabase =
          options(
              "--jdbcUrl=" + url,
              "--jdbcUser=" + stack.jdbcUser(),
              "--jdbcPasswordFile=" + passwordFile);
      SchemaMigrations.apply(JdbcTarget.from(withDatabase));
      try (Connection connection = DriverManager.getConnection(url, stack.jdbcUser(), password);
          ResultSet rows =
              connection.createStatement().executeQuery("SELECT count(*) FROM alerts")) {
        rows.next();
        assertEquals(0, rows.getLong(1));
      }
    }
    assertThrows(
        Exception.class, () -> DriverManager.getConnection(url, "postgres", password).close());
  }

  @Test
  public void noneMeansAlertsOnlyInKafkaAndFiles() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (LocalStack stack =
        LocalStack.start(options("--database=none"), BROKERS_GIVEN, print(out))) {
      assertNull(stack.jdbcUrl());
    }
  }

  @Test
  public void anUnknownChoiceIsAUsageError() {
    UsageException error =
        assertThrows(
            UsageException.class,
            () ->
                LocalStack.start(
                    options("--database=oracle"),
                    BROKERS_GIVEN,
                    print(new ByteArrayOutputStream())));
    assertThat(error.getMessage(), containsString("--database=oracle"));
  }

  private static DemoCommand.Options options(String... flags) {
    PipelineOptionsFactory.register(DemoCommand.Options.class);
    return PipelineOptionsFactory.fromArgs(flags).as(DemoCommand.Options.class);
  }

  private static PrintStream print(ByteArrayOutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }
}

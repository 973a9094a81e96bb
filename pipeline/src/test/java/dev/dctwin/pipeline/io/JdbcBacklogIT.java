package dev.dctwin.pipeline.io;

import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.serverId;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.Alert;
import dev.dctwin.pipeline.join.Counters;
import dev.dctwin.pipeline.testing.TcpProxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The JDBC sink's backlog against PostgreSQL behind a cut TCP proxy: rows written while the
 * database is unreachable land once it is back, and a row it then refuses for good still becomes a
 * dead letter, from the backlog's retry timer (a stream) and from its flush at the end of a bounded
 * run.
 */
@RunWith(JUnit4.class)
public class JdbcBacklogIT {
  private static final long START = 1_763_719_200_000L;
  private static final int ALERTS = 10;
  private static final int REFUSED = 4;
  private static final String TOO_LONG = "rack-x-" + "y".repeat(300);

  private final String run = IoTestSupport.runId();
  private TcpProxy proxy;
  private PipelineResult result;

  @Before
  public void setUp() throws Exception {
    IoTestSupport.assumeServiceUp("postgresql", 5432);
    SchemaMigrations.apply(target(POSTGRES_URL));
    proxy = TcpProxy.to(5432);
  }

  @After
  public void tearDown() {
    IoTestSupport.cancel(result);
    if (proxy != null) {
      proxy.close();
    }
    IoTestSupport.dropSchema(POSTGRES_URL, POSTGRES_USER, run);
  }

  private JdbcTarget target(String url) {
    return new JdbcTarget(
        url,
        POSTGRES_USER,
        new Secret(null, JdbcOptions.PASSWORD_ENV),
        run,
        Duration.standardSeconds(60));
  }

  private JdbcTarget proxied() {
    return target("jdbc:postgresql://127.0.0.1:" + proxy.port() + "/postgres");
  }

  /** Alert {@code i}; alert {@link #REFUSED} has an entity longer than its column. */
  private static Alert alert(long i) {
    String entity = i == REFUSED ? TOO_LONG : serverId((int) i);
    long openedAt = START + i * 1_000L;
    return IoTestSupport.diskFailure(entity, openedAt);
  }

  private static TreeSet<String> goodEntities() {
    TreeSet<String> entities = new TreeSet<>();
    for (int i = 0; i < ALERTS; i++) {
      if (i != REFUSED) {
        entities.add(serverId(i));
      }
    }
    return entities;
  }

  private void writeAlertsAndTheirDeadLetters(PCollection<Alert> alerts) {
    alerts
        .apply("AlertsToJdbc", WriteToJdbc.alerts(proxied(), 50))
        .apply("DeadLettersToJdbc", WriteToJdbc.deadLetters(proxied(), 50));
  }

  @Test
  public void aStreamWaitsOutTheOutageAndItsRetryTimerDeadLettersARefusedRow() throws Exception {
    proxy.cut();
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs("--blockOnRun=false").create());
    PCollection<Alert> alerts =
        pipeline
            // All alerts at once, so that all meet the outage; then a trickle the filter drops.
            .apply("Ticks", GenerateSequence.from(0).withRate(200, Duration.standardSeconds(1)))
            .apply("First", Filter.by((Long i) -> i < ALERTS))
            .apply(
                "Alerts",
                MapElements.into(TypeDescriptor.of(Alert.class)).via(JdbcBacklogIT::alert))
            .setCoder(RecordCoder.of(Alert.class));
    writeAlertsAndTheirDeadLetters(alerts);
    result = pipeline.run();

    Thread.sleep(8_000);
    assertThat(result.getState(), equalTo(PipelineResult.State.RUNNING));
    proxy.restore();
    long restoredAt = System.nanoTime();
    awaitRows(java.time.Duration.ofSeconds(60));
    System.out.printf(
        "JdbcBacklogIT: the stream's rows landed %.1f s after the database came back%n",
        (System.nanoTime() - restoredAt) / 1e9);
    assertThat(result.getState(), equalTo(PipelineResult.State.RUNNING));
    assertTables();
    assertWentThroughTheBacklog();
  }

  @Test
  public void aBoundedRunWritesItsBacklogBeforeItFinishes() throws Exception {
    proxy.cut();
    List<Alert> input = new ArrayList<>();
    for (long i = 0; i < ALERTS; i++) {
      input.add(alert(i));
    }
    Pipeline pipeline =
        Pipeline.create(PipelineOptionsFactory.fromArgs("--blockOnRun=false").create());
    writeAlertsAndTheirDeadLetters(
        pipeline.apply("Alerts", Create.of(input).withCoder(RecordCoder.of(Alert.class))));
    result = pipeline.run();

    Thread.sleep(5_000);
    assertThat(column("SELECT entity FROM " + run + ".alerts"), equalTo(List.of()));
    proxy.restore();
    long restoredAt = System.nanoTime();
    assertThat(
        result.waitUntilFinish(Duration.standardSeconds(90)), equalTo(PipelineResult.State.DONE));
    System.out.printf(
        "JdbcBacklogIT: the bounded run finished %.1f s after the database came back%n",
        (System.nanoTime() - restoredAt) / 1e9);
    assertTables();
    assertWentThroughTheBacklog();
  }

  /** Every alert met the outage, waited in the backlog, and left it. */
  private void assertWentThroughTheBacklog() {
    assertThat(counter("AlertsToJdbc", "rows_deferred"), equalTo((long) ALERTS));
    assertThat(counter("AlertsToJdbc", "backlog_rows"), equalTo(0L));
    assertThat(counter("AlertsToJdbc", "rows_written"), equalTo(ALERTS - 1L));
    assertThat(counter("AlertsToJdbc", "dead_letter_sink_rejected"), equalTo(1L));
  }

  private long counter(String step, String name) {
    long sum = 0;
    for (MetricResult<Long> counter :
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.named(WriteToJdbc.class, name))
                    .addStep(step)
                    .build())
            .getCounters()) {
      System.out.printf(
          "JdbcBacklogIT: %s %s %d%n",
          counter.getKey().stepName(), name, Counters.finalValue(counter));
      sum += Counters.finalValue(counter);
    }
    return sum;
  }

  private void assertTables() throws SQLException {
    assertThat(
        new TreeSet<>(column("SELECT entity FROM " + run + ".alerts")), equalTo(goodEntities()));
    assertThat(
        column("SELECT CONCAT(reason, ' ', source) FROM " + run + ".dead_letters"),
        equalTo(List.of("SINK_REJECTED jdbc:alerts:" + TOO_LONG)));
  }

  private void awaitRows(java.time.Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline
        && !(new TreeSet<>(column("SELECT entity FROM " + run + ".alerts")).equals(goodEntities())
            && column("SELECT source FROM " + run + ".dead_letters").size() == 1)) {
      Thread.sleep(500);
    }
  }

  private List<String> column(String query) throws SQLException {
    List<String> values = new ArrayList<>();
    try (Connection connection = IoTestSupport.connect(POSTGRES_URL, POSTGRES_USER);
        Statement statement = connection.createStatement();
        ResultSet rows = statement.executeQuery(query)) {
      while (rows.next()) {
        values.add(rows.getString(1));
      }
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("exist")) {
        return values;
      }
      throw e;
    }
    return values;
  }
}

package dev.dctwin.pipeline.io;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.ServerStatusUpdate;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.BackOff;
import org.apache.beam.sdk.util.BackOffUtils;
import org.apache.beam.sdk.util.FluentBackoff;
import org.apache.beam.sdk.util.Sleeper;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts, server statuses and dead letters into the tables of {@code db/<dialect>/V*.sql}: batched,
 * one transaction per batch, idempotent statements (an upsert keyed by incident id; one keyed by
 * server id that keeps the latest status; dead letters keyed by a content hash), so that the
 * at-least-once delivery of a replay or a retried batch leaves each incident once, in its latest
 * state.
 *
 * <p>A failed batch is retried when the error is transient ({@link TransientSqlErrors}: a lost
 * connection, a serialization conflict, a server short of resources), with exponential backoff on
 * connections that reconnect ({@link ReconnectingDataSource}), for up to {@code --jdbcMaxOutage};
 * then the bundle fails, for the runner to retry. Any other error splits the batch: its rows are
 * written one by one, with the same statement, so that the good rows land exactly as they would
 * have, and a row that the database refuses for good (a value too long for its column, a
 * constraint: {@link TransientSqlErrors#isRecordError}) leaves as a dead letter {@code
 * SINK_REJECTED} with the database's error (counter {@code dead_letter_sink_rejected}), and the job
 * goes on. An error that no row of the batch escapes and that is not about a row (a missing table
 * or privilege) fails the bundle like a transient one: the database, not the data, needs fixing.
 *
 * <p>Dead letters fit their columns before they are written ({@link JdbcColumnLimits#fit}), so the
 * dead-letter table refuses none for its sizes; one it refuses anyway is logged and counted ({@code
 * dead_letters_unwritable}), never sent around again.
 *
 * <p>Not JdbcIO's writer: it can only retry a batch or fail the bundle. See pipeline/IO.md.
 */
public final class WriteToJdbc {
  private static final Logger LOG = LoggerFactory.getLogger(WriteToJdbc.class);
  private static final int RETRY_ATTEMPTS = 20;
  private static final Duration FIRST_BACKOFF = Duration.millis(500);
  private static final WireCodec CODEC = WireCodec.withDefaults();

  private WriteToJdbc() {}

  /** Alerts into {@code alerts}; the rows the database refuses come out as dead letters. */
  public static PTransform<PCollection<Alert>, PCollection<DeadLetter>> alerts(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new Write<>(
        new WriteFn<>(
            target,
            "alerts",
            dialect.upsertAlert(target.table("alerts")),
            (Alert alert, PreparedStatement statement) -> bindAlert(dialect, alert, statement),
            new AlertRejected("alerts"),
            batchSize));
  }

  /**
   * Every alert as a row of the append-only {@code alert_events}: inserted once per incident and
   * transition, a repeated one is ignored. The rows the database refuses come out as dead letters.
   */
  public static PTransform<PCollection<Alert>, PCollection<DeadLetter>> alertEvents(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new Write<>(
        new WriteFn<>(
            target,
            "alert_events",
            dialect.insertAlertEvent(target.table("alert_events")),
            (Alert alert, PreparedStatement statement) -> bindAlertEvent(dialect, alert, statement),
            new AlertRejected("alert_events"),
            batchSize));
  }

  /**
   * Server statuses into {@code server_status}: one row per server, overwritten only by a status
   * that is not older ({@link JdbcDialect#upsertServerStatus}). The rows the database refuses come
   * out as dead letters.
   */
  public static PTransform<PCollection<ServerStatusUpdate>, PCollection<DeadLetter>> serverStatus(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new Write<>(
        new WriteFn<>(
            target,
            "server_status",
            dialect.upsertServerStatus(target.table("server_status")),
            (ServerStatusUpdate status, PreparedStatement statement) ->
                bindServerStatus(dialect, status, statement),
            new ServerStatusRejected(),
            batchSize));
  }

  /** Dead letters into {@code dead_letters}; one the database refuses is logged and counted. */
  public static PTransform<PCollection<DeadLetter>, PDone> deadLetters(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new WriteDeadLetterRows(
        new Write<>(
            new WriteFn<>(
                target,
                "dead_letters",
                dialect.insertDeadLetter(target.table("dead_letters")),
                (DeadLetter letter, PreparedStatement statement) ->
                    bindDeadLetter(dialect, letter, statement),
                null,
                batchSize)));
  }

  /** Dead letters into their table; the writer refuses to send any around again. */
  private static final class WriteDeadLetterRows
      extends PTransform<PCollection<DeadLetter>, PDone> {
    private final Write<DeadLetter> write;

    WriteDeadLetterRows(Write<DeadLetter> write) {
      this.write = write;
    }

    @Override
    public PDone expand(PCollection<DeadLetter> letters) {
      letters.apply("Rows", write);
      return PDone.in(letters.getPipeline());
    }
  }

  static void bindAlert(JdbcDialect dialect, Alert alert, PreparedStatement statement)
      throws SQLException {
    boolean resolved = alert.status() == AlertStatus.RESOLVED;
    int i = 0;
    statement.setString(++i, alert.incidentId());
    statement.setString(++i, alert.status().name());
    statement.setString(++i, alert.level().name());
    statement.setString(++i, alert.entity());
    statement.setString(++i, alert.datacenterId());
    statement.setString(++i, alert.rackId());
    statement.setString(++i, alert.incidentType().name());
    statement.setString(++i, alert.incidentType().category().name());
    statement.setString(++i, alert.severity().name());
    statement.setString(++i, alert.rootCause() == null ? null : alert.rootCause().name());
    statement.setString(++i, alert.explainedBy());
    statement.setString(++i, alert.context());
    dialect.setTime(statement, ++i, alert.openedAt());
    dialect.setTime(statement, ++i, resolved ? alert.eventTime() : null);
    dialect.setTime(statement, ++i, alert.eventTime());
    statement.setString(++i, resolved ? null : alert.id());
    statement.setString(++i, resolved ? alert.id() : null);
  }

  static void bindAlertEvent(JdbcDialect dialect, Alert alert, PreparedStatement statement)
      throws SQLException {
    int i = 0;
    statement.setString(++i, alert.incidentId());
    statement.setString(++i, alert.status().name());
    dialect.setTime(statement, ++i, alert.eventTime());
    statement.setString(++i, alert.level().name());
    statement.setString(++i, alert.entity());
    statement.setString(++i, alert.datacenterId());
    statement.setString(++i, alert.rackId());
    statement.setString(++i, alert.incidentType().name());
    statement.setString(++i, alert.incidentType().category().name());
    statement.setString(++i, alert.severity().name());
    statement.setString(++i, alert.rootCause() == null ? null : alert.rootCause().name());
    statement.setString(++i, alert.explainedBy());
    statement.setBoolean(++i, alert.inMaintenance());
    statement.setString(++i, alert.context());
    dialect.setTime(statement, ++i, alert.openedAt());
  }

  static void bindServerStatus(
      JdbcDialect dialect, ServerStatusUpdate status, PreparedStatement statement)
      throws SQLException {
    int i = 0;
    statement.setString(++i, status.serverId());
    statement.setString(++i, status.rackId());
    statement.setString(++i, status.datacenterId());
    statement.setString(++i, status.lifecycle().name());
    statement.setInt(++i, status.openIncidents().size());
    statement.setString(++i, incidentTypes(status));
    dialect.setTime(statement, ++i, status.lastReportTime());
    if (status.baselineReady() == null) {
      statement.setNull(++i, Types.BOOLEAN);
    } else {
      statement.setBoolean(++i, status.baselineReady());
    }
    dialect.setTime(statement, ++i, status.baselineExpectedReadyAt());
    dialect.setTime(statement, ++i, status.eventTime());
  }

  /** The open incident types by name, comma-separated: the same text for the same set. */
  static String incidentTypes(ServerStatusUpdate status) {
    return status.openIncidents().stream()
        .map(IncidentType::name)
        .sorted()
        .collect(Collectors.joining(","));
  }

  static void bindDeadLetter(JdbcDialect dialect, DeadLetter letter, PreparedStatement statement)
      throws SQLException {
    int i = 0;
    statement.setString(++i, deadLetterId(letter));
    statement.setString(
        ++i, JdbcColumnLimits.fit(letter.source(), JdbcColumnLimits.DEAD_LETTER_SOURCE));
    statement.setString(++i, letter.reason().name());
    statement.setString(
        ++i, JdbcColumnLimits.fit(rowDetail(letter), JdbcColumnLimits.DEAD_LETTER_DETAIL));
    statement.setBytes(++i, letter.payload());
    dialect.setTime(statement, ++i, letter.receivedAt());
  }

  /**
   * The {@code detail} column. The table has no columns for a letter's origin and its payload's
   * length and hash (yet: they need a migration), so the detail starts with them: {@code [kafka
   * <topic> partition <p> offset <o>; payload of <n> bytes, SHA-256 <hash>, the first <k> kept]},
   * the origin when known, the payload's part when the letter keeps only its first bytes.
   */
  static String rowDetail(DeadLetter letter) {
    List<String> notes = new ArrayList<>();
    MessageOrigin origin = letter.origin();
    if (origin != null && origin.file() != null) {
      notes.add("file " + origin.file() + " line " + origin.line());
    } else if (origin != null && origin.partition() != null) {
      notes.add(
          "kafka "
              + origin.topic()
              + " partition "
              + origin.partition()
              + " offset "
              + origin.offset());
    } else if (origin != null && origin.topic() != null) {
      notes.add("mqtt " + origin.topic());
    }
    if (letter.payloadCut()) {
      notes.add(
          "payload of "
              + letter.payloadLength()
              + " bytes, SHA-256 "
              + letter.payloadSha256()
              + ", the first "
              + letter.payload().length
              + " kept");
    }
    String detail = letter.detail() == null ? "" : letter.detail();
    return notes.isEmpty() ? letter.detail() : "[" + String.join("; ", notes) + "] " + detail;
  }

  /** The same letter (a retried or replayed bundle) always gets the same id. */
  static String deadLetterId(DeadLetter letter) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(letter.source().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(Long.toString(letter.receivedAt()).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(letter.payload());
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** Binds one row's parameters. */
  interface Binder<T> extends Serializable {
    void bind(T element, PreparedStatement statement) throws SQLException;
  }

  /** The dead letter of a row that the database refused for good. */
  interface Rejected<T> extends Serializable {
    DeadLetter deadLetter(T element, String error);
  }

  /** An alert as a dead letter: its wire JSON, its table and entity, the database's error. */
  private static final class AlertRejected implements Rejected<Alert> {
    private final String table;

    AlertRejected(String table) {
      this.table = table;
    }

    @Override
    public DeadLetter deadLetter(Alert alert, String error) {
      byte[] payload;
      try {
        payload = CODEC.encode(alert);
      } catch (RuntimeException e) {
        payload = alert.toString().getBytes(StandardCharsets.UTF_8);
      }
      return DeadLetter.of(
          "jdbc:" + table + ":" + alert.entity(),
          DeadLetterReason.SINK_REJECTED,
          "the database refused the row of incident " + alert.incidentId() + " for good: " + error,
          payload,
          System.currentTimeMillis());
    }
  }

  /** A server status as a dead letter: its record as text, the server, the database's error. */
  private static final class ServerStatusRejected implements Rejected<ServerStatusUpdate> {
    @Override
    public DeadLetter deadLetter(ServerStatusUpdate status, String error) {
      return DeadLetter.of(
          "jdbc:server_status:" + status.serverId(),
          DeadLetterReason.SINK_REJECTED,
          "the database refused the status of server "
              + status.serverId()
              + " at "
              + status.eventTime()
              + " for good: "
              + error,
          status.toString().getBytes(StandardCharsets.UTF_8),
          System.currentTimeMillis());
    }
  }

  private static final class Write<T> extends PTransform<PCollection<T>, PCollection<DeadLetter>> {
    private final WriteFn<T> fn;

    Write(WriteFn<T> fn) {
      this.fn = fn;
    }

    @Override
    public PCollection<DeadLetter> expand(PCollection<T> input) {
      return input.apply("JdbcWrite", ParDo.of(fn)).setCoder(RecordCoder.of(DeadLetter.class));
    }
  }

  /**
   * Writes a bundle's rows in batches of {@code batchSize}, each in one transaction, and outputs
   * the dead letters of the rows that the database refused for good (see the class comment).
   */
  static final class WriteFn<T> extends DoFn<T, DeadLetter> {
    private final Counter rowsWritten = Metrics.counter(WriteToJdbc.class, "rows_written");
    private final Counter retries = Metrics.counter(WriteToJdbc.class, "retries");
    private final Counter batchesSplit = Metrics.counter(WriteToJdbc.class, "batches_split");
    private final Counter rejected =
        Metrics.counter(WriteToJdbc.class, DeadLetterReason.SINK_REJECTED.counterName());
    private final Counter unwritable =
        Metrics.counter(WriteToJdbc.class, "dead_letters_unwritable");

    private final JdbcTarget target;
    private final String table;
    private final String statement;
    private final Binder<T> binder;
    private final Rejected<T> rejection;
    private final long batchSize;

    private transient DataSource dataSource;
    private transient Connection connection;
    private transient List<Pending<T>> pending;

    /** Dead letters of this bundle, output when it finishes, each in its row's window. */
    private transient List<Pending<DeadLetter>> refused;

    /** A row with the timestamp and window its dead letter would have. */
    private record Pending<V>(V value, Instant timestamp, BoundedWindow window) {}

    WriteFn(
        JdbcTarget target,
        String table,
        String statement,
        Binder<T> binder,
        Rejected<T> rejection,
        long batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("--jdbcBatchSize must be at least 1, not " + batchSize);
      }
      this.target = target;
      this.table = table;
      this.statement = statement;
      this.binder = binder;
      this.rejection = rejection;
      this.batchSize = batchSize;
    }

    @Setup
    public void setup() {
      dataSource = target.dataSource();
    }

    @StartBundle
    public void startBundle() {
      pending = new ArrayList<>();
      refused = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element T row, @Timestamp Instant timestamp, BoundedWindow window)
        throws InterruptedException {
      pending.add(new Pending<>(row, timestamp, window));
      if (pending.size() >= batchSize) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws InterruptedException {
      flush();
      for (Pending<DeadLetter> letter : refused) {
        context.output(letter.value(), letter.timestamp(), letter.window());
      }
      refused.clear();
    }

    @Teardown
    public void teardown() {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          // Closing only releases what is left.
        }
        connection = null;
      }
    }

    private void flush() throws InterruptedException {
      if (pending.isEmpty()) {
        return;
      }
      List<Pending<T>> batch = pending;
      pending = new ArrayList<>();
      SQLException batchError;
      try {
        writeRetryingTransientErrors(batch);
        return;
      } catch (SQLException e) {
        batchError = e;
      }
      // Not transient: find the rows at fault, and write the others exactly as the batch would.
      batchesSplit.inc();
      LOG.warn(
          "a batch of {} rows into {} failed ({}); writing its rows one by one",
          batch.size(),
          table,
          TransientSqlErrors.describe(batchError));
      List<Pending<T>> failedRows = new ArrayList<>();
      List<SQLException> errors = new ArrayList<>();
      boolean anyWritten = false;
      for (Pending<T> row : batch) {
        try {
          writeRetryingTransientErrors(List.of(row));
          anyWritten = true;
        } catch (SQLException e) {
          failedRows.add(row);
          errors.add(e);
        }
      }
      for (SQLException error : errors) {
        if (!anyWritten && !TransientSqlErrors.isRecordError(error)) {
          throw new IllegalStateException(
              "cannot write to "
                  + table
                  + ": "
                  + TransientSqlErrors.describe(error)
                  + " (no row of the batch could be written, and the error is not about a row:"
                  + " the bundle fails and is retried)",
              error);
        }
      }
      for (int i = 0; i < failedRows.size(); i++) {
        reject(failedRows.get(i), TransientSqlErrors.describe(errors.get(i)));
      }
    }

    private void reject(Pending<T> row, String error) {
      if (rejection == null) {
        unwritable.inc();
        LOG.error("a row for {} cannot be written and is dropped: {}", table, error);
        return;
      }
      rejected.inc();
      refused.add(
          new Pending<>(rejection.deadLetter(row.value(), error), row.timestamp(), row.window()));
    }

    /**
     * Writes the rows in one transaction, retrying transient errors; throws the first error that is
     * not transient, or fails the bundle when transient ones outlast the retry budget.
     */
    private void writeRetryingTransientErrors(List<Pending<T>> rows)
        throws SQLException, InterruptedException {
      BackOff backoff =
          FluentBackoff.DEFAULT
              .withInitialBackoff(FIRST_BACKOFF)
              .withMaxRetries(RETRY_ATTEMPTS)
              .withMaxCumulativeBackoff(target.maxOutage())
              .backoff();
      while (true) {
        try {
          write(rows);
          rowsWritten.inc(rows.size());
          return;
        } catch (SQLException e) {
          if (!TransientSqlErrors.isTransient(e)) {
            throw e;
          }
          retries.inc();
          boolean again;
          try {
            again = BackOffUtils.next(Sleeper.DEFAULT, backoff);
          } catch (IOException backoffFailed) {
            again = false;
          }
          if (!again) {
            throw new IllegalStateException(
                "cannot write to "
                    + table
                    + " after retrying for up to "
                    + target.maxOutage().getStandardSeconds()
                    + " s: "
                    + TransientSqlErrors.describe(e)
                    + " (the bundle fails and is retried)",
                e);
          }
        }
      }
    }

    private void write(List<Pending<T>> rows) throws SQLException {
      if (connection == null) {
        connection = dataSource.getConnection();
        connection.setAutoCommit(false);
      }
      Connection connection = this.connection;
      try (PreparedStatement prepared = connection.prepareStatement(statement)) {
        for (Pending<T> row : rows) {
          binder.bind(row.value(), prepared);
          prepared.addBatch();
        }
        prepared.executeBatch();
        connection.commit();
      } catch (SQLException e) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailed) {
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      }
    }
  }
}

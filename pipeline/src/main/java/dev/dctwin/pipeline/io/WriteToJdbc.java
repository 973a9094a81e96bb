package dev.dctwin.pipeline.io;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HexFormat;
import org.apache.beam.sdk.io.jdbc.JdbcIO;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.joda.time.Duration;

/**
 * Alerts and dead letters into the tables of {@code db/<dialect>/V*.sql} with JdbcIO: batched, one
 * transaction per batch, idempotent statements (an upsert keyed by incident id; dead letters keyed
 * by a content hash), so that the at-least-once delivery of a replay or a retried batch leaves each
 * incident once, in its latest state. Transient errors ({@link TransientSqlErrors}) are retried
 * with exponential backoff on connections that reconnect ({@link ReconnectingDataSource}).
 */
public final class WriteToJdbc {
  private static final int RETRY_ATTEMPTS = 20;

  private WriteToJdbc() {}

  public static PTransform<PCollection<Alert>, PDone> alerts(JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new Write<>(
        JdbcIO.<Alert>write()
            .withStatement(dialect.upsertAlert(target.table("alerts")))
            .withPreparedStatementSetter(
                (Alert alert, PreparedStatement statement) -> bindAlert(dialect, alert, statement)),
        target,
        batchSize);
  }

  /**
   * Every alert as a row of the append-only {@code alert_events}: inserted once per incident and
   * transition, a repeated one is ignored.
   */
  public static PTransform<PCollection<Alert>, PDone> alertEvents(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new Write<>(
        JdbcIO.<Alert>write()
            .withStatement(dialect.insertAlertEvent(target.table("alert_events")))
            .withPreparedStatementSetter(
                (Alert alert, PreparedStatement statement) ->
                    bindAlertEvent(dialect, alert, statement)),
        target,
        batchSize);
  }

  public static PTransform<PCollection<DeadLetter>, PDone> deadLetters(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new Write<>(
        JdbcIO.<DeadLetter>write()
            .withStatement(dialect.insertDeadLetter(target.table("dead_letters")))
            .withPreparedStatementSetter(
                (DeadLetter letter, PreparedStatement statement) ->
                    bindDeadLetter(dialect, letter, statement)),
        target,
        batchSize);
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

  static void bindDeadLetter(JdbcDialect dialect, DeadLetter letter, PreparedStatement statement)
      throws SQLException {
    int i = 0;
    statement.setString(++i, deadLetterId(letter));
    statement.setString(++i, letter.source());
    statement.setString(++i, letter.reason().name());
    statement.setString(++i, letter.detail());
    statement.setBytes(++i, letter.payload());
    dialect.setTime(statement, ++i, letter.receivedAt());
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

  private static final class Write<T> extends PTransform<PCollection<T>, PDone> {
    private final JdbcIO.Write<T> write;
    private final JdbcTarget target;
    private final long batchSize;

    Write(JdbcIO.Write<T> write, JdbcTarget target, long batchSize) {
      this.write = write;
      this.target = target;
      this.batchSize = batchSize;
    }

    @Override
    public PDone expand(PCollection<T> input) {
      return input.apply(
          "JdbcWrite",
          write
              .withDataSourceProviderFn(target.dataSourceProvider())
              .withBatchSize(batchSize)
              .withRetryStrategy(new TransientSqlErrors())
              .withRetryConfiguration(
                  JdbcIO.RetryConfiguration.create(
                      RETRY_ATTEMPTS, target.maxOutage(), Duration.millis(500))));
    }
  }
}

package dev.dctwin.pipeline.view;

import dev.dctwin.pipeline.io.JdbcDialect;
import dev.dctwin.pipeline.io.JdbcTarget;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code server_status} table of the pipeline's database, read over one connection of {@link
 * JdbcTarget#dataSource()}: a connection lost in an outage is dropped and the next read opens a new
 * one. The target's {@code maxOutage} is zero, so a read fails at once while the database is away
 * and the poller tries again on its next turn instead of blocking.
 */
final class ServerStatusTable implements ServerStatusPoller.Source, AutoCloseable {
  private static final String COLUMNS =
      "server_id, rack_id, datacenter_id, lifecycle, open_incidents, incident_types,"
          + " last_report_at, baseline_ready, baseline_expected_ready_at, changed_at";
  private static final int QUERY_TIMEOUT_SECONDS = 10;

  private final JdbcTarget target;
  private final JdbcDialect dialect;
  private final String table;
  private Connection connection;

  ServerStatusTable(JdbcTarget target) {
    this.target = target.withMaxOutage(org.joda.time.Duration.ZERO);
    this.dialect = target.dialect();
    this.table = target.table("server_status");
  }

  @Override
  public List<ServerStatus> read(Long since) throws SQLException {
    if (connection == null) {
      connection = target.dataSource().getConnection();
    }
    String sql = "SELECT " + COLUMNS + " FROM " + table;
    if (since != null) {
      sql += " WHERE changed_at >= ?";
    }
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
      if (since != null) {
        setTime(statement, 1, since);
      }
      List<ServerStatus> rows = new ArrayList<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          int open = result.getInt("open_incidents");
          boolean ready = result.getBoolean("baseline_ready");
          Boolean baselineReady = result.wasNull() ? null : ready;
          rows.add(
              new ServerStatus(
                  result.getString("server_id"),
                  result.getString("rack_id"),
                  result.getString("datacenter_id"),
                  result.getString("lifecycle"),
                  open,
                  result.getString("incident_types"),
                  time(result, "last_report_at"),
                  baselineReady,
                  time(result, "baseline_expected_ready_at"),
                  time(result, "changed_at")));
        }
      }
      return rows;
    }
  }

  @Override
  public String describe() {
    return target.toString(); // the URL and user, never the password
  }

  @Override
  public void close() {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException e) {
        // Closing anyway.
      }
      connection = null;
    }
  }

  /**
   * Times as the sink writes them: TIMESTAMPTZ on PostgreSQL, DATETIME(3) holding UTC on MariaDB.
   */
  private void setTime(PreparedStatement statement, int index, long epochMillis)
      throws SQLException {
    Instant instant = Instant.ofEpochMilli(epochMillis);
    if (dialect == JdbcDialect.POSTGRESQL) {
      statement.setObject(index, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC));
    } else {
      statement.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
    }
  }

  private Long time(ResultSet result, String column) throws SQLException {
    if (dialect == JdbcDialect.POSTGRESQL) {
      OffsetDateTime time = result.getObject(column, OffsetDateTime.class);
      return time == null ? null : time.toInstant().toEpochMilli();
    }
    LocalDateTime time = result.getObject(column, LocalDateTime.class);
    return time == null ? null : time.toInstant(ZoneOffset.UTC).toEpochMilli();
  }
}

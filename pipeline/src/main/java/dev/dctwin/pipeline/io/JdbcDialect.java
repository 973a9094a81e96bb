package dev.dctwin.pipeline.io;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collections;
import java.util.List;

/**
 * What differs between the supported databases: the migrations' folder, the idempotent upserts and
 * how a time is bound. Both alert upserts are written so that any order and any number of
 * repetitions of an incident's alerts converge to the same row: RESOLVED wins over OPENED, the
 * first resolved time is kept and the OPENED alert's columns ({@link #OPENED_COLUMNS}) come from
 * the OPENED alert whichever arrives first. A server's status rows converge to the one of the
 * latest event time.
 */
public enum JdbcDialect {
  POSTGRESQL("db/postgresql") {
    @Override
    String upsertAlert(String table) {
      return "INSERT INTO "
          + table
          + " ("
          + ALERT_COLUMNS
          + ") VALUES ("
          + ALERT_PARAMETERS
          + ") ON CONFLICT (incident_id) DO UPDATE SET"
          + " status = CASE WHEN "
          + table
          + ".status = 'RESOLVED' OR EXCLUDED.status = 'RESOLVED'"
          + " THEN 'RESOLVED' ELSE 'OPENED' END,"
          + " resolved_at = COALESCE("
          + table
          + ".resolved_at, EXCLUDED.resolved_at),"
          + " resolved_alert_id = COALESCE("
          + table
          + ".resolved_alert_id, EXCLUDED.resolved_alert_id),"
          + String.join(
              "",
              OPENED_COLUMNS.stream()
                  .map(
                      c ->
                          " "
                              + c
                              + " = CASE WHEN EXCLUDED.status = 'OPENED' THEN EXCLUDED."
                              + c
                              + " ELSE "
                              + table
                              + "."
                              + c
                              + " END,")
                  .toList())
          + " last_event_time = GREATEST("
          + table
          + ".last_event_time, EXCLUDED.last_event_time)";
    }

    @Override
    String insertDeadLetter(String table) {
      return "INSERT INTO "
          + table
          + " ("
          + DEAD_LETTER_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING";
    }

    @Override
    String insertAlertEvent(String table) {
      return "INSERT INTO "
          + table
          + " ("
          + ALERT_EVENT_COLUMNS
          + ") VALUES ("
          + ALERT_EVENT_PARAMETERS
          + ") ON CONFLICT (incident_id, transition) DO NOTHING";
    }

    @Override
    String upsertServerStatus(String table) {
      StringBuilder sql =
          new StringBuilder("INSERT INTO ")
              .append(table)
              .append(" (")
              .append(String.join(", ", SERVER_STATUS_COLUMNS))
              .append(") VALUES (")
              .append(parameters(SERVER_STATUS_COLUMNS.size()))
              .append(") ON CONFLICT (server_id) DO UPDATE SET ");
      List<String> updated = SERVER_STATUS_COLUMNS.subList(1, SERVER_STATUS_COLUMNS.size());
      sql.append(String.join(", ", updated.stream().map(c -> c + " = EXCLUDED." + c).toList()));
      return sql.append(" WHERE ")
          .append(table)
          .append(".changed_at <= EXCLUDED.changed_at")
          .toString();
    }

    @Override
    void setTime(PreparedStatement statement, int index, Long epochMillis) throws SQLException {
      if (epochMillis == null) {
        statement.setNull(index, Types.TIMESTAMP_WITH_TIMEZONE);
      } else {
        statement.setObject(
            index, OffsetDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
      }
    }
  },

  MARIADB("db/mariadb") {
    @Override
    String upsertAlert(String table) {
      // MariaDB evaluates the assignments left to right, each seeing the previous ones: every
      // right-hand side below reads only columns that are not assigned before it (the opening's
      // columns test the inserted status, VALUES(status), not the just assigned one).
      return "INSERT INTO "
          + table
          + " ("
          + ALERT_COLUMNS
          + ") VALUES ("
          + ALERT_PARAMETERS
          + ") ON DUPLICATE KEY UPDATE"
          + " status = IF(status = 'RESOLVED' OR VALUES(status) = 'RESOLVED', 'RESOLVED',"
          + " 'OPENED'),"
          + " resolved_at = COALESCE(resolved_at, VALUES(resolved_at)),"
          + " resolved_alert_id = COALESCE(resolved_alert_id, VALUES(resolved_alert_id)),"
          + String.join(
              "",
              OPENED_COLUMNS.stream()
                  .map(
                      c ->
                          " "
                              + c
                              + " = IF(VALUES(status) = 'OPENED', VALUES("
                              + c
                              + "), "
                              + c
                              + "),")
                  .toList())
          + " last_event_time = GREATEST(last_event_time, VALUES(last_event_time))";
    }

    @Override
    String insertDeadLetter(String table) {
      return "INSERT INTO "
          + table
          + " ("
          + DEAD_LETTER_COLUMNS
          + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE id = id";
    }

    @Override
    String insertAlertEvent(String table) {
      // Not INSERT IGNORE: that would also turn other errors (a too long value) into warnings.
      return "INSERT INTO "
          + table
          + " ("
          + ALERT_EVENT_COLUMNS
          + ") VALUES ("
          + ALERT_EVENT_PARAMETERS
          + ") ON DUPLICATE KEY UPDATE incident_id = incident_id";
    }

    @Override
    String upsertServerStatus(String table) {
      // Assignments run left to right, each seeing the previous ones: every column but changed_at
      // compares with the stored changed_at, which is assigned last.
      StringBuilder sql =
          new StringBuilder("INSERT INTO ")
              .append(table)
              .append(" (")
              .append(String.join(", ", SERVER_STATUS_COLUMNS))
              .append(") VALUES (")
              .append(parameters(SERVER_STATUS_COLUMNS.size()))
              .append(") ON DUPLICATE KEY UPDATE ");
      List<String> updated = SERVER_STATUS_COLUMNS.subList(1, SERVER_STATUS_COLUMNS.size() - 1);
      for (String column : updated) {
        sql.append(column)
            .append(" = IF(VALUES(changed_at) >= changed_at, VALUES(")
            .append(column)
            .append("), ")
            .append(column)
            .append("), ");
      }
      return sql.append("changed_at = GREATEST(changed_at, VALUES(changed_at))").toString();
    }

    @Override
    void setTime(PreparedStatement statement, int index, Long epochMillis) throws SQLException {
      if (epochMillis == null) {
        statement.setNull(index, Types.TIMESTAMP);
      } else {
        // DATETIME(3) holds UTC: no session time zone is involved.
        statement.setObject(
            index, LocalDateTime.ofInstant(Instant.ofEpochMilli(epochMillis), ZoneOffset.UTC));
      }
    }
  };

  static final String ALERT_COLUMNS =
      "incident_id, status, level, entity, datacenter_id, rack_id, incident_type, category,"
          + " severity, root_cause, explained_by, context, opened_at, resolved_at,"
          + " last_event_time, opened_alert_id, resolved_alert_id";

  /**
   * The columns an incident's OPENED alert owns: the upserts take them from the OPENED alert
   * whichever of its alerts arrives first, and from a RESOLVED alert only until the OPENED one
   * arrives (a RESOLVED alert carries its own context and no {@code opened_alert_id}).
   */
  static final List<String> OPENED_COLUMNS =
      List.of(
          "level",
          "entity",
          "datacenter_id",
          "rack_id",
          "incident_type",
          "category",
          "severity",
          "root_cause",
          "explained_by",
          "context",
          "opened_at",
          "opened_alert_id");

  private static final String ALERT_PARAMETERS =
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
  static final String DEAD_LETTER_COLUMNS =
      "id, source, reason, detail, payload, received_at, origin_topic, origin_partition,"
          + " origin_offset, origin_file, origin_line, payload_length, payload_sha256";
  static final String ALERT_EVENT_COLUMNS =
      "incident_id, transition, event_time, level, entity, datacenter_id, rack_id,"
          + " incident_type, category, severity, root_cause, explained_by, in_maintenance,"
          + " context, opened_at";
  private static final String ALERT_EVENT_PARAMETERS =
      "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";

  /** The columns of {@code server_status}, the key first and {@code changed_at} last. */
  static final List<String> SERVER_STATUS_COLUMNS =
      List.of(
          "server_id",
          "rack_id",
          "datacenter_id",
          "lifecycle",
          "open_incidents",
          "incident_types",
          "last_report_at",
          "baseline_ready",
          "baseline_expected_ready_at",
          "changed_at");

  private static String parameters(int count) {
    return String.join(", ", Collections.nCopies(count, "?"));
  }

  private final String migrations;

  JdbcDialect(String migrations) {
    this.migrations = migrations;
  }

  /** The classpath folder of this database's versioned migrations. */
  String migrations() {
    return migrations;
  }

  abstract String upsertAlert(String table);

  abstract String insertDeadLetter(String table);

  abstract String insertAlertEvent(String table);

  /**
   * Inserts a server's status or overwrites the stored one if it is not newer: a replay, a retried
   * batch or a late row leaves the row of the latest {@code changed_at} (of equal ones, the last
   * written).
   */
  abstract String upsertServerStatus(String table);

  abstract void setTime(PreparedStatement statement, int index, Long epochMillis)
      throws SQLException;

  /** The dialect of a JDBC URL, or an error naming the supported ones. */
  public static JdbcDialect of(String jdbcUrl) {
    if (jdbcUrl.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    if (jdbcUrl.startsWith("jdbc:mariadb:") || jdbcUrl.startsWith("jdbc:mysql:")) {
      return MARIADB;
    }
    throw new IllegalArgumentException(
        "--jdbcUrl must start with jdbc:postgresql: or jdbc:mariadb:, not "
            + jdbcUrl.substring(0, Math.min(jdbcUrl.length(), 16)));
  }
}

package dev.dctwin.pipeline.io;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;

/**
 * What a failed SQL write means, by SQLSTATE (and MariaDB's error codes where its SQLSTATE is the
 * generic {@code HY000}). Batch errors are unwrapped: drivers report the cause as the next
 * exception.
 *
 * <ul>
 *   <li>{@link #isTransient}: worth retrying the same write. The connection is gone or refused
 *       (class 08), the transaction lost a serialization conflict or a deadlock (class 40;
 *       MariaDB's deadlock 1213 and lock wait timeout 1205), the server lacks resources (class 53:
 *       too many connections, disk full, out of memory) or is shutting down, starting or cancelled
 *       the statement (class 57).
 *   <li>{@link #isRecordError}: the row itself cannot be stored, and never will be: a data
 *       exception (class 22: a value too long for its column, out of range, an invalid character),
 *       an integrity constraint (class 23), a program limit (class 54: a row or index entry too
 *       large), and MariaDB's equivalents.
 *   <li>Anything else (class 42: a missing table or privilege; 28: authentication; 3D/3F: no such
 *       database or schema) is about the database, not about a row: {@link WriteToJdbc} treats it
 *       as a row's only when other rows of the same batch were written.
 * </ul>
 */
final class TransientSqlErrors {
  private static final Set<String> TRANSIENT_CLASSES = Set.of("08", "40", "53", "57");
  private static final Set<String> RECORD_CLASSES = Set.of("22", "23", "54");
  private static final Set<Integer> MARIADB_TRANSIENT = Set.of(1205, 1213);

  /**
   * MariaDB's row errors: data too long (1406), out of range (1264), incorrect value (1366, 1292),
   * null in a NOT NULL column (1048), duplicate key (1062), foreign key (1451, 1452), row too large
   * (1118), invalid character string (1300).
   */
  private static final Set<Integer> MARIADB_RECORD =
      Set.of(1406, 1264, 1366, 1292, 1048, 1062, 1451, 1452, 1118, 1300);

  private TransientSqlErrors() {}

  static boolean isTransient(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth++ < 32; t = next(t)) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null
            && state.length() >= 2
            && TRANSIENT_CLASSES.contains(state.substring(0, 2))) {
          return true;
        }
        if (MARIADB_TRANSIENT.contains(sql.getErrorCode())) {
          return true;
        }
      }
    }
    return false;
  }

  /** True when the row cannot be stored as it is: no retry and no other row can change that. */
  static boolean isRecordError(Throwable error) {
    if (isTransient(error)) {
      return false;
    }
    int depth = 0;
    for (Throwable t = error; t != null && depth++ < 32; t = next(t)) {
      if (t instanceof SQLDataException || t instanceof SQLIntegrityConstraintViolationException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null
            && state.length() >= 2
            && RECORD_CLASSES.contains(state.substring(0, 2))) {
          return true;
        }
        if (MARIADB_RECORD.contains(sql.getErrorCode())) {
          return true;
        }
      }
    }
    return false;
  }

  /**
   * SQLSTATE and message of the innermost SQL error, for a dead letter or a log line; cut to 1,000
   * characters (PostgreSQL's detail repeats the whole refused row).
   */
  static String describe(Throwable error) {
    Throwable cause = error;
    int depth = 0;
    for (Throwable t = error; t != null && depth++ < 32; t = next(t)) {
      if (t instanceof SQLException) {
        cause = t;
      }
    }
    String state = cause instanceof SQLException sql ? sql.getSQLState() : null;
    return JdbcColumnLimits.fit(
        (state == null ? "" : "SQLSTATE " + state + ": ") + cause.getMessage(), 1_000);
  }

  /** True when the connection itself is unusable and a new one is needed. */
  static boolean isConnectionLost(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth++ < 32; t = next(t)) {
      if (t instanceof SQLRecoverableException
          || t instanceof java.sql.SQLNonTransientConnectionException
          || t instanceof java.sql.SQLTransientConnectionException) {
        return true;
      }
      if (t instanceof SQLException sql && sql.getSQLState() != null) {
        String state = sql.getSQLState();
        if (state.startsWith("08") || state.startsWith("57P")) {
          return true;
        }
      }
    }
    return false;
  }

  private static Throwable next(Throwable t) {
    if (t instanceof SQLException sql && sql.getNextException() != null) {
      return sql.getNextException();
    }
    return t.getCause() == t ? null : t.getCause();
  }
}

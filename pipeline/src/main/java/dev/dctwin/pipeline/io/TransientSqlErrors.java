package dev.dctwin.pipeline.io;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.Set;
import org.apache.beam.sdk.io.jdbc.JdbcIO;

/**
 * The SQL errors worth retrying a batch for: the connection is gone or refused (SQLSTATE class 08),
 * the server is shutting down or starting (57P01..57P03), the transaction lost a deadlock or a
 * serialization conflict (40001, 40P01; MariaDB's deadlock 1213 and lock wait timeout 1205).
 * Everything else (a constraint, a type, a permission) would fail again and is not retried. Batch
 * errors are unwrapped: drivers report the cause as the next exception.
 */
public final class TransientSqlErrors implements JdbcIO.RetryStrategy {
  private static final Set<String> STATES = Set.of("40001", "40P01", "57P01", "57P02", "57P03");
  private static final Set<Integer> MARIADB_CODES = Set.of(1205, 1213);

  @Override
  public boolean apply(SQLException error) {
    return isTransient(error);
  }

  public static boolean isTransient(Throwable error) {
    int depth = 0;
    for (Throwable t = error; t != null && depth++ < 32; t = next(t)) {
      if (t instanceof SQLTransientException || t instanceof SQLRecoverableException) {
        return true;
      }
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if (state != null && (state.startsWith("08") || STATES.contains(state))) {
          return true;
        }
        if (MARIADB_CODES.contains(sql.getErrorCode())) {
          return true;
        }
      }
    }
    return false;
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

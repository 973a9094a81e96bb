package dev.dctwin.pipeline.io;

import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * A data source whose connections reconnect by themselves, so that {@link WriteToJdbc}'s retries
 * can outlast a database outage.
 *
 * <p>Why: a writer keeps one connection across batches. When the database restarts, that connection
 * is dead: its rollback throws and every retry on it fails. Behind this proxy, a lost connection is
 * dropped (its rollback becomes a no-op) and the next call that needs the database opens a new one,
 * waiting with exponential backoff for up to {@code maxOutage} while the database is unreachable.
 */
final class ReconnectingDataSource implements DataSource {
  private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(ReconnectingDataSource.class);
  private static final long FIRST_WAIT_MS = 200;
  private static final long LONGEST_WAIT_MS = 5_000;

  private final JdbcTarget target;

  ReconnectingDataSource(JdbcTarget target) {
    this.target = target;
  }

  @Override
  public Connection getConnection() {
    return (Connection)
        Proxy.newProxyInstance(
            Connection.class.getClassLoader(),
            new Class<?>[] {Connection.class},
            new Handler(target));
  }

  @Override
  public Connection getConnection(String username, String password) throws SQLException {
    throw new SQLFeatureNotSupportedException("credentials come from the JdbcTarget");
  }

  @Override
  public PrintWriter getLogWriter() {
    return null;
  }

  @Override
  public void setLogWriter(PrintWriter out) {}

  @Override
  public void setLoginTimeout(int seconds) {}

  @Override
  public int getLoginTimeout() {
    return 0;
  }

  @Override
  public Logger getParentLogger() throws SQLFeatureNotSupportedException {
    throw new SQLFeatureNotSupportedException();
  }

  @Override
  public <T> T unwrap(Class<T> type) throws SQLException {
    throw new SQLException("not a wrapper");
  }

  @Override
  public boolean isWrapperFor(Class<?> type) {
    return false;
  }

  private static final class Handler implements InvocationHandler {
    private final JdbcTarget target;
    private Connection delegate;
    private boolean autoCommit = true;
    private boolean closed;

    Handler(JdbcTarget target) {
      this.target = target;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "close" -> {
          closed = true;
          drop();
          return null;
        }
        case "isClosed" -> {
          return closed;
        }
        case "setAutoCommit" -> {
          // Remembered for every future physical connection; applied now only if there is one.
          autoCommit = (Boolean) args[0];
          if (delegate == null) {
            return null;
          }
        }
        case "rollback" -> {
          if (delegate == null) {
            return null; // the transaction died with the connection
          }
          try {
            return method.invoke(delegate, args);
          } catch (InvocationTargetException e) {
            if (TransientSqlErrors.isConnectionLost(e.getCause()) || delegate.isClosed()) {
              drop();
              return null;
            }
            throw e.getCause();
          }
        }
        case "equals" -> {
          return proxy == args[0];
        }
        case "hashCode" -> {
          return System.identityHashCode(proxy);
        }
        case "toString" -> {
          return "ReconnectingConnection[" + target.redactedUrl() + "]";
        }
        default -> {}
      }
      Connection connection = connected();
      try {
        return method.invoke(connection, args);
      } catch (InvocationTargetException e) {
        if (TransientSqlErrors.isConnectionLost(e.getCause())) {
          drop();
        }
        throw e.getCause();
      }
    }

    private Connection connected() throws SQLException, InterruptedException {
      if (closed) {
        throw new SQLException("connection closed", "08003");
      }
      if (delegate != null && !delegate.isClosed()) {
        return delegate;
      }
      drop();
      long deadline = System.currentTimeMillis() + target.maxOutage().getMillis();
      long wait = FIRST_WAIT_MS;
      int attempt = 0;
      while (true) {
        try {
          Connection connection = target.connect();
          connection.setAutoCommit(autoCommit);
          if (attempt > 0) {
            LOG.debug("reconnected to {} after {} attempts", target.redactedUrl(), attempt + 1);
          }
          delegate = connection;
          return connection;
        } catch (SQLException e) {
          attempt++;
          if (!TransientSqlErrors.isTransient(e) || System.currentTimeMillis() + wait > deadline) {
            throw e;
          }
          // WriteToJdbc logs an outage once; a line per connection attempt would repeat it.
          if (attempt == 1) {
            LOG.debug(
                "database {} unreachable ({}); retrying for up to {} s",
                target.redactedUrl(),
                e.getMessage(),
                target.maxOutage().getStandardSeconds());
          }
          Thread.sleep(wait);
          wait = Math.min(wait * 2, LONGEST_WAIT_MS);
        }
      }
    }

    private void drop() {
      if (delegate != null) {
        try {
          delegate.close();
        } catch (SQLException ignored) {
          // It is already broken; closing only releases what is left.
        }
        delegate = null;
      }
    }
  }
}

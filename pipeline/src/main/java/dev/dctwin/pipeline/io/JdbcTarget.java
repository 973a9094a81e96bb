package dev.dctwin.pipeline.io;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import javax.sql.DataSource;
import org.joda.time.Duration;

/**
 * A database dctwin writes to: URL, user, where the password is, the schema of its tables, how long
 * a blocking write waits out an outage and how many rows a writer holds back during one (see {@link
 * WriteToJdbc}). Serializable without the password, which is read from its {@link Secret} where a
 * connection is opened.
 */
public record JdbcTarget(
    String url,
    String user,
    Secret password,
    String schema,
    Duration maxOutage,
    long maxBacklogRows)
    implements Serializable {

  /** A target with the default backlog ({@code --jdbcMaxBacklogRows}). */
  public JdbcTarget(String url, String user, Secret password, String schema, Duration maxOutage) {
    this(url, user, password, schema, maxOutage, JdbcOptions.DEFAULT_MAX_BACKLOG_ROWS);
  }

  public static JdbcTarget from(JdbcOptions options) {
    return new JdbcTarget(
        options.getJdbcUrl(),
        options.getJdbcUser(),
        new Secret(options.getJdbcPasswordFile(), JdbcOptions.PASSWORD_ENV),
        options.getJdbcSchema(),
        Duration.standardSeconds(options.getJdbcMaxOutageSeconds()),
        options.getJdbcMaxBacklogRows());
  }

  /** The same database, with connections that wait at most {@code wait} to reconnect. */
  public JdbcTarget withMaxOutage(Duration wait) {
    return new JdbcTarget(url, user, password, schema, wait, maxBacklogRows);
  }

  public JdbcDialect dialect() {
    return JdbcDialect.of(url);
  }

  /** A table name, qualified with the schema when there is one. */
  public String table(String name) {
    return schema == null || schema.isBlank() ? name : schema + "." + name;
  }

  /** One new physical connection, no retry. */
  public Connection connect() throws SQLException {
    Properties properties = new Properties();
    if (user != null) {
      properties.setProperty("user", user);
    }
    password.value().ifPresent(value -> properties.setProperty("password", value));
    // Fail fast instead of hanging on an unreachable host; both drivers take these in seconds
    // (PostgreSQL) or milliseconds (MariaDB), so each is set in its own unit.
    if (dialect() == JdbcDialect.POSTGRESQL) {
      properties.setProperty("connectTimeout", "10");
    } else {
      properties.setProperty("connectTimeout", "10000");
    }
    return DriverManager.getConnection(url, properties);
  }

  /** Connections that survive an outage (made on the worker: not serializable). */
  public DataSource dataSource() {
    return new ReconnectingDataSource(this);
  }

  @Override
  public String toString() {
    return "JdbcTarget[" + url + ", user=" + user + "]";
  }
}

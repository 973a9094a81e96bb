package dev.dctwin.pipeline.io;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.regex.Pattern;
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
  /**
   * What {@code --jdbcSchema} may be: an unquoted SQL identifier in lower case, at most 63
   * characters (PostgreSQL's limit). Tables are named {@code schema.table} in SQL text while the
   * migrations quote the schema, so anything else would either inject SQL or name another schema
   * (PostgreSQL folds unquoted names to lower case).
   */
  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  /** A password in a URL's user information ({@code //user:password@host}). */
  private static final Pattern URL_USER_PASSWORD = Pattern.compile("(//[^/?#@:]*):[^/?#@]*@");

  /** Parameters such as {@code password=}, {@code sslpassword=}, in any case. */
  private static final Pattern URL_PASSWORD_PARAMETER =
      Pattern.compile("(?i)([?&;][^=&;]*password[^=&;]*=)[^&;]*");

  public JdbcTarget {
    if (schema != null && !schema.isBlank() && !SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "--jdbcSchema="
              + schema
              + " is not a schema name dctwin accepts: lower-case letters, digits and _, not"
              + " starting with a digit, at most 63 characters");
    }
  }

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

  /** The URL as logs and messages show it: without a password it may hold. */
  public String redactedUrl() {
    return redact(url);
  }

  /** {@code url} with the password of its user information and password parameters as ***. */
  public static String redact(String url) {
    if (url == null) {
      return null;
    }
    String withoutUserPassword = URL_USER_PASSWORD.matcher(url).replaceAll("$1:***@");
    return URL_PASSWORD_PARAMETER.matcher(withoutUserPassword).replaceAll("$1***");
  }

  @Override
  public String toString() {
    return "JdbcTarget[" + redactedUrl() + ", user=" + user + "]";
  }
}

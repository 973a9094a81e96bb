package dev.dctwin.pipeline.io;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Flags of the JDBC sink. The password is never a flag: see {@link #getJdbcPasswordFile()}. */
public interface JdbcOptions extends PipelineOptions {
  /** Environment variable with the database password when no password file is given. */
  String PASSWORD_ENV = "DCTWIN_JDBC_PASSWORD";

  /** Default of {@link #getJdbcMaxBacklogRows()}. */
  long DEFAULT_MAX_BACKLOG_ROWS = 50_000;

  @Description(
      "Database for alerts and dead letters: jdbc:postgresql://host:port/db or"
          + " jdbc:mariadb://host:port/db (no password in the URL).")
  String getJdbcUrl();

  void setJdbcUrl(String value);

  @Description("Database user; the password comes from --jdbcPasswordFile or $" + PASSWORD_ENV)
  String getJdbcUser();

  void setJdbcUser(String value);

  @Description(
      "File holding the database password (else the environment variable " + PASSWORD_ENV + ").")
  String getJdbcPasswordFile();

  void setJdbcPasswordFile(String value);

  @Description(
      "Schema (PostgreSQL) or database (MariaDB) of dctwin's tables, created by the migrations if"
          + " missing; default: the connection's own.")
  String getJdbcSchema();

  void setJdbcSchema(String value);

  @Description("Rows per JDBC batch (one transaction).")
  @Default.Long(500)
  long getJdbcBatchSize();

  void setJdbcBatchSize(long value);

  @Description(
      "How long a blocking write (a full backlog, the end of a bounded run) waits for an"
          + " unreachable database, retrying with backoff, before the bundle fails, in seconds.")
  @Default.Long(300)
  long getJdbcMaxOutageSeconds();

  void setJdbcMaxOutageSeconds(long value);

  @Description(
      "Rows per table that the JDBC sink holds in its state while the database is unreachable,"
          + " retrying them later; beyond them it blocks (and the sources wait) until the database"
          + " is back or --jdbcMaxOutageSeconds is over. See pipeline/IO.md.")
  @Default.Long(DEFAULT_MAX_BACKLOG_ROWS)
  long getJdbcMaxBacklogRows();

  void setJdbcMaxBacklogRows(long value);
}

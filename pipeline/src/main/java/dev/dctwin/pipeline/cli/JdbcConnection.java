package dev.dctwin.pipeline.cli;

import dev.dctwin.pipeline.io.JdbcDialect;
import dev.dctwin.pipeline.io.JdbcOptions;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.Secret;
import org.joda.time.Duration;
import picocli.CommandLine.Option;

/**
 * The JDBC flags of the services beside the job (the view), named as the job's own {@link
 * JdbcOptions} are: the password is never a flag, it comes from {@code --jdbcPasswordFile} or
 * {@code $DCTWIN_JDBC_PASSWORD}, read when a connection is opened.
 */
public final class JdbcConnection {
  @Option(
      names = "--jdbcUrl",
      description =
          "The pipeline's database: jdbc:postgresql://host:port/db or jdbc:mariadb://host:port/db"
              + " (no password in the URL). Default: none.")
  String url;

  @Option(
      names = "--jdbcUser",
      description =
          "Database user; the password comes from --jdbcPasswordFile or $"
              + JdbcOptions.PASSWORD_ENV
              + ".")
  String user;

  @Option(
      names = "--jdbcPasswordFile",
      description =
          "File holding the database password (else the environment variable "
              + JdbcOptions.PASSWORD_ENV
              + ").")
  String passwordFile;

  @Option(
      names = "--jdbcSchema",
      description =
          "Schema (PostgreSQL) or database (MariaDB) of dctwin's tables; default: the"
              + " connection's own.")
  String schema;

  /** The database these flags name, or null without {@code --jdbcUrl}. */
  public JdbcTarget target() {
    if (url == null || url.isBlank()) {
      return null;
    }
    try {
      JdbcDialect.of(url);
      return new JdbcTarget(
          url,
          user,
          new Secret(passwordFile, JdbcOptions.PASSWORD_ENV),
          schema == null || schema.isBlank() ? null : schema,
          Duration.ZERO);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }
}

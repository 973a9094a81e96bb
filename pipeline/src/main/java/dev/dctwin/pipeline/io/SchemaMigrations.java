package dev.dctwin.pipeline.io;

import java.sql.Connection;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * Brings dctwin's tables to the current version with the versioned SQL files under {@code
 * db/postgresql} or {@code db/mariadb} (Flyway; history in {@code dctwin_schema_history}), at the
 * start of every run and before any data flows. Flyway locks the history table, so pipelines that
 * start together migrate once. A new version is a new {@code V<n>__<what>.sql} file; applied files
 * are never edited (Flyway refuses to run when a checksum changed).
 */
public final class SchemaMigrations {
  private static final String HISTORY_TABLE = "dctwin_schema_history";

  private SchemaMigrations() {}

  /**
   * Connects once to fail fast with a one-line reason (wrong password, unknown host), then
   * migrates. Returns the schema version now in place.
   */
  public static String apply(JdbcTarget target) {
    try (Connection probe = target.connect()) {
      probe.isValid(5);
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot connect to "
              + target.redactedUrl()
              + " as "
              + target.user()
              + ": "
              + firstLine(e));
    }
    var config =
        Flyway.configure(SchemaMigrations.class.getClassLoader())
            .dataSource(target.url(), target.user(), target.password().value().orElse(null))
            .locations("classpath:" + target.dialect().migrations())
            .table(HISTORY_TABLE)
            .connectRetries(0);
    if (target.schema() != null && !target.schema().isBlank()) {
      config = config.schemas(target.schema()).defaultSchema(target.schema()).createSchemas(true);
    }
    try {
      MigrateResult result = config.load().migrate();
      return result.targetSchemaVersion != null
          ? result.targetSchemaVersion
          : String.valueOf(result.initialSchemaVersion);
    } catch (FlywayException e) {
      throw new IllegalStateException(
          "cannot migrate the schema of " + target.redactedUrl() + ": " + firstLine(e));
    }
  }

  private static String firstLine(Throwable error) {
    Throwable root = error;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.toString() : root.getMessage();
    return message.lines().findFirst().orElse(message).strip();
  }
}

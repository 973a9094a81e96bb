package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.lessThanOrEqualTo;

import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.Category;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.FieldLimits;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.ServerStatusUpdate;
import dev.dctwin.domain.Severity;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link JdbcColumnLimits} says what the migrations say, for both databases, and the values the
 * sink writes fit.
 */
@RunWith(JUnit4.class)
public class JdbcColumnLimitsTest {
  private static final Pattern TABLE =
      Pattern.compile("CREATE TABLE (\\w+) \\((.*?)\\n\\)", Pattern.DOTALL);
  private static final Pattern ALTER =
      Pattern.compile("ALTER TABLE (\\w+)\\s+(ADD COLUMN .*?);", Pattern.DOTALL);
  private static final Pattern COLUMN = Pattern.compile("^\\s*(\\w+)\\s+(\\w+)(?:\\((\\d+)\\))?");
  private static final Pattern ADDED =
      Pattern.compile("ADD COLUMN\\s+(\\w+)\\s+(\\w+)(?:\\((\\d+)\\))?");

  /** table.column to its type as written ("VARCHAR(255)", "TEXT", ...), from every migration. */
  private static Map<String, String> columns(JdbcDialect dialect) throws IOException {
    Map<String, String> columns = new TreeMap<>();
    for (String file :
        List.of(
            "V1__alerts_and_dead_letters.sql",
            "V2__alert_events_and_health.sql",
            "V3__server_status_table.sql",
            "V4__dead_letter_origin_columns.sql")) {
      String sql;
      try (InputStream in =
          JdbcColumnLimitsTest.class
              .getClassLoader()
              .getResourceAsStream(dialect.migrations() + "/" + file)) {
        sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      Matcher alter = ALTER.matcher(sql);
      while (alter.find()) {
        Matcher column = ADDED.matcher(alter.group(2));
        while (column.find()) {
          String type = column.group(2).toUpperCase();
          columns.put(
              alter.group(1) + "." + column.group(1),
              column.group(3) == null ? type : type + "(" + column.group(3) + ")");
        }
      }
      Matcher table = TABLE.matcher(sql);
      while (table.find()) {
        for (String line : table.group(2).split("\\n")) {
          Matcher column = COLUMN.matcher(line);
          if (column.find() && !column.group(1).equals("PRIMARY")) {
            String type = column.group(2).toUpperCase();
            columns.put(
                table.group(1) + "." + column.group(1),
                column.group(3) == null ? type : type + "(" + column.group(3) + ")");
          }
        }
      }
    }
    return columns;
  }

  private static Map<String, Integer> varchars(Map<String, String> columns) {
    Map<String, Integer> sizes = new TreeMap<>();
    columns.forEach(
        (name, type) -> {
          if (type.startsWith("VARCHAR(")) {
            sizes.put(name, Integer.parseInt(type.substring(8, type.length() - 1)));
          }
        });
    return sizes;
  }

  @Test
  public void theLimitsAreThoseOfTheMigrationsOfBothDatabases() throws IOException {
    for (JdbcDialect dialect : JdbcDialect.values()) {
      Map<String, String> columns = columns(dialect);
      assertThat(
          dialect + " VARCHAR columns",
          varchars(columns),
          equalTo(new TreeMap<>(JdbcColumnLimits.VARCHAR)));
      assertThat(dialect + " detail", columns.get("dead_letters.detail"), equalTo("TEXT"));
      assertThat(
          dialect + " numbers of the origin",
          List.of(
              columns.get("dead_letters.origin_offset"),
              columns.get("dead_letters.origin_line"),
              columns.get("dead_letters.payload_length")),
          equalTo(List.of("BIGINT", "BIGINT", "BIGINT")));
    }
    assertThat(
        JdbcColumnLimits.DEAD_LETTER_SOURCE,
        equalTo(JdbcColumnLimits.VARCHAR.get("dead_letters.source")));
    assertThat(
        JdbcColumnLimits.DEAD_LETTER_REASON,
        equalTo(JdbcColumnLimits.VARCHAR.get("dead_letters.reason")));
    // A MariaDB TEXT holds 65,535 bytes; a character of utf8mb4 takes up to 4.
    assertThat(JdbcColumnLimits.DEAD_LETTER_DETAIL * 4, lessThanOrEqualTo(65_535));
  }

  @Test
  public void everyNameTheSinkWritesFitsItsColumn() {
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      assertThat(reason.name().length(), lessThanOrEqualTo(JdbcColumnLimits.DEAD_LETTER_REASON));
    }
    for (AlertStatus status : AlertStatus.values()) {
      assertThat(
          status.name().length(), lessThanOrEqualTo(JdbcColumnLimits.VARCHAR.get("alerts.status")));
    }
    for (Level level : Level.values()) {
      assertThat(
          level.name().length(), lessThanOrEqualTo(JdbcColumnLimits.VARCHAR.get("alerts.level")));
    }
    for (IncidentType type : IncidentType.values()) {
      assertThat(
          type.name().length(),
          lessThanOrEqualTo(JdbcColumnLimits.VARCHAR.get("alerts.incident_type")));
      assertThat(
          type.name().length(),
          lessThanOrEqualTo(JdbcColumnLimits.VARCHAR.get("alerts.root_cause")));
    }
    for (Category category : Category.values()) {
      assertThat(
          category.name().length(),
          lessThanOrEqualTo(JdbcColumnLimits.VARCHAR.get("alerts.category")));
    }
    for (Severity severity : Severity.values()) {
      assertThat(
          severity.name().length(),
          lessThanOrEqualTo(JdbcColumnLimits.VARCHAR.get("alerts.severity")));
    }
    for (ServerStatusUpdate.Lifecycle lifecycle : ServerStatusUpdate.Lifecycle.values()) {
      assertThat(
          lifecycle.name().length(),
          lessThanOrEqualTo(JdbcColumnLimits.VARCHAR.get("server_status.lifecycle")));
    }
    String everyServerIncident =
        Arrays.stream(IncidentType.values())
            .filter(type -> type.level() == Level.SERVER)
            .map(IncidentType::name)
            .collect(Collectors.joining(","));
    assertThat(
        everyServerIncident.length(), lessThanOrEqualTo(JdbcColumnLimits.SERVER_INCIDENT_TYPES));
  }

  @Test
  public void whatTheCodecAcceptsFitsItsColumn() throws IOException {
    for (JdbcDialect dialect : JdbcDialect.values()) {
      Map<String, String> columns = columns(dialect);
      assertThat(dialect + " context", columns.get("alerts.context"), equalTo("TEXT"));
      assertThat(dialect + " context", columns.get("alert_events.context"), equalTo("TEXT"));
    }
    // A MariaDB TEXT holds 65,535 bytes; a character of utf8mb4 takes up to 4.
    assertThat(FieldLimits.TEXT * 4, lessThanOrEqualTo(65_535));
    // An alert's id is its incident's id, a colon and its status.
    int longestStatus = 0;
    for (AlertStatus status : AlertStatus.values()) {
      longestStatus = Math.max(longestStatus, status.name().length());
    }
    assertThat(
        FieldLimits.INCIDENT_ID + 1 + longestStatus,
        lessThanOrEqualTo(JdbcColumnLimits.VARCHAR.get("alerts.opened_alert_id")));
  }

  @Test
  public void fitCutsLongTextAndDropsNul() {
    assertThat(JdbcColumnLimits.fit("short", 10), equalTo("short"));
    assertThat(JdbcColumnLimits.fit("a\0b", 10), equalTo("ab"));
    assertThat(JdbcColumnLimits.fit(null, 10), equalTo(null));

    String cut = JdbcColumnLimits.fit("x".repeat(2_000), 1024);
    assertThat(cut.length(), lessThanOrEqualTo(1024));
    assertThat(cut.endsWith("...[cut from 2000 chars]"), equalTo(true));
    assertThat(cut.startsWith("x".repeat(1000)), equalTo(true));

    // Never half a surrogate pair (an emoji is two chars).
    String emoji = "\uD83D\uDD25".repeat(600);
    String fitted = JdbcColumnLimits.fit(emoji, 1024);
    assertThat(fitted.length(), lessThanOrEqualTo(1024));
    String kept = fitted.substring(0, fitted.indexOf("..."));
    assertThat(kept.length() % 2, equalTo(0));
    assertThat(Character.isHighSurrogate(kept.charAt(kept.length() - 1)), equalTo(false));
  }
}

package dev.dctwin.pipeline.io;

import java.util.Map;

/**
 * The sizes of the text columns of the tables that the migrations ({@code db/<dialect>/V*.sql})
 * create, for the code that must fit values into them. The migrations define the sizes; {@code
 * JdbcColumnLimitsTest} checks that this class says the same for both databases, so that a
 * migration that changes a size fails the build until this class follows.
 */
public final class JdbcColumnLimits {
  /** {@code dead_letters.source}, in characters. */
  public static final int DEAD_LETTER_SOURCE = 1024;

  /** {@code dead_letters.reason}, in characters: the longest {@code DeadLetterReason} name. */
  public static final int DEAD_LETTER_REASON = 32;

  /**
   * {@code dead_letters.detail} in characters: a MariaDB {@code TEXT} holds 65,535 bytes, which is
   * this many characters of up to 4 bytes (PostgreSQL's {@code TEXT} has no limit).
   */
  public static final int DEAD_LETTER_DETAIL = 65_535 / 4;

  /**
   * {@code server_status.incident_types}, in characters: room for every server-level incident type,
   * comma-separated ({@code JdbcColumnLimitsTest} checks that they fit).
   */
  public static final int SERVER_INCIDENT_TYPES = 1024;

  /** Every {@code VARCHAR(n)} column, as {@code table.column} to {@code n} (characters). */
  public static final Map<String, Integer> VARCHAR =
      Map.ofEntries(
          Map.entry("alerts.incident_id", 64),
          Map.entry("alerts.status", 16),
          Map.entry("alerts.level", 16),
          Map.entry("alerts.entity", 255),
          Map.entry("alerts.datacenter_id", 255),
          Map.entry("alerts.rack_id", 255),
          Map.entry("alerts.incident_type", 64),
          Map.entry("alerts.category", 32),
          Map.entry("alerts.severity", 16),
          Map.entry("alerts.root_cause", 64),
          Map.entry("alerts.explained_by", 64),
          Map.entry("alerts.opened_alert_id", 80),
          Map.entry("alerts.resolved_alert_id", 80),
          Map.entry("dead_letters.id", 64),
          Map.entry("dead_letters.source", DEAD_LETTER_SOURCE),
          Map.entry("dead_letters.reason", DEAD_LETTER_REASON),
          Map.entry("alert_events.incident_id", 64),
          Map.entry("alert_events.transition", 16),
          Map.entry("alert_events.level", 16),
          Map.entry("alert_events.entity", 255),
          Map.entry("alert_events.datacenter_id", 255),
          Map.entry("alert_events.rack_id", 255),
          Map.entry("alert_events.incident_type", 64),
          Map.entry("alert_events.category", 32),
          Map.entry("alert_events.severity", 16),
          Map.entry("alert_events.root_cause", 64),
          Map.entry("alert_events.explained_by", 64),
          Map.entry("server_status.server_id", 255),
          Map.entry("server_status.rack_id", 255),
          Map.entry("server_status.datacenter_id", 255),
          Map.entry("server_status.lifecycle", 16),
          Map.entry("server_status.incident_types", SERVER_INCIDENT_TYPES));

  private JdbcColumnLimits() {}

  /**
   * {@code text} cut to at most {@code maxChars} characters (never between the two halves of a
   * surrogate pair), without the NUL characters that PostgreSQL's text types cannot hold. A cut
   * text ends with a note of its full length.
   */
  public static String fit(String text, int maxChars) {
    if (text == null) {
      return null;
    }
    String clean = text.indexOf('\0') < 0 ? text : text.replace("\0", "");
    if (clean.length() <= maxChars) {
      return clean;
    }
    String note = "...[cut from " + clean.length() + " chars]";
    int keep = Math.max(0, maxChars - note.length());
    if (keep > 0 && Character.isHighSurrogate(clean.charAt(keep - 1))) {
      keep--;
    }
    String cut = clean.substring(0, keep) + note;
    return cut.length() <= maxChars ? cut : cut.substring(0, maxChars);
  }
}

package dev.dctwin.pipeline.io;

import dev.dctwin.domain.FieldLimits;
import java.util.Map;

/**
 * The sizes of the text columns of the tables that the migrations ({@code db/<dialect>/V*.sql})
 * create, for the code that must fit values into them. A column that holds a field of the wire
 * format has that field's limit from {@link FieldLimits}, the one place the sizes are defined, so
 * that whatever the codec accepted fits. {@code JdbcColumnLimitsTest} checks that this class says
 * what the migrations say for both databases, so that a migration or a field limit that changes a
 * size fails the build until the other follows.
 */
public final class JdbcColumnLimits {
  /** {@code dead_letters.source}, in characters. */
  public static final int DEAD_LETTER_SOURCE = FieldLimits.DEAD_LETTER_SOURCE;

  /** {@code dead_letters.reason}, in characters: the longest {@code DeadLetterReason} name. */
  public static final int DEAD_LETTER_REASON = 32;

  /** {@code dead_letters.detail} (a {@code TEXT}), in characters. */
  public static final int DEAD_LETTER_DETAIL = FieldLimits.TEXT;

  /**
   * {@code server_status.incident_types}, in characters: room for every server-level incident type,
   * comma-separated ({@code JdbcColumnLimitsTest} checks that they fit).
   */
  public static final int SERVER_INCIDENT_TYPES = 1024;

  /** Every {@code VARCHAR(n)} column, as {@code table.column} to {@code n} (characters). */
  public static final Map<String, Integer> VARCHAR =
      Map.ofEntries(
          Map.entry("alerts.incident_id", FieldLimits.INCIDENT_ID),
          Map.entry("alerts.status", 16),
          Map.entry("alerts.level", 16),
          Map.entry("alerts.entity", FieldLimits.ID),
          Map.entry("alerts.datacenter_id", FieldLimits.ID),
          Map.entry("alerts.rack_id", FieldLimits.ID),
          Map.entry("alerts.incident_type", 64),
          Map.entry("alerts.category", 32),
          Map.entry("alerts.severity", 16),
          Map.entry("alerts.root_cause", 64),
          Map.entry("alerts.explained_by", FieldLimits.INCIDENT_ID),
          Map.entry("alerts.opened_alert_id", 80),
          Map.entry("alerts.resolved_alert_id", 80),
          Map.entry("dead_letters.id", 64),
          Map.entry("dead_letters.source", DEAD_LETTER_SOURCE),
          Map.entry("dead_letters.reason", DEAD_LETTER_REASON),
          Map.entry("dead_letters.origin_topic", FieldLimits.DEAD_LETTER_ORIGIN),
          Map.entry("dead_letters.origin_file", FieldLimits.DEAD_LETTER_ORIGIN),
          Map.entry("dead_letters.payload_sha256", FieldLimits.SHA256_HEX),
          Map.entry("alert_events.incident_id", FieldLimits.INCIDENT_ID),
          Map.entry("alert_events.transition", 16),
          Map.entry("alert_events.level", 16),
          Map.entry("alert_events.entity", FieldLimits.ID),
          Map.entry("alert_events.datacenter_id", FieldLimits.ID),
          Map.entry("alert_events.rack_id", FieldLimits.ID),
          Map.entry("alert_events.incident_type", 64),
          Map.entry("alert_events.category", 32),
          Map.entry("alert_events.severity", 16),
          Map.entry("alert_events.root_cause", 64),
          Map.entry("alert_events.explained_by", FieldLimits.INCIDENT_ID),
          Map.entry("server_status.server_id", FieldLimits.ID),
          Map.entry("server_status.rack_id", FieldLimits.ID),
          Map.entry("server_status.datacenter_id", FieldLimits.ID),
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

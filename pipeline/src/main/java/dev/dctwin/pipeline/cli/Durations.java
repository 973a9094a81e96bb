package dev.dctwin.pipeline.cli;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations and instants of the command line. */
public final class Durations {
  private static final Pattern PART = Pattern.compile("(\\d+)(ms|h|m|s)");

  private Durations() {}

  /**
   * A duration such as {@code 30m}, {@code 10s}, {@code 1h30m}, {@code 500ms} or ISO-8601 {@code
   * PT30M}.
   */
  public static Duration parse(String text) {
    String value = text.strip().toLowerCase(Locale.ROOT);
    if (value.startsWith("pt")) {
      try {
        return Duration.parse(value);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException("bad duration '" + text + "'");
      }
    }
    Matcher m = PART.matcher(value);
    Duration total = Duration.ZERO;
    int end = 0;
    while (m.find() && m.start() == end) {
      long amount = Long.parseLong(m.group(1));
      total =
          total.plus(
              switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
              });
      end = m.end();
    }
    if (end == 0 || end != value.length()) {
      throw new IllegalArgumentException(
          "bad duration '" + text + "': use e.g. 30m, 10s, 1h30m, 500ms or PT30M");
    }
    return total;
  }

  /** A duration as this class parses it: {@code 11m}, {@code 5m30s}, {@code 1h}, {@code 250ms}. */
  public static String format(Duration duration) {
    if (duration.isZero()) {
      return "0s";
    }
    StringBuilder text = new StringBuilder();
    long hours = duration.toHours();
    int minutes = duration.toMinutesPart();
    int seconds = duration.toSecondsPart();
    int millis = duration.toMillisPart();
    if (hours > 0) {
      text.append(hours).append('h');
    }
    if (minutes > 0) {
      text.append(minutes).append('m');
    }
    if (seconds > 0) {
      text.append(seconds).append('s');
    }
    if (millis > 0) {
      text.append(millis).append("ms");
    }
    return text.toString();
  }

  /** An instant as ISO-8601 ({@code 2025-11-21T10:00:00Z}) or epoch milliseconds. */
  public static long parseInstant(String text) {
    String value = text.strip();
    if (value.chars().allMatch(Character::isDigit)) {
      return Long.parseLong(value);
    }
    try {
      return java.time.OffsetDateTime.parse(value).toInstant().toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return Instant.parse(value).toEpochMilli();
      } catch (DateTimeParseException again) {
        throw new IllegalArgumentException(
            "bad time '" + text + "': use ISO-8601 (2025-11-21T10:00:00Z) or epoch ms");
      }
    }
  }
}

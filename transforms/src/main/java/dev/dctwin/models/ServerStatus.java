package dev.dctwin.models;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * What a server twin knows besides its window: its open incidents, the recent verdicts of every
 * check that still matters for hysteresis, and the event time of the last report it accepted.
 *
 * <p>Encoding, version 1: a version byte, {@code lastReportTime} (8 bytes), then the open incidents
 * (count, then type, severity, openedAt, context) and the check histories (count, then type, {@code
 * recent} and {@code clearStreak} as varints). Enums are written by name. A server with two open
 * incidents encodes in about 110 bytes.
 *
 * @param open the open incidents by type, immutable
 * @param checks the hysteresis of every check whose history is not all clear, immutable; a type
 *     absent here has had no abnormal verdict in the last {@code openOf} reports
 * @param lastReportTime event time of the last accepted report (epoch ms), or {@link #NO_REPORT}
 */
public record ServerStatus(
    Map<IncidentType, Incident> open, Map<IncidentType, CheckHistory> checks, long lastReportTime) {

  /** The {@link #lastReportTime()} of a twin that has not accepted a report yet. */
  public static final long NO_REPORT = Long.MIN_VALUE;

  private static final FormatVersion FORMAT = FormatVersion.of("ServerStatus", 1);

  public ServerStatus {
    open = immutableCopy(open);
    checks = immutableCopy(checks);
  }

  /** The status of a newly commissioned server: nothing open, nothing seen. */
  public static ServerStatus initial() {
    return new ServerStatus(Map.of(), Map.of(), NO_REPORT);
  }

  public boolean hasReport() {
    return lastReportTime != NO_REPORT;
  }

  /**
   * The hysteresis of one check.
   *
   * @param recent the verdicts of the last evaluated reports, newest in bit 0, 1 = abnormal
   * @param clearStreak consecutive clear verdicts up to now (saturates at {@link
   *     #MAX_CLEAR_STREAK})
   */
  public record CheckHistory(int recent, int clearStreak) {
    public static final int MAX_CLEAR_STREAK = 0xFFFF;

    public CheckHistory {
      if (clearStreak < 0 || clearStreak > MAX_CLEAR_STREAK) {
        throw new IllegalArgumentException("clearStreak out of range: " + clearStreak);
      }
    }

    /** The history after one more verdict, keeping the last {@code depth} verdicts. */
    CheckHistory record(boolean abnormal, int depth) {
      int bits = ((recent << 1) | (abnormal ? 1 : 0)) & ((1 << depth) - 1);
      return new CheckHistory(bits, abnormal ? 0 : Math.min(clearStreak + 1, MAX_CLEAR_STREAK));
    }

    /** Abnormal verdicts among the last {@code depth}. */
    int abnormalCount(int depth) {
      return Integer.bitCount(recent & ((1 << depth) - 1));
    }
  }

  public byte[] toBytes() {
    StateWriter out = new StateWriter(FORMAT);
    out.writeLong(lastReportTime);
    out.writeVarLong(open.size());
    open.values().forEach(out::writeIncident);
    out.writeVarLong(checks.size());
    checks.forEach(
        (type, history) -> {
          out.writeEnum(type);
          out.writeVarLong(history.recent());
          out.writeVarLong(history.clearStreak());
        });
    return out.toByteArray();
  }

  public static ServerStatus fromBytes(byte[] bytes) {
    StateReader in = new StateReader(bytes, FORMAT);
    long lastReportTime = in.readLong();
    Map<IncidentType, Incident> open = new EnumMap<>(IncidentType.class);
    for (int i = in.readVarInt(); i > 0; i--) {
      Incident incident = in.readIncident();
      open.put(incident.type(), incident);
    }
    Map<IncidentType, CheckHistory> checks = new EnumMap<>(IncidentType.class);
    for (int i = in.readVarInt(); i > 0; i--) {
      IncidentType type = in.readEnum(IncidentType.class);
      checks.put(type, new CheckHistory(in.readVarInt(), in.readVarInt()));
    }
    in.expectEnd();
    return new ServerStatus(open, checks, lastReportTime);
  }

  private static <V> Map<IncidentType, V> immutableCopy(Map<IncidentType, V> map) {
    EnumMap<IncidentType, V> copy = new EnumMap<>(IncidentType.class);
    copy.putAll(map);
    return Collections.unmodifiableMap(copy);
  }
}

package dev.dctwin.models;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the maintenance calendar of one datacenter knows: the windows of its servers, racks and of
 * itself that have not expired, and the incidents that opened in one and are still open (their
 * RESOLVED alert is marked like their OPENED one, also after the window). Immutable.
 *
 * <p>Encoding, version 1: a version byte, the datacenter id, the windows (count; then level,
 * entity, start, end), then the marked open incidents (count; then ids). A window encodes in about
 * 40 bytes.
 *
 * @param datacenterId the datacenter's id
 * @param windows the windows by {@link #key(Level, String)}
 * @param markedOpen the ids of incidents that opened in a window and are not resolved yet
 */
public record MaintenanceState(
    String datacenterId, SortedMap<String, Window> windows, SortedSet<String> markedOpen) {

  private static final FormatVersion FORMAT = FormatVersion.of("MaintenanceState", 1);

  /**
   * One window, as far as marking needs it.
   *
   * @param start the first ms in the window
   * @param end the first ms after it
   */
  public record Window(Level level, String entity, long start, long end) {
    static Window of(MaintenanceWindow window) {
      return new Window(window.level(), window.entity(), window.start(), window.end());
    }

    boolean covers(long time) {
      return start <= time && time < end;
    }
  }

  public MaintenanceState {
    windows = Collections.unmodifiableSortedMap(new TreeMap<>(windows));
    markedOpen = Collections.unmodifiableSortedSet(new TreeSet<>(markedOpen));
  }

  public static MaintenanceState empty(String datacenterId) {
    return new MaintenanceState(datacenterId, new TreeMap<>(), new TreeSet<>());
  }

  /** One window per entity: the key of its level and id. */
  public static String key(Level level, String entity) {
    return level + "|" + entity;
  }

  /** Nothing to keep: no window and no marked incident open. */
  public boolean isEmpty() {
    return windows.isEmpty() && markedOpen.isEmpty();
  }

  /** When the calendar must call {@link MaintenanceCalendar#onTimer}, given its retention. */
  public OptionalLong nextExpiry(long retentionMs) {
    return windows.values().stream().mapToLong(window -> window.end() + retentionMs).min();
  }

  public byte[] toBytes() {
    StateWriter out = new StateWriter(FORMAT);
    out.writeString(datacenterId);
    out.writeVarLong(windows.size());
    for (Window window : windows.values()) {
      out.writeEnum(window.level());
      out.writeString(window.entity());
      out.writeLong(window.start());
      out.writeLong(window.end());
    }
    out.writeVarLong(markedOpen.size());
    markedOpen.forEach(out::writeString);
    return out.toByteArray();
  }

  public static MaintenanceState fromBytes(byte[] bytes) {
    StateReader in = new StateReader(bytes, FORMAT);
    String datacenterId = in.readString();
    Map<String, Window> windows = new TreeMap<>();
    for (int i = in.readVarInt(); i > 0; i--) {
      Window window =
          new Window(in.readEnum(Level.class), in.readString(), in.readLong(), in.readLong());
      windows.put(key(window.level(), window.entity()), window);
    }
    SortedSet<String> markedOpen = new TreeSet<>();
    for (int i = in.readVarInt(); i > 0; i--) {
      markedOpen.add(in.readString());
    }
    in.expectEnd();
    return new MaintenanceState(datacenterId, new TreeMap<>(windows), markedOpen);
  }
}

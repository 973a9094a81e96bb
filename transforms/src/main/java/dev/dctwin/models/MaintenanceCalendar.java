package dev.dctwin.models;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The maintenance calendar of one datacenter: marks the alerts of incidents that open during a
 * maintenance window of their entity or of one above it (a server's rack, its datacenter) as {@link
 * Alert#inMaintenance()}. Pure and deterministic: no clock, no Beam; event times are epoch ms. The
 * caller hands it the datacenter's windows and alerts in event-time order (windows first at equal
 * times), and calls {@link #onTimer} at {@link #nextTimer}.
 *
 * <ul>
 *   <li>An incident is in maintenance when it <em>opened</em> in a window: {@code start <= openedAt
 *       < end}. Its OPENED and its RESOLVED alert carry the mark, also when it resolves after the
 *       window; an incident that opened before a window resolves unmarked.
 *   <li>A window replaces the earlier window of the same entity and level: sending it again with an
 *       earlier end ends it early; one already over is kept for the retention (below) and dropped.
 *   <li>A window is kept {@code retentionMs} after its end, because an incident's OPENED alert can
 *       leave well after the incident opened: the rack and datacenter twins hold alerts for 30 s
 *       each, and without silence timers (files) a silence is noticed at the next report. After
 *       that nothing of the window is left; the state is empty when no window is kept and no marked
 *       incident is open.
 * </ul>
 */
public final class MaintenanceCalendar {
  /** How long a window is kept after its end, by default: see the class comment. */
  public static final long DEFAULT_RETENTION_MS = 3_600_000;

  private final long retentionMs;

  public MaintenanceCalendar(long retentionMs) {
    if (retentionMs < 0) {
      throw new IllegalArgumentException("negative retention " + retentionMs);
    }
    this.retentionMs = retentionMs;
  }

  public static MaintenanceCalendar withDefaults() {
    return new MaintenanceCalendar(DEFAULT_RETENTION_MS);
  }

  /** The result of one step: the new state and the alerts, marked or not, in input order. */
  public record Decision(MaintenanceState state, List<Alert> alerts) {
    public Decision {
      alerts = List.copyOf(alerts);
    }
  }

  /** A window of this datacenter (its own, a rack's or a located server's) at its event time. */
  public MaintenanceState onWindow(MaintenanceState state, MaintenanceWindow window) {
    SortedMap<String, MaintenanceState.Window> windows = new TreeMap<>(state.windows());
    windows.put(
        MaintenanceState.key(window.level(), window.entity()), MaintenanceState.Window.of(window));
    return expire(
        new MaintenanceState(state.datacenterId(), windows, state.markedOpen()),
        window.eventTime());
  }

  /** An alert of this datacenter, at {@code now}: the alert marked or not. */
  public Decision onAlert(MaintenanceState state, Alert alert, long now) {
    SortedSet<String> markedOpen = new TreeSet<>(state.markedOpen());
    boolean marked;
    if (alert.status() == AlertStatus.OPENED) {
      marked = covered(state.windows(), alert);
      if (marked) {
        markedOpen.add(alert.incidentId());
      }
    } else {
      marked = markedOpen.remove(alert.incidentId());
    }
    MaintenanceState next =
        expire(new MaintenanceState(state.datacenterId(), state.windows(), markedOpen), now);
    return new Decision(next, List.of(alert.withInMaintenance(marked)));
  }

  /** Event time reached {@code now}: drops the windows whose retention is over. */
  public MaintenanceState onTimer(MaintenanceState state, long now) {
    return expire(state, now);
  }

  /** When the twin's timer must call {@link #onTimer}, if at all. */
  public OptionalLong nextTimer(MaintenanceState state) {
    return state.nextExpiry(retentionMs);
  }

  /** Whether a window of the alert's entity, its rack or its datacenter covers its opening. */
  static boolean covered(Map<String, MaintenanceState.Window> windows, Alert alert) {
    List<String> keys = new ArrayList<>(3);
    keys.add(MaintenanceState.key(alert.level(), alert.entity()));
    if (alert.level() == Level.SERVER && alert.rackId() != null) {
      keys.add(MaintenanceState.key(Level.RACK, alert.rackId()));
    }
    if (alert.level() != Level.DATACENTER && alert.datacenterId() != null) {
      keys.add(MaintenanceState.key(Level.DATACENTER, alert.datacenterId()));
    }
    for (String key : keys) {
      MaintenanceState.Window window = windows.get(key);
      if (window != null && window.covers(alert.openedAt())) {
        return true;
      }
    }
    return false;
  }

  private MaintenanceState expire(MaintenanceState state, long now) {
    if (state.windows().values().stream().noneMatch(window -> expired(window, now))) {
      return state;
    }
    SortedMap<String, MaintenanceState.Window> kept = new TreeMap<>(state.windows());
    kept.values().removeIf(window -> expired(window, now));
    return new MaintenanceState(state.datacenterId(), kept, state.markedOpen());
  }

  private boolean expired(MaintenanceState.Window window, long now) {
    return window.end() + retentionMs <= now;
  }
}

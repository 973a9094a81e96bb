package dev.dctwin.pipeline.view;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricEvidence;
import dev.dctwin.domain.Severity;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The operator view's read model: the fleet (every datacenter, rack and server the provisioning
 * topic commissioned, healthy or not), the open incidents of the alerts topic, the maintenance
 * windows, the last hour's alerts, dead letters by reason and the input's progress. Plain Java, fed
 * record by record in any order across topics (see {@code pipeline/VIEW.md}); not thread-safe:
 * {@link ViewService} guards it. Every answer is a Jackson tree whose strings are data, never
 * markup.
 *
 * <p>State is bounded: servers by the fleet, open incidents by what is open, resolved incident ids
 * by {@link #MAX_REMEMBERED_RESOLVED}, the timeline by one hour and {@link #MAX_TIMELINE}, windows
 * by one hour after their end (as the twins keep them).
 */
public final class FleetView {
  /** How far back the timeline goes. */
  static final long TIMELINE_MS = 3_600_000L;

  /** The most alerts the timeline keeps, whatever the hour holds. */
  static final int MAX_TIMELINE = 20_000;

  /**
   * Ids of resolved incidents remembered, so that a duplicate OPENED (at-least-once delivery, a
   * replayed bundle) arriving after its RESOLVED does not reopen it.
   */
  static final int MAX_REMEMBERED_RESOLVED = 200_000;

  /** A window is kept this long after its end, as the twins keep it. */
  static final long WINDOW_KEPT_MS = 3_600_000L;

  /** The input rate is the growth of the input topics' end offsets over this span. */
  static final long RATE_WINDOW_MS = 10_000L;

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final Map<String, Datacenter> datacenters = new TreeMap<>();
  private final Map<String, Place> servers = new HashMap<>();
  private final Map<String, Alert> open = new HashMap<>();
  private final Map<String, Boolean> resolved =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_REMEMBERED_RESOLVED;
        }
      };
  private final ArrayDeque<Alert> timeline = new ArrayDeque<>();
  private final Set<String> timelineIds = new HashSet<>();
  private final Map<String, MaintenanceWindow> windows = new HashMap<>();
  private final Map<String, Long> deadLetters = new TreeMap<>();
  private final ArrayDeque<long[]> inputSamples = new ArrayDeque<>();
  private long backlog = -1;
  private long seq;
  private long newestAlertEventTime = -1;
  private long alertsRead;
  private boolean caughtUp;

  private record Place(String datacenterId, String rackId) {}

  private static final class Datacenter {
    final Map<String, Set<String>> racks = new TreeMap<>();
  }

  /** Applies a provisioning message (commission, decommission, maintenance); others are ignored. */
  public boolean apply(Message message) {
    if (message instanceof CommissionServer commission) {
      commission(commission);
    } else if (message instanceof DecommissionServer decommission) {
      decommission(decommission);
    } else if (message instanceof MaintenanceWindow window) {
      maintenance(window);
    } else if (message instanceof Alert alert) {
      return apply(alert);
    } else {
      return false;
    }
    seq++;
    return true;
  }

  /**
   * Applies an alert: an OPENED one opens its incident (unless it was already resolved), a RESOLVED
   * one closes it; both enter the timeline once (by alert id). Returns whether anything changed.
   */
  public boolean apply(Alert alert) {
    alertsRead++;
    newestAlertEventTime = Math.max(newestAlertEventTime, alert.eventTime());
    boolean changed = false;
    if (alert.status() == AlertStatus.OPENED) {
      if (!resolved.containsKey(alert.incidentId()) && !open.containsKey(alert.incidentId())) {
        open.put(alert.incidentId(), alert);
        locate(alert);
        changed = true;
      }
    } else {
      changed = open.remove(alert.incidentId()) != null;
      resolved.put(alert.incidentId(), Boolean.TRUE);
    }
    if (timelineIds.add(alert.id())) {
      timeline.addLast(alert);
      while (timeline.size() > MAX_TIMELINE) {
        timelineIds.remove(timeline.removeFirst().id());
      }
      changed = true;
    }
    if (changed) {
      seq++;
    }
    return changed;
  }

  /** Counts a dead letter by its reason (as written on the topic, or UNREADABLE). */
  public void deadLetter(String reason) {
    deadLetters.merge(reason == null || reason.isBlank() ? "UNREADABLE" : reason, 1L, Long::sum);
    seq++;
  }

  /**
   * Records the input topics' summed end offsets at {@code nowMs} and the pipeline's backlog (end
   * minus committed offsets of its consumer group; -1 when unknown).
   */
  public void inputSample(long nowMs, long endOffsets, long backlogMessages) {
    if (!inputSamples.isEmpty() && endOffsets < inputSamples.peekLast()[1]) {
      inputSamples.clear(); // a topic was recreated
    }
    inputSamples.addLast(new long[] {nowMs, endOffsets});
    while (inputSamples.size() > 2 && inputSamples.peekFirst()[0] < nowMs - RATE_WINDOW_MS) {
      inputSamples.removeFirst();
    }
    backlog = backlogMessages;
  }

  /** The replay of the topics reached their end offsets of its start: the state is complete. */
  public void caughtUp() {
    caughtUp = true;
    seq++;
  }

  public boolean isCaughtUp() {
    return caughtUp;
  }

  /** Bumped by every change: a client compares it to know whether its snapshot is current. */
  public long seq() {
    return seq;
  }

  /** Open incidents, for tests and the log. */
  public int openIncidents() {
    return open.size();
  }

  /**
   * The page's picture of the fleet: per datacenter its own open incidents, its maintenance windows
   * and its racks, each as {@code [id, servers, worst severity, worst rack-level severity,
   * unhealthy servers, rack incidents, maintenance]} (severities as indexes of WARNING, MAJOR,
   * CRITICAL, -1 for none; maintenance 1 when a window of the rack or its datacenter is active, +2
   * when the rack has open incidents in maintenance). Server incidents are not in it: the rack's
   * detail has them.
   */
  public ObjectNode snapshot(long nowMs) {
    pruneWindows(nowMs);
    Map<String, RackHealth> health = new HashMap<>();
    Map<String, List<Alert>> datacenterIncidents = new TreeMap<>();
    for (Alert alert : open.values()) {
      switch (alert.level()) {
        case DATACENTER ->
            datacenterIncidents
                .computeIfAbsent(datacenterOf(alert), id -> new ArrayList<>())
                .add(alert);
        case RACK -> health.computeIfAbsent(rackKey(alert), key -> new RackHealth()).add(alert);
        case SERVER -> health.computeIfAbsent(rackKey(alert), key -> new RackHealth()).add(alert);
      }
    }
    ObjectNode root = JSON.objectNode();
    root.put("seq", seq);
    root.put("now", nowMs);
    root.put("caughtUp", caughtUp);
    ArrayNode severities = root.putArray("severities");
    for (Severity severity : Severity.values()) {
      severities.add(severity.name());
    }
    ArrayNode types = root.putArray("types");
    for (IncidentType type : IncidentType.values()) {
      types.add(type.name());
    }
    ArrayNode dcs = root.putArray("datacenters");
    for (Map.Entry<String, Datacenter> entry : datacenters.entrySet()) {
      String dcId = entry.getKey();
      ObjectNode dc = dcs.addObject();
      dc.put("id", dcId);
      boolean dcMaintenance = active(Level.DATACENTER, dcId, nowMs);
      ArrayNode dcWindows = dc.putArray("maintenance");
      for (MaintenanceWindow window : windowsOf(dcId)) {
        dcWindows.add(window(window, nowMs));
      }
      ArrayNode incidents = dc.putArray("incidents");
      datacenterIncidents.getOrDefault(dcId, List.of()).stream()
          .sorted(INCIDENT_ORDER)
          .forEach(
              alert -> incidents.add(incident(alert).put("explains", explained(alert).size())));
      int serverCount = 0;
      int unhealthy = 0;
      ArrayNode racks = dc.putArray("racks");
      for (Map.Entry<String, Set<String>> rack : entry.getValue().racks.entrySet()) {
        RackHealth rackHealth = health.getOrDefault(dcId + "\n" + rack.getKey(), RackHealth.NONE);
        int maintenance =
            (dcMaintenance || active(Level.RACK, rack.getKey(), nowMs) ? 1 : 0)
                + (rackHealth.inMaintenance > 0 ? 2 : 0);
        ArrayNode row = racks.addArray();
        row.add(rack.getKey())
            .add(rack.getValue().size())
            .add(rackHealth.worst)
            .add(rackHealth.worstOwn)
            .add(rackHealth.unhealthy.size())
            .add(rackHealth.own)
            .add(maintenance);
        serverCount += rack.getValue().size();
        unhealthy += rackHealth.unhealthy.size();
      }
      dc.put("servers", serverCount);
      dc.put("unhealthy", unhealthy);
    }
    root.set("stats", stats(nowMs));
    return root;
  }

  /**
   * A rack opened: its open incidents (each with the incidents it explains), its maintenance
   * windows, and every server with its open incidents and windows. Null for an unknown rack.
   */
  public ObjectNode rack(String datacenterId, String rackId, long nowMs) {
    Datacenter dc = datacenterId == null ? null : datacenters.get(datacenterId);
    if (dc == null || rackId == null || !dc.racks.containsKey(rackId)) {
      return null;
    }
    ObjectNode root = JSON.objectNode();
    root.put("seq", seq);
    root.put("datacenter", datacenterId);
    root.put("rack", rackId);
    ArrayNode rackWindows = root.putArray("maintenance");
    for (MaintenanceWindow window : windows.values()) {
      if ((window.level() == Level.RACK && window.entity().equals(rackId))
          || (window.level() == Level.DATACENTER && window.entity().equals(datacenterId))) {
        rackWindows.add(window(window, nowMs));
      }
    }
    Map<String, List<Alert>> byServer = new TreeMap<>();
    List<Alert> rackIncidents = new ArrayList<>();
    for (Alert alert : open.values()) {
      if (!rackId.equals(rackOf(alert)) || !datacenterId.equals(datacenterOf(alert))) {
        continue;
      }
      if (alert.level() == Level.RACK) {
        rackIncidents.add(alert);
      } else if (alert.level() == Level.SERVER) {
        byServer.computeIfAbsent(alert.entity(), id -> new ArrayList<>()).add(alert);
      }
    }
    ArrayNode incidents = root.putArray("incidents");
    rackIncidents.stream()
        .sorted(INCIDENT_ORDER)
        .forEach(
            alert -> {
              ObjectNode node = incident(alert);
              ArrayNode explains = node.putArray("explainsIncidents");
              explained(alert).forEach(child -> explains.add(incident(child)));
              incidents.add(node);
            });
    TreeSet<String> serverIds = new TreeSet<>(dc.racks.get(rackId));
    serverIds.addAll(byServer.keySet());
    ArrayNode serverNodes = root.putArray("servers");
    for (String serverId : serverIds) {
      ObjectNode server = serverNodes.addObject();
      server.put("id", serverId);
      MaintenanceWindow window = windows.get(windowKey(Level.SERVER, serverId));
      if (window != null) {
        server.set("maintenance", window(window, nowMs));
      }
      ArrayNode serverIncidents = server.putArray("incidents");
      byServer.getOrDefault(serverId, List.of()).stream()
          .sorted(INCIDENT_ORDER)
          .forEach(alert -> serverIncidents.add(incident(alert)));
    }
    return root;
  }

  /**
   * One incident: its latest alert (the open one, else the newest in the timeline), the incident
   * that explains it and those it explains. Null when unknown.
   */
  public ObjectNode incident(String incidentId) {
    Alert alert = open.get(incidentId);
    if (alert == null) {
      Iterator<Alert> newestFirst = timeline.descendingIterator();
      while (newestFirst.hasNext() && alert == null) {
        Alert candidate = newestFirst.next();
        if (candidate.incidentId().equals(incidentId)) {
          alert = candidate;
        }
      }
    }
    if (alert == null) {
      return null;
    }
    ObjectNode root = JSON.objectNode();
    root.put("seq", seq);
    root.set("incident", incident(alert));
    if (alert.explainedBy() != null) {
      ObjectNode by = incident(alert.explainedBy());
      root.set("explainedBy", by == null ? null : by.get("incident"));
    }
    ArrayNode explains = root.putArray("explains");
    explained(alert).forEach(child -> explains.add(incident(child)));
    return root;
  }

  /** The last hour's alerts (by event time before {@code nowMs}), in the order they were read. */
  public ArrayNode timeline(long nowMs) {
    pruneTimeline(nowMs);
    ArrayNode list = JSON.arrayNode();
    for (Alert alert : timeline) {
      if (alert.eventTime() >= nowMs - TIMELINE_MS) {
        list.add(alertEvent(alert));
      }
    }
    return list;
  }

  /** An alert as the timeline and the event stream show it: the incident, its status and id. */
  public ObjectNode alertEvent(Alert alert) {
    ObjectNode node = incident(alert);
    node.put("alertId", alert.id());
    return node;
  }

  /** Input rate, backlog, the newest alert's event time and dead letters by reason. */
  public ObjectNode stats(long nowMs) {
    ObjectNode stats = JSON.objectNode();
    if (inputSamples.size() >= 2) {
      long[] first = inputSamples.peekFirst();
      long[] last = inputSamples.peekLast();
      double seconds = (last[0] - first[0]) / 1000.0;
      if (seconds > 0) {
        stats.put("inputRate", (last[1] - first[1]) / seconds);
      }
    }
    if (!inputSamples.isEmpty()) {
      stats.put("inputEndOffsets", inputSamples.peekLast()[1]);
      stats.put("inputSampledAt", inputSamples.peekLast()[0]);
    }
    stats.put("backlog", backlog);
    stats.put("newestAlertEventTime", newestAlertEventTime);
    stats.put("alertsRead", alertsRead);
    stats.put("openIncidents", open.size());
    ObjectNode letters = stats.putObject("deadLetters");
    long total = 0;
    ObjectNode byReason = letters.putObject("byReason");
    for (Map.Entry<String, Long> entry : deadLetters.entrySet()) {
      byReason.put(entry.getKey(), entry.getValue());
      total += entry.getValue();
    }
    letters.put("total", total);
    stats.put("caughtUp", caughtUp);
    stats.put("now", nowMs);
    return stats;
  }

  private void commission(CommissionServer commission) {
    Place was =
        servers.put(
            commission.serverId(), new Place(commission.datacenterId(), commission.rackId()));
    if (was != null) {
      Set<String> previous = racksOf(was.datacenterId()).get(was.rackId());
      if (previous != null) {
        previous.remove(commission.serverId());
      }
    }
    racksOf(commission.datacenterId())
        .computeIfAbsent(commission.rackId(), id -> new TreeSet<>())
        .add(commission.serverId());
  }

  /**
   * The server leaves the fleet; its twin is cleared, so no RESOLVED will come for the incidents
   * that opened before: they leave with it.
   */
  private void decommission(DecommissionServer decommission) {
    Place was = servers.remove(decommission.serverId());
    Place place = was != null ? was : new Place(decommission.datacenterId(), decommission.rackId());
    Set<String> rack = racksOf(place.datacenterId()).get(place.rackId());
    if (rack != null) {
      rack.remove(decommission.serverId());
    }
    open.values()
        .removeIf(
            alert ->
                alert.level() == Level.SERVER
                    && alert.entity().equals(decommission.serverId())
                    && alert.openedAt() <= decommission.eventTime());
  }

  private void maintenance(MaintenanceWindow window) {
    windows.put(windowKey(window.level(), window.entity()), window);
    if (window.level() == Level.DATACENTER) {
      racksOf(window.entity());
    } else if (window.level() == Level.RACK && window.datacenterId() != null) {
      racksOf(window.datacenterId()).computeIfAbsent(window.entity(), id -> new TreeSet<>());
    }
  }

  /** Makes the entity of an alert known, for alerts of racks or servers never commissioned. */
  private void locate(Alert alert) {
    String datacenterId = datacenterOf(alert);
    if (datacenterId == null) {
      return;
    }
    Map<String, Set<String>> racks = racksOf(datacenterId);
    String rackId = rackOf(alert);
    if (rackId == null) {
      return;
    }
    Set<String> rack = racks.computeIfAbsent(rackId, id -> new TreeSet<>());
    if (alert.level() == Level.SERVER && !servers.containsKey(alert.entity())) {
      rack.add(alert.entity());
      servers.put(alert.entity(), new Place(datacenterId, rackId));
    }
  }

  private static String datacenterOf(Alert alert) {
    return alert.level() == Level.DATACENTER && alert.datacenterId() == null
        ? alert.entity()
        : alert.datacenterId();
  }

  private static String rackOf(Alert alert) {
    return switch (alert.level()) {
      case DATACENTER -> null;
      case RACK -> alert.rackId() == null ? alert.entity() : alert.rackId();
      case SERVER -> alert.rackId();
    };
  }

  private Map<String, Set<String>> racksOf(String datacenterId) {
    return datacenters.computeIfAbsent(datacenterId, id -> new Datacenter()).racks;
  }

  /** The open incidents that {@code explaining} explains. */
  private List<Alert> explained(Alert explaining) {
    return open.values().stream()
        .filter(alert -> explaining.incidentId().equals(alert.explainedBy()))
        .sorted(INCIDENT_ORDER)
        .toList();
  }

  private boolean active(Level level, String entity, long nowMs) {
    MaintenanceWindow window = windows.get(windowKey(level, entity));
    return window != null && window.covers(nowMs);
  }

  private List<MaintenanceWindow> windowsOf(String datacenterId) {
    List<MaintenanceWindow> list = new ArrayList<>();
    for (MaintenanceWindow window : windows.values()) {
      String dc =
          window.level() == Level.DATACENTER
              ? window.entity()
              : window.level() == Level.RACK ? window.datacenterId() : serverDatacenter(window);
      if (datacenterId.equals(dc)) {
        list.add(window);
      }
    }
    list.sort(Comparator.comparingLong(MaintenanceWindow::start));
    return list;
  }

  private String serverDatacenter(MaintenanceWindow window) {
    Place place = servers.get(window.entity());
    return place != null ? place.datacenterId() : window.datacenterId();
  }

  private void pruneWindows(long nowMs) {
    windows.values().removeIf(window -> window.end() + WINDOW_KEPT_MS < nowMs);
  }

  private void pruneTimeline(long nowMs) {
    while (!timeline.isEmpty() && timeline.peekFirst().eventTime() < nowMs - TIMELINE_MS) {
      timelineIds.remove(timeline.removeFirst().id());
    }
  }

  private static ObjectNode window(MaintenanceWindow window, long nowMs) {
    ObjectNode node = JSON.objectNode();
    node.put("level", window.level().name());
    node.put("entity", window.entity());
    node.put("start", window.start());
    node.put("end", window.end());
    node.put("reason", window.reason());
    node.put("by", window.by());
    node.put("active", window.covers(nowMs));
    return node;
  }

  private static ObjectNode incident(Alert alert) {
    ObjectNode node = JSON.objectNode();
    node.put("id", alert.incidentId());
    node.put("status", alert.status().name());
    node.put("level", alert.level().name());
    node.put("entity", alert.entity());
    node.put("datacenter", alert.datacenterId());
    node.put("rack", alert.rackId());
    node.put("type", alert.incidentType().name());
    node.put("category", alert.incidentType().category().name());
    node.put("severity", alert.severity().name());
    node.put("openedAt", alert.openedAt());
    node.put("eventTime", alert.eventTime());
    node.put("rootCause", alert.rootCause() == null ? null : alert.rootCause().name());
    node.put("explainedBy", alert.explainedBy());
    node.put("context", alert.context());
    node.put("inMaintenance", alert.inMaintenance());
    ArrayNode evidence = node.putArray("evidence");
    for (MetricEvidence metric : alert.evidence()) {
      ObjectNode item = evidence.addObject();
      item.put("metric", metric.metric());
      item.put("observed", metric.observed());
      item.put("expected", metric.expected());
    }
    return node;
  }

  private static String rackKey(Alert alert) {
    return datacenterOf(alert) + "\n" + rackOf(alert);
  }

  private static String windowKey(Level level, String entity) {
    return level.name() + "\n" + entity;
  }

  /** Most severe first, then the oldest, then by entity. */
  private static final Comparator<Alert> INCIDENT_ORDER =
      Comparator.comparing(Alert::severity)
          .reversed()
          .thenComparingLong(Alert::openedAt)
          .thenComparing(Alert::entity)
          .thenComparing(Alert::incidentId);

  /** What a rack's open incidents add up to. */
  private static final class RackHealth {
    static final RackHealth NONE = new RackHealth();
    int worst = -1;
    int worstOwn = -1;
    int own;
    int inMaintenance;
    final Set<String> unhealthy = new HashSet<>();

    void add(Alert alert) {
      if (alert.inMaintenance()) {
        inMaintenance++;
        return;
      }
      int severity = alert.severity().ordinal();
      worst = Math.max(worst, severity);
      if (alert.level() == Level.RACK) {
        own++;
        worstOwn = Math.max(worstOwn, severity);
      } else {
        unhealthy.add(alert.entity());
      }
    }
  }
}

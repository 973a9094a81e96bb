package dev.dctwin.pipeline.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The view's copy of the {@code server_status} table, one row per server, and whether the database
 * answers. Fed by {@link ServerStatusPoller}; plain Java, not thread-safe ({@link ViewService}
 * holds its lock around it). A database outage keeps the last rows: the page shows them with the
 * time of the last poll that answered.
 */
public final class ServerStatuses {
  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private final boolean configured;
  private final Map<String, ServerStatus> byServer = new HashMap<>();
  private long polledAt = -1;
  private long unreachableSince = -1;

  /** {@code configured}: whether the view has a database at all ({@code --jdbcUrl}). */
  public ServerStatuses(boolean configured) {
    this.configured = configured;
  }

  /**
   * Rows of an incremental poll: each replaces the server's stored row unless that one is newer (by
   * {@code changed_at}, as the table's own upsert decides). Returns how many rows changed.
   */
  public int merge(Collection<ServerStatus> rows) {
    int changed = 0;
    for (ServerStatus row : rows) {
      ServerStatus stored = byServer.get(row.serverId());
      if (stored == null || (stored.changedAt() <= row.changedAt() && !stored.equals(row))) {
        byServer.put(row.serverId(), row);
        changed++;
      }
    }
    return changed;
  }

  /**
   * The whole table: rows as {@link #merge}, and servers it no longer holds (a retention job
   * deleted them) are dropped. Returns how many rows changed, were added or dropped.
   */
  public int replaceAll(Collection<ServerStatus> rows) {
    Set<String> present = new HashSet<>();
    for (ServerStatus row : rows) {
      present.add(row.serverId());
    }
    int dropped = byServer.size();
    byServer.keySet().retainAll(present);
    dropped -= byServer.size();
    return dropped + merge(rows);
  }

  /** The server's row, or null. */
  public ServerStatus get(String serverId) {
    return byServer.get(serverId);
  }

  public int size() {
    return byServer.size();
  }

  /** A poll answered at {@code nowMs}; returns whether the database was unreachable before. */
  public boolean answered(long nowMs) {
    boolean wasUnreachable = unreachableSince >= 0;
    polledAt = nowMs;
    unreachableSince = -1;
    return wasUnreachable;
  }

  /** A poll failed at {@code nowMs}; returns whether this starts an outage. */
  public boolean unreachable(long nowMs) {
    if (unreachableSince >= 0) {
      return false;
    }
    unreachableSince = nowMs;
    return true;
  }

  /**
   * For the page's header: {@code configured}, and when configured whether the database answers
   * ({@code reachable}), since when it does not ({@code unreachableSince}), the last poll that
   * answered ({@code polledAt}, -1 for none) and the servers known.
   */
  public ObjectNode stats() {
    ObjectNode stats = JSON.objectNode();
    stats.put("configured", configured);
    if (configured) {
      stats.put("reachable", unreachableSince < 0 && polledAt >= 0);
      stats.put("unreachableSince", unreachableSince);
      stats.put("polledAt", polledAt);
      stats.put("servers", byServer.size());
    }
    return stats;
  }

  /** Adds its row as {@code status} to each server of a rack's detail that has one. */
  public void describe(JsonNode servers) {
    if (servers == null) {
      return;
    }
    for (JsonNode server : servers) {
      ServerStatus row = byServer.get(server.path("id").asText());
      if (row != null && server instanceof ObjectNode node) {
        node.set("status", json(row));
      }
    }
  }

  private static ObjectNode json(ServerStatus row) {
    ObjectNode node = JSON.objectNode();
    node.put("lifecycle", row.lifecycle());
    node.put("openIncidents", row.openIncidents());
    node.put("incidentTypes", row.incidentTypes());
    node.put("lastReportAt", row.lastReportAt());
    node.put("baselineReady", row.baselineReady());
    node.put("baselineExpectedReadyAt", row.baselineExpectedReadyAt());
    node.put("changedAt", row.changedAt());
    node.put("rack", row.rackId());
    node.put("datacenter", row.datacenterId());
    return node;
  }
}

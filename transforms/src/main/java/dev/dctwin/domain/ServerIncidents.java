package dev.dctwin.domain;

import java.util.Map;

/**
 * What a server twin tells its rack twin whenever the server's open incidents change: the complete
 * open set (empty = all clear) at {@code eventTime}. {@code left} marks a server that no longer
 * counts in its rack: decommissioned ({@code open} empty) or gone after going without a report for
 * too long ({@code open} holds just its SERVER_GONE incident, which the rack announces).
 */
public record ServerIncidents(
    String serverId,
    String rackId,
    String datacenterId,
    Map<IncidentType, Incident> open,
    long eventTime,
    boolean left) {

  public ServerIncidents {
    open = Map.copyOf(open);
  }
}

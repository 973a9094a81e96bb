package dev.dctwin.domain;

import java.util.Map;

/**
 * What a server twin tells its rack twin whenever the server's open incidents change: the complete
 * open set (empty = all clear) at {@code eventTime}. {@code left} marks a decommissioned server,
 * which no longer counts in its rack.
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

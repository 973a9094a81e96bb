package dev.dctwin.domain;

import java.util.Set;

/**
 * A server's status as its twin knows it at {@code eventTime}: the row of the {@code server_status}
 * table. A server twin sends one when the status changes (commissioned, left, open incidents,
 * baseline readiness) and, while nothing else changes, when its last report time has advanced by a
 * refresh interval; never one per report. A server that left keeps its last row, marked {@link
 * Lifecycle#DECOMMISSIONED} or {@link Lifecycle#GONE}, so that the table stays order-safe under
 * replay (transforms/src/main/java/dev/dctwin/models/SERVER-STATUS.md).
 *
 * @param lifecycle whether the server is commissioned or why it left
 * @param openIncidents the types of its open incidents (empty = healthy); for a gone server its
 *     SERVER_GONE, for a decommissioned one none
 * @param lastReportTime event time of the last report its twin accepted, or null before the first
 * @param baselineReady whether its learned baseline is ready to flag departures, or null when the
 *     twin learns none
 * @param baselineExpectedReadyAt when its baseline is expected to be ready at the pace of the
 *     reports so far (event time), or null when it is ready, learns none or has had no report
 * @param eventTime event time of the change this status follows: the key of order-safe upserts
 */
public record ServerStatusUpdate(
    String serverId,
    String rackId,
    String datacenterId,
    Lifecycle lifecycle,
    Set<IncidentType> openIncidents,
    Long lastReportTime,
    Boolean baselineReady,
    Long baselineExpectedReadyAt,
    long eventTime) {

  /** Whether a server counts in its rack, or why it stopped. */
  public enum Lifecycle {
    COMMISSIONED,
    /** Taken out by a decommission message. */
    DECOMMISSIONED,
    /** Forgotten after going without a report for the gone-after time (SERVER_GONE). */
    GONE
  }

  public ServerStatusUpdate {
    openIncidents = Set.copyOf(openIncidents);
  }
}

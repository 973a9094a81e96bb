package dev.dctwin.models;

import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerStatusUpdate;
import java.util.List;

/**
 * The result of one step of {@link ServerTwin}.
 *
 * @param state the server's new state, to store; when it is not {@link
 *     ServerTwinState#isCommissioned() commissioned} there is nothing worth keeping
 * @param toRack the server's open incidents for its rack twin, keyed by {@link
 *     ServerIncidents#rackId()}, in order: one whenever the open set changes or the server joins a
 *     rack, a {@link ServerIncidents#left() left} one when it leaves (a move to another rack is a
 *     left one for the old rack, then one for the new)
 * @param rejected the input the twin did not take, for the dead-letter output and its counters
 * @param reportAccepted whether a metric report was evaluated: for the count of processed reports
 * @param maintenance the server's maintenance windows, located in its rack and datacenter: for the
 *     datacenter's maintenance calendar
 * @param statusUpdate the server's status for the {@code server_status} table when this step
 *     changed it (or refreshed its last report time), else null
 */
public record ServerTwinDecision(
    ServerTwinState state,
    List<ServerIncidents> toRack,
    List<Rejected> rejected,
    boolean reportAccepted,
    List<MaintenanceWindow> maintenance,
    ServerStatusUpdate statusUpdate) {

  public ServerTwinDecision {
    toRack = List.copyOf(toRack);
    rejected = List.copyOf(rejected);
    maintenance = List.copyOf(maintenance);
  }

  /**
   * A message the twin did not take.
   *
   * @param message the message as the twin saw it: a metric report with the BMC reading the twin
   *     attached to it, if any
   */
  public record Rejected(DeadLetterReason reason, String detail, Message message) {}
}

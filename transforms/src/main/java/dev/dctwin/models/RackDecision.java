package dev.dctwin.models;

import dev.dctwin.domain.Alert;
import java.util.List;
import java.util.OptionalLong;

/**
 * The result of one step of {@link RackCorrelationModel}.
 *
 * @param state the rack's new state, to store
 * @param serverAlerts server alerts released by this step, final: for the alert sinks
 * @param rackChanges rack incidents opened or resolved by this step, as RACK-level alerts without
 *     explanation: for the datacenter twin, which holds them and releases them to the sinks
 * @param nextTimer when the twin's timer must call {@link RackCorrelationModel#onTimer}, or empty
 *     when nothing is held
 */
public record RackDecision(
    RackState state, List<Alert> serverAlerts, List<Alert> rackChanges, OptionalLong nextTimer) {

  public RackDecision {
    serverAlerts = List.copyOf(serverAlerts);
    rackChanges = List.copyOf(rackChanges);
  }
}

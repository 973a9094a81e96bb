package dev.dctwin.models;

import dev.dctwin.domain.Alert;
import java.util.List;
import java.util.OptionalLong;

/**
 * The result of one step of {@link DataCenterCorrelationModel}.
 *
 * @param state the datacenter's new state, to store
 * @param rackAlerts rack alerts released by this step, final: for the alert sinks
 * @param datacenterAlerts datacenter incidents opened or resolved by this step: for the sinks
 * @param nextTimer when the twin's timer must call {@link DataCenterCorrelationModel#onTimer}, or
 *     empty when nothing is held
 */
public record DataCenterDecision(
    DataCenterState state,
    List<Alert> rackAlerts,
    List<Alert> datacenterAlerts,
    OptionalLong nextTimer) {

  public DataCenterDecision {
    rackAlerts = List.copyOf(rackAlerts);
    datacenterAlerts = List.copyOf(datacenterAlerts);
  }
}

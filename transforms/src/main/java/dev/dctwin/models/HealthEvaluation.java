package dev.dctwin.models;

import java.util.List;

/**
 * The result of one step of {@link ServerHealthModel}.
 *
 * @param status the twin's new status, to store
 * @param changes the incidents opened and resolved by this step, in a stable order (resolutions
 *     first, then openings, each by incident type); when non-empty, the open set changed and the
 *     twin must send {@code status.open()} to its rack
 * @param accepted false when the input was ignored because it was not newer than the last accepted
 *     report (then {@code status} is the old one and {@code changes} is empty): the twin should
 *     count it and send it to the dead-letter output as out of order. Always true for {@link
 *     ServerHealthModel#onSilence}.
 */
public record HealthEvaluation(
    ServerStatus status, List<IncidentChange> changes, boolean accepted) {

  public HealthEvaluation {
    changes = List.copyOf(changes);
  }

  static HealthEvaluation ignored(ServerStatus status) {
    return new HealthEvaluation(status, List.of(), false);
  }
}

package dev.dctwin.models;

import static dev.dctwin.domain.IncidentType.COOLING;
import static dev.dctwin.domain.IncidentType.NETWORK_CORE;
import static dev.dctwin.domain.IncidentType.POWER_SUPPLY_DEGRADATION;
import static dev.dctwin.domain.IncidentType.RACK_COOLING;
import static dev.dctwin.domain.IncidentType.RACK_POWER;
import static dev.dctwin.domain.IncidentType.TOR_SWITCH;

import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * How {@link DataCenterCorrelationModel} correlates a datacenter's racks. Durations are event-time
 * ms.
 *
 * @param affectedRacks m, a datacenter incident opens when at least this many racks have related
 *     rack incidents opened within {@code windowMs} of each other (default 3)
 * @param windowMs W (default 5 min)
 * @param holdMs H, a new rack incident of a correlatable type is held this long before its alert is
 *     released unexplained (default 30 s)
 * @param resolveFraction an open datacenter incident resolves when fewer than {@code
 *     ceil(resolveFraction * affectedRacks)} racks (at least one) still have related incidents
 *     (default 0.5: with 3 racks, it resolves at 1 or none)
 * @param evidenceByCause datacenter incident type to the rack incident types that are its evidence
 *     (default POWER_SUPPLY_DEGRADATION from RACK_POWER, NETWORK_CORE from TOR_SWITCH, COOLING from
 *     RACK_COOLING)
 */
public record DataCenterCorrelationConfig(
    int affectedRacks,
    long windowMs,
    long holdMs,
    double resolveFraction,
    Map<IncidentType, Set<IncidentType>> evidenceByCause)
    implements Serializable {

  public DataCenterCorrelationConfig {
    if (affectedRacks < 2) {
      throw new IllegalArgumentException(
          "affectedRacks must be at least 2: one rack is no pattern");
    }
    if (!(resolveFraction > 0 && resolveFraction <= 1)) {
      throw new IllegalArgumentException("resolveFraction must be in (0, 1]");
    }
    if (windowMs < 0 || holdMs < 0) {
      throw new IllegalArgumentException("durations must not be negative");
    }
    evidenceByCause = Correlator.evidenceCopy(evidenceByCause, Level.DATACENTER, Level.RACK);
  }

  public static DataCenterCorrelationConfig defaults() {
    return new DataCenterCorrelationConfig(
        3,
        5 * 60_000,
        30_000,
        0.5,
        Map.of(
            POWER_SUPPLY_DEGRADATION, Set.of(RACK_POWER),
            NETWORK_CORE, Set.of(TOR_SWITCH),
            COOLING, Set.of(RACK_COOLING)));
  }
}

package dev.dctwin.models;

import static dev.dctwin.domain.IncidentType.NIC_ERRORS;
import static dev.dctwin.domain.IncidentType.NIC_PACKET_LOSS;
import static dev.dctwin.domain.IncidentType.POWER_ANOMALY;
import static dev.dctwin.domain.IncidentType.RACK_COOLING;
import static dev.dctwin.domain.IncidentType.RACK_POWER;
import static dev.dctwin.domain.IncidentType.SERVER_SILENT;
import static dev.dctwin.domain.IncidentType.THERMAL;
import static dev.dctwin.domain.IncidentType.TOR_SWITCH;

import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import java.io.Serializable;
import java.util.Map;
import java.util.Set;

/**
 * How {@link RackCorrelationModel} correlates a rack's servers. Durations are event-time ms.
 *
 * <p>A rack incident opens when the servers with related incidents opened within {@code windowMs}
 * of each other number at least {@link #openThreshold(int)} = {@code max(minServersFloor,
 * min(affectedServers, ceil(affectedFraction * commissioned)))}: whichever of the two thresholds is
 * reached first, but never a single server. In a full rack of 40, {@code ceil(0.25 * 40) = 10} and
 * {@code affectedServers = 5} decides; in a rack of 8, the fraction does (2 servers).
 *
 * @param affectedServers k, the number of affected servers that suffices (default 5)
 * @param affectedFraction f, the fraction of the rack's commissioned servers that suffices (default
 *     0.25)
 * @param minServersFloor no rack incident with fewer affected servers than this (default 2: one
 *     server's problem is its own)
 * @param windowMs W, the related server incidents must have opened within this of each other
 *     (default 5 min)
 * @param holdMs H, a new server incident of a correlatable type is held this long before it is
 *     released unexplained (default 30 s)
 * @param resolveFraction an open rack incident resolves when fewer than {@code ceil(resolveFraction
 *     * openThreshold)} servers (at least one) still have related incidents (default 0.5: with a
 *     threshold of 5, it resolves at 2 or fewer)
 * @param evidenceByCause rack incident type to the server incident types that are its evidence
 *     (default TOR_SWITCH from NIC_PACKET_LOSS, NIC_ERRORS and SERVER_SILENT; RACK_POWER from
 *     POWER_ANOMALY; RACK_COOLING from THERMAL); server types in none of them are released at once
 */
public record RackCorrelationConfig(
    int affectedServers,
    double affectedFraction,
    int minServersFloor,
    long windowMs,
    long holdMs,
    double resolveFraction,
    Map<IncidentType, Set<IncidentType>> evidenceByCause)
    implements Serializable {

  public RackCorrelationConfig {
    if (affectedServers < 1 || minServersFloor < 1) {
      throw new IllegalArgumentException("server thresholds must be positive");
    }
    if (!(affectedFraction > 0 && affectedFraction <= 1)) {
      throw new IllegalArgumentException("affectedFraction must be in (0, 1]");
    }
    if (!(resolveFraction > 0 && resolveFraction <= 1)) {
      throw new IllegalArgumentException("resolveFraction must be in (0, 1]");
    }
    if (windowMs < 0 || holdMs < 0) {
      throw new IllegalArgumentException("durations must not be negative");
    }
    evidenceByCause = Correlator.evidenceCopy(evidenceByCause, Level.RACK, Level.SERVER);
  }

  public static RackCorrelationConfig defaults() {
    return new RackCorrelationConfig(
        5,
        0.25,
        2,
        5 * 60_000,
        30_000,
        0.5,
        Map.of(
            TOR_SWITCH, Set.of(NIC_PACKET_LOSS, NIC_ERRORS, SERVER_SILENT),
            RACK_POWER, Set.of(POWER_ANOMALY),
            RACK_COOLING, Set.of(THERMAL)));
  }

  /** The number of affected servers that opens a rack incident in a rack of this size. */
  public int openThreshold(int commissionedServers) {
    int byFraction = (int) Math.ceil(affectedFraction * commissionedServers);
    return Math.max(minServersFloor, Math.min(affectedServers, byFraction));
  }
}

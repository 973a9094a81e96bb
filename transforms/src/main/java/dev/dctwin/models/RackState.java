package dev.dctwin.models;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import java.util.Map;
import java.util.OptionalLong;

/**
 * What a rack twin knows: its commissioned servers with their open incidents (held or released),
 * and its own open incidents. All maps are immutable; servers are sorted by id.
 *
 * <p>A server counts as commissioned from its first message until it leaves, so the server twin
 * should send its (empty) open set when it is commissioned: the rack's size feeds the fractional
 * threshold.
 *
 * <p>Encoding, version 1: a version byte, rack and datacenter ids, the servers (count; then id and
 * tracked incidents), then the rack incidents. Enums are written by name. A rack of 40 healthy
 * servers encodes in about 580 bytes, plus about 120 per open server incident (names, context and
 * the explaining incident's id).
 *
 * @param rackId the rack's id
 * @param datacenterId the id of the rack's datacenter
 * @param servers every commissioned server's open incidents, by server id
 * @param rackIncidents the rack's open incidents by type
 */
public record RackState(
    String rackId,
    String datacenterId,
    Map<String, Map<IncidentType, TrackedIncident>> servers,
    Map<IncidentType, Incident> rackIncidents) {

  private static final FormatVersion FORMAT = FormatVersion.of("RackState", 1);

  public RackState {
    servers = Members.immutableCopy(servers);
    rackIncidents = Members.immutableEnumMap(rackIncidents);
  }

  /** The state of a rack before any of its servers reported. */
  public static RackState empty(String rackId, String datacenterId) {
    return new RackState(rackId, datacenterId, Map.of(), Map.of());
  }

  public int commissionedServers() {
    return servers.size();
  }

  /** When the twin's timer must call {@link RackCorrelationModel#onTimer}, if at all. */
  public OptionalLong nextTimer() {
    return Members.nextRelease(servers);
  }

  public byte[] toBytes() {
    StateWriter out = new StateWriter(FORMAT);
    out.writeString(rackId);
    out.writeString(datacenterId);
    Members.write(out, servers);
    Members.writeIncidents(out, rackIncidents);
    return out.toByteArray();
  }

  public static RackState fromBytes(byte[] bytes) {
    StateReader in = new StateReader(bytes, FORMAT);
    String rackId = in.readString();
    String datacenterId = in.readString();
    Map<String, Map<IncidentType, TrackedIncident>> servers = Members.read(in);
    Map<IncidentType, Incident> rackIncidents = Members.readIncidents(in);
    in.expectEnd();
    return new RackState(rackId, datacenterId, servers, rackIncidents);
  }
}

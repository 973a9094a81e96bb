package dev.dctwin.models;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What a datacenter twin knows: the open incidents of its unhealthy racks (held or released) and
 * its own open incidents. A rack without open incidents is not kept. All maps are immutable; racks
 * are sorted by id.
 *
 * <p>Encoding, version 1: a version byte, the datacenter id, the racks (count; then id and tracked
 * incidents), then the datacenter incidents. Enums are written by name.
 *
 * @param datacenterId the datacenter's id
 * @param racks the open incidents of every unhealthy rack, by rack id
 * @param datacenterIncidents the datacenter's open incidents by type
 */
public record DataCenterState(
    String datacenterId,
    Map<String, Map<IncidentType, TrackedIncident>> racks,
    Map<IncidentType, Incident> datacenterIncidents) {

  private static final FormatVersion FORMAT = FormatVersion.of("DataCenterState", 1);

  public DataCenterState {
    racks = Members.immutableCopy(racks);
    datacenterIncidents = Members.immutableEnumMap(datacenterIncidents);
  }

  public static DataCenterState empty(String datacenterId) {
    return new DataCenterState(datacenterId, Map.of(), Map.of());
  }

  /** The racks with open incidents, sorted by id. */
  public SortedSet<String> unhealthyRacks() {
    return Collections.unmodifiableSortedSet(new TreeSet<>(racks.keySet()));
  }

  /** When the twin's timer must call {@link DataCenterCorrelationModel#onTimer}, if at all. */
  public OptionalLong nextTimer() {
    return Members.nextRelease(racks);
  }

  public byte[] toBytes() {
    StateWriter out = new StateWriter(FORMAT);
    out.writeString(datacenterId);
    Members.write(out, racks);
    Members.writeIncidents(out, datacenterIncidents);
    return out.toByteArray();
  }

  public static DataCenterState fromBytes(byte[] bytes) {
    StateReader in = new StateReader(bytes, FORMAT);
    String datacenterId = in.readString();
    Map<String, Map<IncidentType, TrackedIncident>> racks = Members.read(in);
    Map<IncidentType, Incident> datacenterIncidents = Members.readIncidents(in);
    in.expectEnd();
    return new DataCenterState(datacenterId, racks, datacenterIncidents);
  }
}

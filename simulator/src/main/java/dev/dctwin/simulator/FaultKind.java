package dev.dctwin.simulator;

import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.models.RackCorrelationConfig;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * What the simulator can inject: real faults at server, rack and datacenter level, each with the
 * incident the pipeline should raise at that level, and benign noise (short spikes) that must not
 * alert. The comment of each constant says what the affected servers report.
 */
enum FaultKind {
  /** The kernel reports a failed disk device; I/O slows down on the remaining ones. */
  DISK_FAILURE(Level.SERVER, IncidentType.DISK_FAILURE, Duration.ofMinutes(4)),
  /** 2 to 6 % of the server's packets are dropped. */
  NIC_DEGRADED(Level.SERVER, IncidentType.NIC_PACKET_LOSS, Duration.ofMinutes(4)),
  /** A noisy neighbour on the hypervisor: 14 to 30 % CPU steal. */
  CPU_STEAL(Level.SERVER, IncidentType.CPU_STEAL, Duration.ofMinutes(4)),
  /** Uncorrectable memory errors: one at once, then on about a third of the reports. */
  MEMORY_ECC(Level.SERVER, IncidentType.MEMORY_ECC_UNCORRECTED, Duration.ofMinutes(2)),
  /** A failed fan or blocked airflow: inlet temperature 10 to 13 °C above the server's usual. */
  THERMAL(Level.SERVER, IncidentType.THERMAL, Duration.ofMinutes(4)),
  /** The server stops reporting (metrics and sensors) for the duration. */
  SERVER_SILENT(Level.SERVER, IncidentType.SERVER_SILENT, Duration.ofMinutes(3)),
  /** The rack's switch fails: 75 % of its servers lose 5 to 30 % of packets, some go silent. */
  TOR_SWITCH_FAILURE(Level.RACK, IncidentType.TOR_SWITCH, Duration.ofMinutes(4)),
  /** The rack's power distribution sags: 75 % of its servers see 10.9 to 11.25 V. */
  RACK_POWER(Level.RACK, IncidentType.RACK_POWER, Duration.ofMinutes(4)),
  /** The rack's cooling fails: 80 % of its servers run 10 to 14 °C hotter at the inlet. */
  RACK_COOLING(Level.RACK, IncidentType.RACK_COOLING, Duration.ofMinutes(4)),
  /** The datacenter's power supply degrades: in every rack, 70 % of servers see 10.9 to 11.3 V. */
  POWER_SUPPLY_DEGRADATION(
      Level.DATACENTER, IncidentType.POWER_SUPPLY_DEGRADATION, Duration.ofMinutes(4)),

  /** Benign: one or two reports with 15 to 25 % CPU steal. */
  NOISE_CPU_STEAL(Level.SERVER, null, Duration.ZERO),
  /** Benign: one or two reports with 3 to 10 % packet loss. */
  NOISE_PACKET_LOSS(Level.SERVER, null, Duration.ZERO),
  /** Benign: one sensor reading 10 to 14 °C too hot. */
  NOISE_INLET_SPIKE(Level.SERVER, null, Duration.ZERO),
  /** Benign: one sensor reading of 10.9 to 11.2 V. */
  NOISE_VOLTAGE_GLITCH(Level.SERVER, null, Duration.ZERO),
  /** Benign: one or two reports with 40 to 80 ms disk latency. */
  NOISE_DISK_LATENCY(Level.SERVER, null, Duration.ZERO),
  /** Benign: one to three reports missing, a gap well under the 60 s of SERVER_SILENT. */
  NOISE_MISSED_REPORTS(Level.SERVER, null, Duration.ZERO);

  private final Level level;
  private final IncidentType expectedIncident;
  private final Duration defaultDuration;

  FaultKind(Level level, IncidentType expectedIncident, Duration defaultDuration) {
    this.level = level;
    this.expectedIncident = expectedIncident;
    this.defaultDuration = defaultDuration;
  }

  Level level() {
    return level;
  }

  /** The incident the pipeline should raise at {@link #level()}; null for benign noise. */
  IncidentType expectedIncident() {
    return expectedIncident;
  }

  boolean benign() {
    return expectedIncident == null;
  }

  Duration defaultDuration() {
    return defaultDuration;
  }

  /**
   * Whether the rack twin correlates the server incident this fault raises: at most one such server
   * fault may run at a time in a rack, so that server faults never add up to a rack incident that
   * has no root cause in the ground truth.
   */
  boolean correlatable() {
    return level == Level.SERVER
        && !benign()
        && RackCorrelationConfig.defaults().evidenceByCause().values().stream()
            .anyMatch(evidence -> evidence.contains(expectedIncident));
  }

  static List<FaultKind> benignKinds() {
    return Arrays.stream(values()).filter(FaultKind::benign).toList();
  }
}

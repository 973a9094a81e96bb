package dev.dctwin.simulator;

/**
 * Everything that determines a fleet run's output. Times are epoch ms, durations ms.
 *
 * @param faults the fault specification (see {@link FaultSpec#parseAll})
 * @param churn how many servers are decommissioned for maintenance and commissioned again
 * @param embedSensors whether metric reports carry the BMC readings instead of a sensors stream
 */
record FleetConfig(
    long seed,
    int datacenters,
    int racks,
    int servers,
    long start,
    long durationMs,
    long intervalMs,
    String faults,
    int churn,
    boolean embedSensors) {

  /** 2025-11-21T10:00:00Z, the epoch of the wire format's examples. */
  static final long DEFAULT_START = 1_763_719_200_000L;

  FleetConfig {
    if (intervalMs < 1_000) {
      throw new IllegalArgumentException("--interval must be at least 1s");
    }
    if (durationMs < intervalMs) {
      throw new IllegalArgumentException("--duration must be at least one --interval");
    }
    if (churn < 0) {
      throw new IllegalArgumentException("--churn must not be negative");
    }
  }

  /** The default scenario: one datacenter, 4 racks of 40 servers, 30 minutes at 10 s. */
  static FleetConfig defaults(long seed) {
    return new FleetConfig(
        seed, 1, 4, 40, DEFAULT_START, 30 * 60_000, 10_000, FaultSpec.DEFAULT, 0, false);
  }

  FleetConfig withFaults(String spec) {
    return new FleetConfig(
        seed,
        datacenters,
        racks,
        servers,
        start,
        durationMs,
        intervalMs,
        spec,
        churn,
        embedSensors);
  }

  FleetConfig withEmbedSensors(boolean embed) {
    return new FleetConfig(
        seed, datacenters, racks, servers, start, durationMs, intervalMs, faults, churn, embed);
  }

  FleetConfig withChurn(int servers) {
    return new FleetConfig(
        seed,
        datacenters,
        racks,
        this.servers,
        start,
        durationMs,
        intervalMs,
        faults,
        servers,
        embedSensors);
  }

  FleetConfig withFleet(int datacenters, int racks, int servers) {
    return new FleetConfig(
        seed,
        datacenters,
        racks,
        servers,
        start,
        durationMs,
        intervalMs,
        faults,
        churn,
        embedSensors);
  }

  FleetConfig withDuration(long durationMs) {
    return new FleetConfig(
        seed,
        datacenters,
        racks,
        servers,
        start,
        durationMs,
        intervalMs,
        faults,
        churn,
        embedSensors);
  }

  FleetConfig withStart(long start) {
    return new FleetConfig(
        seed,
        datacenters,
        racks,
        servers,
        start,
        durationMs,
        intervalMs,
        faults,
        churn,
        embedSensors);
  }

  long end() {
    return start + durationMs;
  }
}

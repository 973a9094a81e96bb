package dev.dctwin.domain;

/** Every incident dctwin can open, with its level, category and default severity. */
public enum IncidentType {
  DISK_FAILURE(Level.SERVER, Category.DISK, Severity.CRITICAL),
  DISK_LATENCY(Level.SERVER, Category.DISK, Severity.WARNING),
  NIC_PACKET_LOSS(Level.SERVER, Category.NETWORK, Severity.MAJOR),
  NIC_ERRORS(Level.SERVER, Category.NETWORK, Severity.WARNING),
  CPU_SATURATION(Level.SERVER, Category.CPU, Severity.WARNING),
  CPU_STEAL(Level.SERVER, Category.CPU, Severity.WARNING),
  MEMORY_PRESSURE(Level.SERVER, Category.MEMORY, Severity.WARNING),
  MEMORY_ECC_CORRECTED(Level.SERVER, Category.MEMORY, Severity.WARNING),
  MEMORY_ECC_UNCORRECTED(Level.SERVER, Category.MEMORY, Severity.CRITICAL),
  THERMAL(Level.SERVER, Category.THERMAL, Severity.MAJOR),
  POWER_ANOMALY(Level.SERVER, Category.POWER, Severity.MAJOR),
  SERVER_SILENT(Level.SERVER, Category.AVAILABILITY, Severity.MAJOR),
  /**
   * A commissioned server went without a report for its TTL (7 days by default) and was forgotten
   * as if decommissioned; announced by a single RESOLVED alert.
   */
  SERVER_GONE(Level.SERVER, Category.AVAILABILITY, Severity.WARNING),
  /** The server's metrics depart from what its learned baseline expects. */
  METRIC_ANOMALY(Level.SERVER, Category.METRICS, Severity.WARNING),

  TOR_SWITCH(Level.RACK, Category.NETWORK, Severity.CRITICAL),
  RACK_POWER(Level.RACK, Category.POWER, Severity.CRITICAL),
  RACK_COOLING(Level.RACK, Category.THERMAL, Severity.CRITICAL),

  POWER_SUPPLY_DEGRADATION(Level.DATACENTER, Category.POWER, Severity.CRITICAL),
  NETWORK_CORE(Level.DATACENTER, Category.NETWORK, Severity.CRITICAL),
  COOLING(Level.DATACENTER, Category.THERMAL, Severity.CRITICAL);

  private final Level level;
  private final Category category;
  private final Severity defaultSeverity;

  IncidentType(Level level, Category category, Severity defaultSeverity) {
    this.level = level;
    this.category = category;
    this.defaultSeverity = defaultSeverity;
  }

  public Level level() {
    return level;
  }

  public Category category() {
    return category;
  }

  public Severity defaultSeverity() {
    return defaultSeverity;
  }
}

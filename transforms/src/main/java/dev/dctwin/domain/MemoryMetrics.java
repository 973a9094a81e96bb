package dev.dctwin.domain;

/**
 * Memory gauges in bytes (collectd {@code memory} plugin), bandwidth in bytes per second and error
 * counters as counts within the reporting interval (EDAC / Intel RDT).
 */
public record MemoryMetrics(
    double used,
    double free,
    double cached,
    double buffered,
    double slab,
    double total,
    double bandwidthLocal,
    double bandwidthRemote,
    double llcBytes,
    double correctedErrors,
    double uncorrectedErrors,
    double throttlingEvents) {

  /** Used memory (without page cache and buffers) as a percentage of total. */
  public double usedPercent() {
    return total <= 0 ? 0.0 : 100.0 * used / total;
  }
}

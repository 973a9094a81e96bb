package dev.dctwin.domain;

/**
 * CPU time shares over the reporting interval, in percent (0..100) of all cores, as collectd's
 * {@code cpu} plugin reports them with {@code ValuesPercentage true}.
 */
public record CpuMetrics(
    double idle,
    double user,
    double system,
    double nice,
    double interrupt,
    double softirq,
    double steal,
    double ioWait) {

  /** Percent of time the CPU did work for someone, including the hypervisor's steal. */
  public double busy() {
    return 100.0 - idle;
  }
}

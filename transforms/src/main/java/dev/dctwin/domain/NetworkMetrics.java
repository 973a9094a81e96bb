package dev.dctwin.domain;

/**
 * Interface counters summed over the server's data interfaces, as rates per second over the
 * reporting interval (collectd {@code interface} plugin).
 */
public record NetworkMetrics(
    double droppedIn,
    double droppedOut,
    double errorsIn,
    double errorsOut,
    double packetsIn,
    double packetsOut,
    double octetsIn,
    double octetsOut) {

  /** Dropped packets as a fraction of all packets in both directions (0 when idle). */
  public double lossRatio() {
    double packets = packetsIn + packetsOut + droppedIn + droppedOut;
    return packets <= 0 ? 0.0 : (droppedIn + droppedOut) / packets;
  }

  /** Interface errors as a fraction of all packets in both directions (0 when idle). */
  public double errorRatio() {
    double packets = packetsIn + packetsOut;
    return packets <= 0 ? 0.0 : (errorsIn + errorsOut) / packets;
  }
}

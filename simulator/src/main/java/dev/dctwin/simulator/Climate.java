package dev.dctwin.simulator;

import java.util.SplittableRandom;

/**
 * The load and the cold-aisle temperature every server of a rack shares: the datacenter's diurnal
 * load curve (lowest at 03:00 UTC, highest at 15:00), times a rack factor that drifts slowly; the
 * rack's inlet temperature drifting around its own level, plus the datacenter's daily swing. These
 * shared terms make the servers of a rack move together, as real ones do.
 */
final class Climate {
  private static final double HOUR_MS = 3_600_000.0;
  private static final double DAY_MS = 24 * HOUR_MS;

  private final double loadFactor;
  private final double loadWave;
  private final double loadPeriodMs;
  private final double loadPhase;
  private final double inletBase;
  private final double inletWave;
  private final double inletPeriodMs;
  private final double inletPhase;
  private final double datacenterSwing;

  Climate(long seed, String rackId, String datacenterId) {
    SplittableRandom rack = Seeds.forEntity(seed, rackId);
    loadFactor = 0.85 + 0.3 * rack.nextDouble();
    loadWave = 0.03 + 0.05 * rack.nextDouble();
    loadPeriodMs = (20 + 40 * rack.nextDouble()) * 60_000;
    loadPhase = 2 * Math.PI * rack.nextDouble();
    inletBase = 20.5 + 4 * rack.nextDouble();
    inletWave = 0.2 + 0.3 * rack.nextDouble();
    inletPeriodMs = (15 + 30 * rack.nextDouble()) * 60_000;
    inletPhase = 2 * Math.PI * rack.nextDouble();
    datacenterSwing = 0.4 + 0.6 * Seeds.forEntity(seed, datacenterId).nextDouble();
  }

  /** The rack's load at {@code eventTime}, about 0.25 to 1.1. */
  double load(long eventTime) {
    double diurnal = 0.6 + 0.3 * Math.sin(2 * Math.PI * (eventTime - 9 * HOUR_MS) / DAY_MS);
    double drift = 1 + loadWave * Math.sin(2 * Math.PI * eventTime / loadPeriodMs + loadPhase);
    return diurnal * loadFactor * drift;
  }

  /** The rack's cold-aisle temperature at {@code eventTime}, °C. */
  double inlet(long eventTime) {
    double daily = datacenterSwing * Math.sin(2 * Math.PI * (eventTime - 9 * HOUR_MS) / DAY_MS);
    double drift = inletWave * Math.sin(2 * Math.PI * eventTime / inletPeriodMs + inletPhase);
    return inletBase + daily + drift;
  }
}

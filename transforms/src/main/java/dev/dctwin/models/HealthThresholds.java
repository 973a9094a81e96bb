package dev.dctwin.models;

import java.io.Serializable;

/**
 * Everything {@link ServerHealthModel} compares against, grouped by subsystem. Durations are
 * event-time milliseconds. {@link #defaults()} documents the default of every value; all of them
 * can be replaced through the canonical constructors.
 *
 * @param window the sliding window of report summaries
 * @param hysteresis when a condition opens and resolves an incident
 * @param silenceAfterMs SERVER_SILENT opens when no report arrived for this long (default 60 s, six
 *     missed reports at the usual 10-second cadence)
 * @param disk DISK_FAILURE and DISK_LATENCY
 * @param network NIC_PACKET_LOSS and NIC_ERRORS
 * @param cpu CPU_SATURATION and CPU_STEAL
 * @param memory MEMORY_PRESSURE and MEMORY_ECC_CORRECTED
 * @param thermal THERMAL
 * @param power POWER_ANOMALY
 */
public record HealthThresholds(
    WindowSettings window,
    Hysteresis hysteresis,
    long silenceAfterMs,
    DiskLimits disk,
    NetworkLimits network,
    CpuLimits cpu,
    MemoryLimits memory,
    ThermalLimits thermal,
    PowerLimits power)
    implements Serializable {

  public HealthThresholds {
    requirePositive(silenceAfterMs, "silenceAfterMs");
    if (window == null
        || hysteresis == null
        || disk == null
        || network == null
        || cpu == null
        || memory == null
        || thermal == null
        || power == null) {
      throw new IllegalArgumentException("every threshold group is required");
    }
  }

  /** The defaults listed on each group's {@code defaults()}, and a silence interval of 60 s. */
  public static HealthThresholds defaults() {
    return new HealthThresholds(
        WindowSettings.defaults(),
        Hysteresis.defaults(),
        60_000,
        DiskLimits.defaults(),
        NetworkLimits.defaults(),
        CpuLimits.defaults(),
        MemoryLimits.defaults(),
        ThermalLimits.defaults(),
        PowerLimits.defaults());
  }

  public HealthThresholds withWindow(WindowSettings newWindow) {
    return new HealthThresholds(
        newWindow, hysteresis, silenceAfterMs, disk, network, cpu, memory, thermal, power);
  }

  public HealthThresholds withHysteresis(Hysteresis newHysteresis) {
    return new HealthThresholds(
        window, newHysteresis, silenceAfterMs, disk, network, cpu, memory, thermal, power);
  }

  public HealthThresholds withSilenceAfterMs(long newSilenceAfterMs) {
    return new HealthThresholds(
        window, hysteresis, newSilenceAfterMs, disk, network, cpu, memory, thermal, power);
  }

  /**
   * The sliding window of report summaries.
   *
   * @param lengthMs how much history the window keeps (default 15 min)
   * @param maxEntries a hard cap on the number of summaries, whatever the cadence, to keep the
   *     state within its 4 KiB budget (default 120: 15 minutes at one report every 7.5 s; a server
   *     reporting faster keeps a shorter history)
   * @param minBaselineSamples a baseline (median, MAD) is used only when the window holds at least
   *     this many usable earlier samples (default 10); until then baseline checks do not vote
   */
  public record WindowSettings(long lengthMs, int maxEntries, int minBaselineSamples)
      implements Serializable {
    public WindowSettings {
      requirePositive(lengthMs, "lengthMs");
      requirePositive(maxEntries, "maxEntries");
      requirePositive(minBaselineSamples, "minBaselineSamples");
    }

    public static WindowSettings defaults() {
      return new WindowSettings(15 * 60_000, 120, 10);
    }
  }

  /**
   * Hysteresis, counted in reports. A check that cannot be evaluated on a report (no sensors, no
   * baseline yet) does not vote: it neither counts as abnormal nor as clear.
   *
   * @param openCount an incident opens when its condition held in at least this many (default 3)
   * @param openOf ... of the last this many evaluated reports (default 4, at most 31)
   * @param clearCount an open incident resolves after this many consecutive clear reports (default
   *     3)
   * @param uncorrectedEccClearCount MEMORY_ECC_UNCORRECTED opens on the first error and resolves
   *     only after this many consecutive reports without one (default 90: 15 minutes at 10 s)
   */
  public record Hysteresis(int openCount, int openOf, int clearCount, int uncorrectedEccClearCount)
      implements Serializable {
    public Hysteresis {
      if (openCount < 1 || openCount > openOf || openOf > 31) {
        throw new IllegalArgumentException(
            "need 1 <= openCount <= openOf <= 31, got " + openCount + " of " + openOf);
      }
      requirePositive(clearCount, "clearCount");
      requirePositive(uncorrectedEccClearCount, "uncorrectedEccClearCount");
    }

    public static Hysteresis defaults() {
      return new Hysteresis(3, 4, 3, 90);
    }
  }

  /**
   * Disk limits. I/O time is in milliseconds of I/O per second (1000 = always busy), latencies in
   * milliseconds per operation, as in {@link dev.dctwin.domain.DiskMetrics}.
   *
   * @param peggedIoTimeMs I/O time at or above which the disk counts as saturated (default 950)
   * @param collapsedOpsFraction a saturated disk fails when its read+write operations per second
   *     drop to at most this fraction of the window's median (default 0.1)
   * @param latencyFactor DISK_LATENCY when read or write latency exceeds this multiple of its
   *     window median (default 4) ...
   * @param latencyFloorMs ... and this absolute floor, so that a fast SSD going from 0.2 to 1 ms
   *     does not alert (default 20 ms)
   */
  public record DiskLimits(
      double peggedIoTimeMs,
      double collapsedOpsFraction,
      double latencyFactor,
      double latencyFloorMs)
      implements Serializable {
    public DiskLimits {
      requirePositive(peggedIoTimeMs, "peggedIoTimeMs");
      requireFraction(collapsedOpsFraction, "collapsedOpsFraction");
      requirePositive(latencyFactor, "latencyFactor");
      requirePositive(latencyFloorMs, "latencyFloorMs");
    }

    public static DiskLimits defaults() {
      return new DiskLimits(950, 0.1, 4, 20);
    }
  }

  /**
   * Network limits, as fractions of all packets ({@link dev.dctwin.domain.NetworkMetrics}).
   *
   * @param lossRatio NIC_PACKET_LOSS at or above this dropped fraction (default 0.01 = 1 %)
   * @param errorRatio NIC_ERRORS at or above this error fraction (default 0.001 = 0.1 %)
   */
  public record NetworkLimits(double lossRatio, double errorRatio) implements Serializable {
    public NetworkLimits {
      requireFraction(lossRatio, "lossRatio");
      requireFraction(errorRatio, "errorRatio");
    }

    public static NetworkLimits defaults() {
      return new NetworkLimits(0.01, 0.001);
    }
  }

  /**
   * CPU limits in percent of all cores.
   *
   * @param busyPercent CPU_SATURATION at or above this busy share (default 95 %)
   * @param stealPercent CPU_STEAL at or above this steal share (default 10 %)
   */
  public record CpuLimits(double busyPercent, double stealPercent) implements Serializable {
    public CpuLimits {
      requirePercent(busyPercent, "busyPercent");
      requirePercent(stealPercent, "stealPercent");
    }

    public static CpuLimits defaults() {
      return new CpuLimits(95, 10);
    }
  }

  /**
   * Memory limits.
   *
   * @param usedPercent MEMORY_PRESSURE at or above this used share, without cache and buffers
   *     (default 95 %) ...
   * @param elevatedUsedPercent ... or at or above this share (default 85 %) while at least
   * @param stalledProcesses processes are blocked or paging (default 10), the sign that the kernel
   *     is reclaiming memory under load
   * @param eccRateWindowMs corrected ECC errors are summed over this trailing period (default 5
   *     min) ...
   * @param correctedEccPerMinute ... and MEMORY_ECC_CORRECTED holds when they average at least this
   *     many per minute over it (default 1)
   */
  public record MemoryLimits(
      double usedPercent,
      double elevatedUsedPercent,
      double stalledProcesses,
      long eccRateWindowMs,
      double correctedEccPerMinute)
      implements Serializable {
    public MemoryLimits {
      requirePercent(usedPercent, "usedPercent");
      requirePercent(elevatedUsedPercent, "elevatedUsedPercent");
      requirePositive(stalledProcesses, "stalledProcesses");
      requirePositive(eccRateWindowMs, "eccRateWindowMs");
      requirePositive(correctedEccPerMinute, "correctedEccPerMinute");
    }

    public static MemoryLimits defaults() {
      return new MemoryLimits(95, 85, 10, 5 * 60_000, 1);
    }
  }

  /**
   * Inlet temperature limits in degrees Celsius.
   *
   * @param inletLimitCelsius THERMAL at or above this inlet temperature (default 35 °C, the top of
   *     ASHRAE class A2) ...
   * @param inletRiseCelsius ... or at least this far above the window's median (default 8 °C)
   */
  public record ThermalLimits(double inletLimitCelsius, double inletRiseCelsius)
      implements Serializable {
    public ThermalLimits {
      requirePositive(inletLimitCelsius, "inletLimitCelsius");
      requirePositive(inletRiseCelsius, "inletRiseCelsius");
    }

    public static ThermalLimits defaults() {
      return new ThermalLimits(35, 8);
    }
  }

  /**
   * Power limits. Input power follows the load, so only a deviation that is both large relative to
   * the median and far outside the window's spread counts; the voltage is the primary signal.
   *
   * @param nominalVolts the supply voltage the BMC reports when healthy (default 12 V)
   * @param voltageTolerance POWER_ANOMALY when the voltage deviates from nominal by more than this
   *     fraction (default 0.05, the ATX tolerance of the 12 V rail) ...
   * @param inputPowerDeviation ... or input power deviates from the window median by more than this
   *     fraction of it (default 0.5) ...
   * @param inputPowerDeviationMads ... and by more than this many scaled MADs (default 6)
   */
  public record PowerLimits(
      double nominalVolts,
      double voltageTolerance,
      double inputPowerDeviation,
      double inputPowerDeviationMads)
      implements Serializable {
    public PowerLimits {
      requirePositive(nominalVolts, "nominalVolts");
      requireFraction(voltageTolerance, "voltageTolerance");
      requirePositive(inputPowerDeviation, "inputPowerDeviation");
      requirePositive(inputPowerDeviationMads, "inputPowerDeviationMads");
    }

    public static PowerLimits defaults() {
      return new PowerLimits(12, 0.05, 0.5, 6);
    }
  }

  private static void requirePositive(double value, String name) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  private static void requireFraction(double value, String name) {
    if (!(value > 0 && value < 1)) {
      throw new IllegalArgumentException(name + " must be in (0, 1), got " + value);
    }
  }

  private static void requirePercent(double value, String name) {
    if (!(value > 0 && value <= 100)) {
      throw new IllegalArgumentException(name + " must be in (0, 100], got " + value);
    }
  }
}

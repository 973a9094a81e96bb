package dev.dctwin.models;

import static dev.dctwin.domain.IncidentType.CPU_SATURATION;
import static dev.dctwin.domain.IncidentType.CPU_STEAL;
import static dev.dctwin.domain.IncidentType.DISK_FAILURE;
import static dev.dctwin.domain.IncidentType.DISK_LATENCY;
import static dev.dctwin.domain.IncidentType.MEMORY_ECC_CORRECTED;
import static dev.dctwin.domain.IncidentType.MEMORY_ECC_UNCORRECTED;
import static dev.dctwin.domain.IncidentType.MEMORY_PRESSURE;
import static dev.dctwin.domain.IncidentType.NIC_ERRORS;
import static dev.dctwin.domain.IncidentType.NIC_PACKET_LOSS;
import static dev.dctwin.domain.IncidentType.POWER_ANOMALY;
import static dev.dctwin.domain.IncidentType.SERVER_SILENT;
import static dev.dctwin.domain.IncidentType.THERMAL;

import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.MetricSummary.Feature;
import dev.dctwin.models.ServerStatus.CheckHistory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.function.Supplier;

/**
 * The health model of one server: from its window, a new report and its last status, which
 * incidents are open. Pure and deterministic: no clock, no Beam; event times are epoch ms.
 *
 * <p>Every report gets a verdict per check (abnormal or clear; or none when the check cannot be
 * evaluated: sensor checks on a report without sensors, baseline checks before the window holds
 * {@link HealthThresholds.WindowSettings#minBaselineSamples()} usable samples). Hysteresis turns
 * verdicts into incidents: an incident opens when its check was abnormal in {@code openCount} of
 * the last {@code openOf} verdicts (3 of 4 by default) and resolves after {@code clearCount}
 * consecutive clear verdicts (3). One noisy sample thus neither opens nor resolves an incident, and
 * input that alternates between bad and good opens at most one incident and keeps it open instead
 * of flapping.
 *
 * <p>MEMORY_ECC_UNCORRECTED is the one exception: it opens on the first report with an
 * uncorrectable error, because such an error is not a noisy measurement but a hardware event the
 * memory controller has certified (data was lost); waiting for more would only delay the page. It
 * resolves after {@code uncorrectedEccClearCount} clear reports (90, i.e. 15 minutes).
 *
 * <p>Baseline checks compare the report with the median (and MAD) of the earlier entries of the
 * window that were not themselves anomalous, so an ongoing anomaly does not become its own
 * reference until the healthy samples have expired.
 *
 * <p>A metric that is NaN was not reported (a report assembled from an agent's samples has the
 * groups its agent sends, with NaN where it has no sample): a check that needs it gives no verdict,
 * so it neither opens nor resolves an incident, and the window keeps it as NaN, which the baselines
 * skip. Absent is never read as 0.
 */
public final class ServerHealthModel {
  private static final Comparator<IncidentChange> BY_TYPE =
      Comparator.comparing(change -> change.incident().type());

  private final HealthThresholds thresholds;

  public ServerHealthModel(HealthThresholds thresholds) {
    this.thresholds = thresholds;
  }

  /**
   * Evaluates one report. Mutates {@code window} in place: expires the entries that are {@code
   * lengthMs} or more older than the report, then appends the report's summary.
   *
   * <p>A report that is not newer than the last accepted one (a duplicate or out of order) is
   * ignored: the window and status are left unchanged and the result is not {@code accepted}. An
   * older report cannot be inserted without rewriting the verdicts that followed it, and an
   * at-least-once source redelivers duplicates, which must not count twice.
   *
   * <p>A report resolves SERVER_SILENT, at the report's event time (or at the incident's opening if
   * the report is older than that, so that no incident resolves before it opened).
   */
  public HealthEvaluation evaluate(
      ServerWindow window, ServerMetricReport report, ServerStatus last) {
    long now = report.eventTime();
    if ((last.hasReport() && now <= last.lastReportTime()) || !window.accepts(now)) {
      return HealthEvaluation.ignored(last);
    }
    window.expire(now, thresholds.window().lengthMs());
    Observation observation = observe(window, report);
    window.append(observation.summary(), thresholds.window().maxEntries());

    Map<IncidentType, Incident> open = enumMap(last.open());
    Map<IncidentType, CheckHistory> checks = enumMap(last.checks());
    List<IncidentChange> resolved = new ArrayList<>();
    List<IncidentChange> opened = new ArrayList<>();

    Incident silent = open.remove(SERVER_SILENT);
    if (silent != null) {
      resolved.add(new IncidentChange(silent, false, Math.max(now, silent.openedAt())));
    }
    int depth = thresholds.hysteresis().openOf();
    for (Map.Entry<IncidentType, Verdict> entry : observation.verdicts().entrySet()) {
      IncidentType type = entry.getKey();
      Verdict verdict = entry.getValue();
      CheckHistory history =
          checks.getOrDefault(type, new CheckHistory(0, 0)).record(verdict.abnormal(), depth);
      Incident current = open.get(type);
      if (current == null && history.abnormalCount(depth) >= openCount(type)) {
        Incident incident =
            new Incident(type, type.defaultSeverity(), now, verdict.evidence().get());
        open.put(type, incident);
        opened.add(new IncidentChange(incident, true, now));
      } else if (current != null && history.clearStreak() >= clearCount(type)) {
        open.remove(type);
        resolved.add(new IncidentChange(current, false, now));
        // A resolved incident must earn a fresh N of M to reopen, whatever the configuration.
        history = new CheckHistory(0, history.clearStreak());
      }
      if (history.recent() == 0 && !open.containsKey(type)) {
        checks.remove(type);
      } else {
        checks.put(type, history);
      }
    }
    resolved.sort(BY_TYPE);
    List<IncidentChange> changes = new ArrayList<>(resolved);
    changes.addAll(opened);
    return new HealthEvaluation(new ServerStatus(open, checks, now), changes, true);
  }

  /**
   * Called by the twin's timer when no report arrived: opens SERVER_SILENT at {@code now} if the
   * last report is at least {@code silenceAfterMs} older than {@code now} (or there never was one).
   * A timer that fires early, or while SERVER_SILENT is already open, changes nothing. Other open
   * incidents stay open: silence is no evidence that they ended.
   */
  public HealthEvaluation onSilence(ServerStatus last, long now) {
    boolean recentReport =
        last.hasReport() && now - last.lastReportTime() < thresholds.silenceAfterMs();
    if (recentReport || last.open().containsKey(SERVER_SILENT)) {
      return new HealthEvaluation(last, List.of(), true);
    }
    String evidence =
        last.hasReport()
            ? String.format(Locale.ROOT, "no report for %d s", (now - last.lastReportTime()) / 1000)
            : "no report since commissioning";
    Incident silent = new Incident(SERVER_SILENT, SERVER_SILENT.defaultSeverity(), now, evidence);
    Map<IncidentType, Incident> open = enumMap(last.open());
    open.put(SERVER_SILENT, silent);
    return new HealthEvaluation(
        new ServerStatus(open, last.checks(), last.lastReportTime()),
        List.of(new IncidentChange(silent, true, now)),
        true);
  }

  /**
   * When the twin's silence timer must fire: {@code silenceAfterMs} after the last report; empty
   * when there was no report yet (the twin then counts from commissioning) or the server is already
   * silent.
   */
  public OptionalLong silenceDeadline(ServerStatus status) {
    if (!status.hasReport() || status.open().containsKey(SERVER_SILENT)) {
      return OptionalLong.empty();
    }
    return OptionalLong.of(status.lastReportTime() + thresholds.silenceAfterMs());
  }

  private int openCount(IncidentType type) {
    return type == MEMORY_ECC_UNCORRECTED ? 1 : thresholds.hysteresis().openCount();
  }

  private int clearCount(IncidentType type) {
    return type == MEMORY_ECC_UNCORRECTED
        ? thresholds.hysteresis().uncorrectedEccClearCount()
        : thresholds.hysteresis().clearCount();
  }

  /** A check's verdict on one report; {@code evidence} says why when abnormal. */
  private record Verdict(boolean abnormal, Supplier<String> evidence) {
    static final Verdict CLEAR = new Verdict(false, () -> null);

    /** Formatted only when an incident opens: most abnormal verdicts find it open already. */
    static Verdict abnormal(String format, Object... args) {
      return new Verdict(true, () -> String.format(Locale.ROOT, format, args));
    }
  }

  private record Observation(MetricSummary summary, Map<IncidentType, Verdict> verdicts) {}

  /** Collects the verdicts on one report and the outlier bits of its summary. */
  private final class Observer {
    final ServerWindow window;
    final long now;
    final Map<IncidentType, Verdict> verdicts = new EnumMap<>(IncidentType.class);
    int outliers;

    Observer(ServerWindow window, long now) {
      this.window = window;
      this.now = now;
    }

    Optional<RobustStats> baseline(Feature feature) {
      return window.baseline(feature, thresholds.window().minBaselineSamples());
    }

    /** The median of {@link #baseline}, for the checks that need no spread. */
    OptionalDouble median(Feature feature) {
      return window.median(feature, thresholds.window().minBaselineSamples());
    }

    void outlier(Feature feature) {
      outliers |= feature.bit();
    }

    void checkDisk(DiskMetrics disk) {
      HealthThresholds.DiskLimits limits = thresholds.disk();
      double ops = disk.opsRead() + disk.opsWrite();
      OptionalDouble opsBaseline = median(Feature.DISK_OPS);
      boolean collapseKnown =
          !Double.isNaN(disk.ioTime()) && !Double.isNaN(ops) && opsBaseline.isPresent();
      boolean collapsed =
          collapseKnown
              && disk.ioTime() >= limits.peggedIoTimeMs()
              && ops <= limits.collapsedOpsFraction() * opsBaseline.getAsDouble();
      if (collapsed) {
        outlier(Feature.DISK_OPS);
      }
      if (disk.failedDevices() > 0) {
        verdicts.put(
            DISK_FAILURE, Verdict.abnormal("%.0f failed disk devices", disk.failedDevices()));
      } else if (collapsed) {
        verdicts.put(
            DISK_FAILURE,
            Verdict.abnormal(
                "disk busy %.0f ms/s at %.1f ops/s, median %.1f ops/s",
                disk.ioTime(), ops, opsBaseline.getAsDouble()));
      } else if (!Double.isNaN(disk.failedDevices()) || collapseKnown) {
        verdicts.put(DISK_FAILURE, Verdict.CLEAR);
      }

      String slow = null;
      boolean evaluated = false;
      for (Feature feature : List.of(Feature.READ_LATENCY, Feature.WRITE_LATENCY)) {
        double latency = feature == Feature.READ_LATENCY ? disk.timeRead() : disk.timeWrite();
        OptionalDouble latencyBaseline = median(feature);
        if (Double.isNaN(latency) || latencyBaseline.isEmpty()) {
          continue;
        }
        evaluated = true;
        double median = latencyBaseline.getAsDouble();
        if (latency > Math.max(limits.latencyFactor() * median, limits.latencyFloorMs())) {
          outlier(feature);
          slow =
              String.format(
                  Locale.ROOT,
                  "%s latency %.1f ms, median %.1f ms",
                  feature == Feature.READ_LATENCY ? "read" : "write",
                  latency,
                  median);
        }
      }
      if (evaluated) {
        String evidence = slow;
        verdicts.put(
            DISK_LATENCY, evidence == null ? Verdict.CLEAR : new Verdict(true, () -> evidence));
      }
    }

    void checkNetwork(NetworkMetrics network) {
      HealthThresholds.NetworkLimits limits = thresholds.network();
      double loss = network.lossRatio();
      if (!Double.isNaN(loss)) {
        verdicts.put(
            NIC_PACKET_LOSS,
            loss >= limits.lossRatio()
                ? Verdict.abnormal("%.2f %% of packets dropped", 100 * loss)
                : Verdict.CLEAR);
      }
      double errors = network.errorRatio();
      if (!Double.isNaN(errors)) {
        verdicts.put(
            NIC_ERRORS,
            errors >= limits.errorRatio()
                ? Verdict.abnormal("%.3f %% interface errors", 100 * errors)
                : Verdict.CLEAR);
      }
    }

    void checkCpu(CpuMetrics cpu) {
      HealthThresholds.CpuLimits limits = thresholds.cpu();
      if (!Double.isNaN(cpu.busy())) {
        verdicts.put(
            CPU_SATURATION,
            cpu.busy() >= limits.busyPercent()
                ? Verdict.abnormal("CPU busy %.1f %%", cpu.busy())
                : Verdict.CLEAR);
      }
      if (!Double.isNaN(cpu.steal())) {
        verdicts.put(
            CPU_STEAL,
            cpu.steal() >= limits.stealPercent()
                ? Verdict.abnormal("CPU steal %.1f %%", cpu.steal())
                : Verdict.CLEAR);
      }
    }

    void checkMemory(MemoryMetrics memory, double stalledProcesses) {
      HealthThresholds.MemoryLimits limits = thresholds.memory();
      double used = memory.usedPercent();
      if (!Double.isNaN(used)) {
        boolean pressure =
            used >= limits.usedPercent()
                || (used >= limits.elevatedUsedPercent()
                    && stalledProcesses >= limits.stalledProcesses());
        verdicts.put(
            MEMORY_PRESSURE,
            pressure
                ? Verdict.abnormal(
                    "memory %.1f %% used, %.0f processes blocked or paging", used, stalledProcesses)
                : Verdict.CLEAR);
      }

      if (!Double.isNaN(memory.correctedErrors())) {
        long rateWindow = limits.eccRateWindowMs();
        double corrected =
            window.correctedEccErrorsAfter(now - rateWindow) + memory.correctedErrors();
        double perMinute = corrected / (rateWindow / 60_000.0);
        verdicts.put(
            MEMORY_ECC_CORRECTED,
            perMinute >= limits.correctedEccPerMinute()
                ? Verdict.abnormal(
                    "%.0f corrected ECC errors in %d min", corrected, rateWindow / 60_000)
                : Verdict.CLEAR);
      }
      if (!Double.isNaN(memory.uncorrectedErrors())) {
        verdicts.put(
            MEMORY_ECC_UNCORRECTED,
            memory.uncorrectedErrors() > 0
                ? Verdict.abnormal("%.0f uncorrected ECC errors", memory.uncorrectedErrors())
                : Verdict.CLEAR);
      }
    }

    void checkSensors(SensorReadings sensors) {
      HealthThresholds.ThermalLimits thermal = thresholds.thermal();
      double inlet = sensors.temperature();
      OptionalDouble inletBaseline = median(Feature.INLET_TEMPERATURE);
      boolean risen =
          inletBaseline.isPresent()
              && inlet >= inletBaseline.getAsDouble() + thermal.inletRiseCelsius();
      if (Double.isNaN(inlet)) {
        // Not reported: no verdict.
      } else if (risen || inlet >= thermal.inletLimitCelsius()) {
        outlier(Feature.INLET_TEMPERATURE);
        verdicts.put(
            THERMAL,
            risen
                ? Verdict.abnormal(
                    "inlet %.1f °C, median %.1f °C", inlet, inletBaseline.getAsDouble())
                : Verdict.abnormal(
                    "inlet %.1f °C, limit %.1f °C", inlet, thermal.inletLimitCelsius()));
      } else {
        verdicts.put(THERMAL, Verdict.CLEAR);
      }

      HealthThresholds.PowerLimits power = thresholds.power();
      double voltageDeviation =
          Math.abs(sensors.voltage() - power.nominalVolts()) / power.nominalVolts();
      Optional<RobustStats> powerBaseline = baseline(Feature.INPUT_POWER);
      boolean powerKnown = !Double.isNaN(sensors.inputPower()) && powerBaseline.isPresent();
      boolean powerOff = powerKnown && isFarFrom(sensors.inputPower(), powerBaseline.get());
      if (powerOff) {
        outlier(Feature.INPUT_POWER);
      }
      if (Double.isNaN(voltageDeviation) && !powerKnown) {
        // Neither voltage nor a comparable input power: no verdict.
      } else if (voltageDeviation > power.voltageTolerance()) {
        verdicts.put(
            POWER_ANOMALY,
            Verdict.abnormal(
                "supply %.2f V, %.1f %% off nominal", sensors.voltage(), 100 * voltageDeviation));
      } else if (powerOff) {
        verdicts.put(
            POWER_ANOMALY,
            Verdict.abnormal(
                "input power %.0f W, median %.0f W",
                sensors.inputPower(), powerBaseline.get().median()));
      } else {
        verdicts.put(POWER_ANOMALY, Verdict.CLEAR);
      }
    }

    private boolean isFarFrom(double watts, RobustStats baseline) {
      HealthThresholds.PowerLimits power = thresholds.power();
      double deviation = Math.abs(watts - baseline.median());
      return deviation > power.inputPowerDeviation() * baseline.median()
          && deviation > power.inputPowerDeviationMads() * baseline.sigma();
    }
  }

  /** Computes every verdict from the window as it was before this report, and its summary. */
  private Observation observe(ServerWindow window, ServerMetricReport report) {
    // A group the agent did not send gives no verdicts: its checks neither open nor resolve.
    Observer observer = new Observer(window, report.eventTime());
    DiskMetrics disk = report.disk();
    if (disk != null) {
      observer.checkDisk(disk);
    }
    if (report.network() != null) {
      observer.checkNetwork(report.network());
    }
    if (report.cpu() != null) {
      observer.checkCpu(report.cpu());
    }
    if (report.memory() != null) {
      ProcessMetrics processes = report.processes();
      observer.checkMemory(
          report.memory(),
          processes == null
              ? 0.0
              : reportedOrZero(processes.blocked()) + reportedOrZero(processes.paging()));
    }
    SensorReadings sensors = report.sensors();
    if (sensors != null) {
      observer.checkSensors(sensors);
    }
    MetricSummary summary =
        new MetricSummary(
            report.eventTime(),
            disk == null ? Float.NaN : (float) (disk.opsRead() + disk.opsWrite()),
            disk == null ? Float.NaN : (float) disk.timeRead(),
            disk == null ? Float.NaN : (float) disk.timeWrite(),
            report.memory() == null
                ? 0f
                : (float) Math.max(0.0, reportedOrZero(report.memory().correctedErrors())),
            sensors == null ? Float.NaN : (float) sensors.temperature(),
            sensors == null ? Float.NaN : (float) sensors.inputPower(),
            observer.outliers);
    return new Observation(summary, observer.verdicts);
  }

  /** A count that was not reported adds nothing to a sum. */
  private static double reportedOrZero(double count) {
    return Double.isNaN(count) ? 0.0 : count;
  }

  private static <V> Map<IncidentType, V> enumMap(Map<IncidentType, V> source) {
    Map<IncidentType, V> copy = new EnumMap<>(IncidentType.class);
    copy.putAll(source);
    return copy;
  }
}

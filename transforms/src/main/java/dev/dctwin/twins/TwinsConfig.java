package dev.dctwin.twins;

import dev.dctwin.models.DataCenterCorrelationConfig;
import dev.dctwin.models.HealthThresholds;
import dev.dctwin.models.RackCorrelationConfig;
import dev.dctwin.models.ServerTwin;
import dev.dctwin.models.agents.AssemblyConfig;
import java.io.Serializable;

/**
 * Configuration of the three layers of twins.
 *
 * @param silenceTimers whether a server twin raises SERVER_SILENT (and, later, SERVER_GONE) from an
 *     event-time timer when reports stop. On for streams. Off for bounded files: at the end of a
 *     file the watermark jumps to infinity and every server would seem to fall silent. Silence that
 *     ends before the input does is detected either way, from the gap before the next report.
 * @param learnedBaseline whether every server twin learns a baseline of its metrics and opens
 *     METRIC_ANOMALY when they depart from it
 *     (transforms/src/main/java/dev/dctwin/models/baseline/BASELINE.md)
 * @param assembly how agents' samples become reports
 *     (transforms/src/main/java/dev/dctwin/models/agents/ASSEMBLY.md)
 * @param serverGoneAfterMs how long a commissioned server may go without a report (counted from its
 *     last report or commissioning) before its twin announces SERVER_GONE, takes it out of its rack
 *     and forgets it (default 7 days): what bounds the state of servers that stop reporting and are
 *     never decommissioned. Noticed by the same timers as silence, and by the server's next message
 *     either way.
 * @param statusRefreshMs how far a server's last report time may advance (in event time) before its
 *     twin sends its status again when nothing else changed (default 60 s): what bounds the writes
 *     to {@code server_status} of a fleet that reports every few seconds
 *     (transforms/src/main/java/dev/dctwin/models/SERVER-STATUS.md)
 */
public record TwinsConfig(
    HealthThresholds health,
    RackCorrelationConfig rack,
    DataCenterCorrelationConfig datacenter,
    boolean silenceTimers,
    long sensorMaxAgeMs,
    long timerAlignmentMs,
    boolean learnedBaseline,
    AssemblyConfig assembly,
    long serverGoneAfterMs,
    long statusRefreshMs)
    implements Serializable {

  public TwinsConfig {
    if (timerAlignmentMs <= 0) {
      throw new IllegalArgumentException(
          "the twins' timer alignment must be positive, not " + timerAlignmentMs + " ms");
    }
    if (serverGoneAfterMs <= 0) {
      throw new IllegalArgumentException(
          "the time after which a server is gone must be positive, not "
              + serverGoneAfterMs
              + " ms");
    }
    if (statusRefreshMs <= 0) {
      throw new IllegalArgumentException(
          "the status refresh interval must be positive, not " + statusRefreshMs + " ms");
    }
  }

  public static TwinsConfig defaults() {
    return new TwinsConfig(
        HealthThresholds.defaults(),
        RackCorrelationConfig.defaults(),
        DataCenterCorrelationConfig.defaults(),
        true,
        ServerTwin.DEFAULT_SENSOR_MAX_AGE_MS,
        1_000,
        true,
        AssemblyConfig.defaults(),
        ServerTwin.DEFAULT_GONE_AFTER_MS,
        ServerTwin.DEFAULT_STATUS_REFRESH_MS);
  }

  public TwinsConfig withSilenceTimers(boolean enabled) {
    return new TwinsConfig(
        health,
        rack,
        datacenter,
        enabled,
        sensorMaxAgeMs,
        timerAlignmentMs,
        learnedBaseline,
        assembly,
        serverGoneAfterMs,
        statusRefreshMs);
  }

  public TwinsConfig withTimerAlignmentMs(long alignmentMs) {
    return new TwinsConfig(
        health,
        rack,
        datacenter,
        silenceTimers,
        sensorMaxAgeMs,
        alignmentMs,
        learnedBaseline,
        assembly,
        serverGoneAfterMs,
        statusRefreshMs);
  }

  public TwinsConfig withHealth(HealthThresholds thresholds) {
    return new TwinsConfig(
        thresholds,
        rack,
        datacenter,
        silenceTimers,
        sensorMaxAgeMs,
        timerAlignmentMs,
        learnedBaseline,
        assembly,
        serverGoneAfterMs,
        statusRefreshMs);
  }

  public TwinsConfig withLearnedBaseline(boolean enabled) {
    return new TwinsConfig(
        health,
        rack,
        datacenter,
        silenceTimers,
        sensorMaxAgeMs,
        timerAlignmentMs,
        enabled,
        assembly,
        serverGoneAfterMs,
        statusRefreshMs);
  }

  public TwinsConfig withAssembly(AssemblyConfig config) {
    return new TwinsConfig(
        health,
        rack,
        datacenter,
        silenceTimers,
        sensorMaxAgeMs,
        timerAlignmentMs,
        learnedBaseline,
        config,
        serverGoneAfterMs,
        statusRefreshMs);
  }

  public TwinsConfig withServerGoneAfterMs(long goneAfterMs) {
    return new TwinsConfig(
        health,
        rack,
        datacenter,
        silenceTimers,
        sensorMaxAgeMs,
        timerAlignmentMs,
        learnedBaseline,
        assembly,
        goneAfterMs,
        statusRefreshMs);
  }

  public TwinsConfig withStatusRefreshMs(long refreshMs) {
    return new TwinsConfig(
        health,
        rack,
        datacenter,
        silenceTimers,
        sensorMaxAgeMs,
        timerAlignmentMs,
        learnedBaseline,
        assembly,
        serverGoneAfterMs,
        refreshMs);
  }
}

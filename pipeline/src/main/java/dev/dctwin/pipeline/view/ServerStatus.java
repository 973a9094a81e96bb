package dev.dctwin.pipeline.view;

/**
 * One row of the {@code server_status} table as the view reads it (times in epoch milliseconds,
 * UTC). What each column means: {@code
 * transforms/src/main/java/dev/dctwin/models/SERVER-STATUS.md}.
 *
 * @param lastReportAt the last report the server's twin accepted; null before the first
 * @param baselineReady whether the learned baseline is ready; null when the twin learns none
 * @param baselineExpectedReadyAt when the baseline should be ready; null when ready or unknown
 * @param changedAt event time of the row: of two rows of a server, the later one holds
 */
public record ServerStatus(
    String serverId,
    String rackId,
    String datacenterId,
    String lifecycle,
    int openIncidents,
    String incidentTypes,
    Long lastReportAt,
    Boolean baselineReady,
    Long baselineExpectedReadyAt,
    long changedAt) {}

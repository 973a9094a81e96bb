package dev.dctwin.domain;

/** Number of processes in each scheduler state (collectd {@code processes} plugin), gauges. */
public record ProcessMetrics(
    double running,
    double sleeping,
    double blocked,
    double paging,
    double stopped,
    double zombies) {}

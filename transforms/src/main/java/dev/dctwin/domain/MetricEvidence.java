package dev.dctwin.domain;

/**
 * One metric that explains a learned-baseline incident: its value in the report that opened the
 * incident and what the server's baseline expected.
 */
public record MetricEvidence(String metric, double observed, double expected) {}

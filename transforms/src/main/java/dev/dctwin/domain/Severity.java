package dev.dctwin.domain;

/** How urgently a human must look; ordered from least to most urgent. */
public enum Severity {
  WARNING,
  MAJOR,
  CRITICAL
}

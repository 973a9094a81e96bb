package dev.dctwin.domain;

/** The subsystem an incident concerns. */
public enum Category {
  DISK,
  NETWORK,
  CPU,
  MEMORY,
  THERMAL,
  POWER,
  AVAILABILITY,
  /** Any metrics, as the learned baseline judges them together. */
  METRICS
}

package dev.dctwin.domain;

/** The subsystem an incident concerns. */
public enum Category {
  DISK,
  NETWORK,
  CPU,
  MEMORY,
  THERMAL,
  POWER,
  AVAILABILITY
}

package dev.dctwin.domain;

/** The state change of an incident that an alert announces. */
public enum AlertStatus {
  OPENED,
  RESOLVED
}

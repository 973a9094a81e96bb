package dev.dctwin.domain;

/** The layer of twins an incident belongs to. */
public enum Level {
  SERVER,
  RACK,
  DATACENTER
}

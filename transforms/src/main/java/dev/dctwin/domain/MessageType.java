package dev.dctwin.domain;

import java.util.Optional;

/** The wire {@code type} discriminator of every message. */
public enum MessageType {
  METRICS("metrics"),
  SENSORS("sensors"),
  COMMISSION("commission"),
  DECOMMISSION("decommission"),
  GET_UNHEALTHY_RACKS("get_unhealthy_racks"),
  UNHEALTHY_RACKS("unhealthy_racks"),
  ALERT("alert"),
  MEASUREMENT("measurement"),
  MAINTENANCE("maintenance"),
  /** A monitoring agent's samples of one host, before the report assembly. */
  SAMPLES("samples");

  private final String wireName;

  MessageType(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<MessageType> fromWireName(String name) {
    for (MessageType type : values()) {
      if (type.wireName.equals(name)) {
        return Optional.of(type);
      }
    }
    return Optional.empty();
  }
}

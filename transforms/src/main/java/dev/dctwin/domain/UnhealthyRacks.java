package dev.dctwin.domain;

import java.util.List;

/** The answer to {@link GetUnhealthyRacks}: the racks with open incidents, sorted by id. */
public record UnhealthyRacks(
    String queryId, String datacenterId, List<String> racks, long eventTime) implements Message {

  public UnhealthyRacks {
    racks = List.copyOf(racks);
  }

  @Override
  public MessageType type() {
    return MessageType.UNHEALTHY_RACKS;
  }
}

package dev.dctwin.domain;

/** The provisioning service took a server out of service; its twin forgets it. */
public record DecommissionServer(
    String serverId, String rackId, String datacenterId, long eventTime) implements Message {

  @Override
  public MessageType type() {
    return MessageType.DECOMMISSION;
  }
}

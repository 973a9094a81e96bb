package dev.dctwin.domain;

/** The provisioning service put a server into service in a rack of a datacenter. */
public record CommissionServer(String serverId, String rackId, String datacenterId, long eventTime)
    implements Message {

  @Override
  public MessageType type() {
    return MessageType.COMMISSION;
  }
}

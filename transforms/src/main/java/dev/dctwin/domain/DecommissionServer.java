package dev.dctwin.domain;

/**
 * The provisioning service took a server out of service; its twin forgets it.
 *
 * @param hostname the server's host name as its monitoring agents report it, as its commissioning
 *     named it, or null; the report assembly of that host then forgets which server it maps to
 */
public record DecommissionServer(
    String serverId, String rackId, String datacenterId, long eventTime, String hostname)
    implements Message {

  /** A decommissioning that names no host. */
  public DecommissionServer(String serverId, String rackId, String datacenterId, long eventTime) {
    this(serverId, rackId, datacenterId, eventTime, null);
  }

  /** The same decommissioning without the host name, which only the report assembly needs. */
  public DecommissionServer withoutHostname() {
    return hostname == null
        ? this
        : new DecommissionServer(serverId, rackId, datacenterId, eventTime);
  }

  @Override
  public MessageType type() {
    return MessageType.DECOMMISSION;
  }
}

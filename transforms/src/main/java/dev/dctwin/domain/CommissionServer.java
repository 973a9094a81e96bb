package dev.dctwin.domain;

/**
 * The provisioning service put a server into service in a rack of a datacenter.
 *
 * @param hostname the server's host name as its monitoring agents report it (collectd's {@code
 *     host}, Prometheus' {@code instance}, ...), or null when the agents use the server id; the
 *     report assembly maps the agents' samples of that host to this server
 */
public record CommissionServer(
    String serverId, String rackId, String datacenterId, long eventTime, String hostname)
    implements Message {

  /** A commissioning of a server whose agents report under its server id. */
  public CommissionServer(String serverId, String rackId, String datacenterId, long eventTime) {
    this(serverId, rackId, datacenterId, eventTime, null);
  }

  /** The same commissioning without the host name, which only the report assembly needs. */
  public CommissionServer withoutHostname() {
    return hostname == null
        ? this
        : new CommissionServer(serverId, rackId, datacenterId, eventTime);
  }

  @Override
  public MessageType type() {
    return MessageType.COMMISSION;
  }
}

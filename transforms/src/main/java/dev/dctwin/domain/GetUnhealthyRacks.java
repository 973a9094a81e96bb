package dev.dctwin.domain;

/** An operator's question: which racks of this datacenter have open incidents? */
public record GetUnhealthyRacks(String queryId, String datacenterId, long eventTime)
    implements Message {

  @Override
  public MessageType type() {
    return MessageType.GET_UNHEALTHY_RACKS;
  }
}

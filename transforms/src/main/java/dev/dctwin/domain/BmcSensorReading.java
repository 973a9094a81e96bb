package dev.dctwin.domain;

/** A server's IPMI sensor readings, published by its BMC on their own topic. */
public record BmcSensorReading(String serverId, long eventTime, SensorReadings sensors)
    implements Message {

  @Override
  public MessageType type() {
    return MessageType.SENSORS;
  }
}

package dev.dctwin.domain;

/**
 * One value of one quantity of one thing at one instant, after the OGC SensorThings model that the
 * ordered join works on. {@code phenomenonTime} is epoch milliseconds.
 */
public record Measurement(String thing, String quantity, long phenomenonTime, double result)
    implements Message {

  @Override
  public MessageType type() {
    return MessageType.MEASUREMENT;
  }

  @Override
  public long eventTime() {
    return phenomenonTime;
  }
}

package dev.dctwin.domain;

/**
 * Where exactly a raw message came from, so that a dead letter can be traced to its record, as
 * Kafka Connect's dead-letter headers do: a Kafka record's {@code topic}, {@code partition} and
 * {@code offset}; an MQTT publish's {@code topic}; a file's path ({@code file}) and 1-based {@code
 * line}. Components a transport does not have are null.
 */
public record MessageOrigin(String topic, Integer partition, Long offset, String file, Long line) {

  public static MessageOrigin kafka(String topic, int partition, long offset) {
    return new MessageOrigin(topic, partition, offset, null, null);
  }

  public static MessageOrigin mqtt(String topic) {
    return new MessageOrigin(topic, null, null, null, null);
  }

  public static MessageOrigin file(String path, long line) {
    return new MessageOrigin(null, null, null, path, line);
  }
}

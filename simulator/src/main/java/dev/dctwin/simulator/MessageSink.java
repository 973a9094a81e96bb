package dev.dctwin.simulator;

import java.io.IOException;

/**
 * Where encoded messages go: files, a broker, or several. Messages arrive in event-time order;
 * {@code key} is the entity whose series the message belongs to (the Kafka record key).
 */
interface MessageSink extends AutoCloseable {

  void send(Topic topic, String key, long eventTime, String json) throws IOException;

  /** Flushes and waits until everything sent is delivered. */
  @Override
  void close() throws IOException;
}

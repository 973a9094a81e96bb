package dev.dctwin.simulator.local;

import io.moquette.broker.Server;
import io.moquette.broker.config.MemoryConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * An MQTT 3.1.1 broker (Moquette) inside this JVM on a free port of 127.0.0.1, without persistence
 * and without authentication: the local demo's broker when no {@code --mqttServerUri} is given.
 * Production and the tests use Mosquitto.
 */
public final class EmbeddedMqttBroker implements AutoCloseable {
  private final Server server = new Server();
  private int port;

  private EmbeddedMqttBroker() {}

  /** Starts a broker; returns when it accepts connections. */
  public static EmbeddedMqttBroker start() {
    EmbeddedMqttBroker broker = new EmbeddedMqttBroker();
    try {
      broker.port = EmbeddedKafka.freePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Properties properties = new Properties();
    properties.setProperty("host", "127.0.0.1");
    properties.setProperty("port", Integer.toString(broker.port));
    properties.setProperty("websocket_port", "disabled");
    properties.setProperty("persistence_enabled", "false");
    properties.setProperty("allow_anonymous", "true");
    // Moquette otherwise reports usage to its authors and keeps a client id in ./data.
    properties.setProperty("telemetry_enabled", "false");
    // Moquette's default of 8 KB refuses larger messages before the pipeline can dead-letter them.
    properties.setProperty("netty.mqtt.message_size", Integer.toString(1 << 20));
    try {
      broker.server.startServer(new MemoryConfig(properties));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the embedded MQTT broker", e);
    }
    return broker;
  }

  /** {@code tcp://127.0.0.1:<port>}. */
  public String serverUri() {
    return "tcp://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    server.stopServer();
  }
}

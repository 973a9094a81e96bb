package dev.dctwin.simulator;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Publishes each message with QoS 1 on its topic's MQTT topic. Publishes are pipelined up to a
 * window of unacknowledged messages: waiting for each PUBACK in turn would limit the rate to one
 * message per round trip.
 */
final class MqttSink implements MessageSink {
  private static final int MAX_INFLIGHT = 1_000;
  private static final long TIMEOUT_MS = 30_000;

  private final MqttAsyncClient client;
  private final ArrayDeque<IMqttDeliveryToken> inflight = new ArrayDeque<>();

  MqttSink(String serverUri, String clientId) throws IOException {
    try {
      client = new MqttAsyncClient(serverUri, clientId, new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setCleanSession(true);
      options.setMaxInflight(MAX_INFLIGHT);
      client.connect(options).waitForCompletion(TIMEOUT_MS);
    } catch (MqttException e) {
      throw new IOException("cannot connect to MQTT broker " + serverUri + ": " + e, e);
    }
  }

  @Override
  public void send(Topic topic, String key, long eventTime, String json) throws IOException {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    try {
      while (inflight.size() >= MAX_INFLIGHT / 2) {
        inflight.poll().waitForCompletion(TIMEOUT_MS);
      }
      while (true) {
        try {
          inflight.add(client.publish(topic.mqttTopic(), payload, 1, false));
          return;
        } catch (MqttException e) {
          // Acknowledgements may complete out of order, so the window can still be full.
          if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || inflight.isEmpty()) {
            throw e;
          }
          inflight.poll().waitForCompletion(TIMEOUT_MS);
        }
      }
    } catch (MqttException e) {
      throw new IOException("MQTT publish to " + topic.mqttTopic() + " failed: " + e, e);
    }
  }

  @Override
  public void close() throws IOException {
    try {
      while (!inflight.isEmpty()) {
        inflight.poll().waitForCompletion(TIMEOUT_MS);
      }
      client.disconnect().waitForCompletion(TIMEOUT_MS);
      client.close();
    } catch (MqttException e) {
      throw new IOException("MQTT close failed: " + e, e);
    }
  }
}

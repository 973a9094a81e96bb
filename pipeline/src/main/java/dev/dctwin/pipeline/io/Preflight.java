package dev.dctwin.pipeline.io;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Checks at start, before the pipeline is built, that each configured broker answers and accepts
 * the credentials, and that the Kafka topics exist. A wrong password then fails the run within
 * seconds with one line naming the service, instead of a stack trace from a worker after the
 * runner's retries, or a reader that reconnects forever.
 */
public final class Preflight {
  private static final int TIMEOUT_SECONDS = 10;

  private Preflight() {}

  public static void mqtt(MqttOptions options) {
    mqtt(MqttBroker.of(options), options.getMqttClientId());
  }

  /** Connects once with the broker's credentials; fails with one line naming the broker. */
  public static void mqtt(MqttBroker broker, String clientIdPrefix) {
    String uri = broker.serverUri();
    MqttConnectOptions connect = broker.connectOptions();
    connect.setCleanSession(true);
    connect.setConnectionTimeout(TIMEOUT_SECONDS);
    connect.setAutomaticReconnect(false);
    String clientId = clientIdPrefix + "-preflight-" + ProcessHandle.current().pid();
    try {
      MqttClient client = new MqttClient(uri, clientId, new MemoryPersistence());
      try {
        client.connect(connect);
        client.disconnect();
      } finally {
        client.close(true);
      }
    } catch (MqttException e) {
      throw new IllegalStateException(
          "cannot connect to the MQTT broker " + uri + ": " + reason(e));
    }
  }

  private static String reason(MqttException e) {
    return switch (e.getReasonCode()) {
      case MqttException.REASON_CODE_FAILED_AUTHENTICATION -> "bad user name or password";
      case MqttException.REASON_CODE_NOT_AUTHORIZED -> "not authorized";
      default -> e.getCause() != null ? e.getMessage() + " (" + e.getCause() + ")" : e.getMessage();
    };
  }

  /** Authenticates with the cluster and checks that every topic exists. */
  public static void kafka(KafkaClients clients, Collection<String> topics) {
    Map<String, Object> timeouts =
        Map.of(
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, TIMEOUT_SECONDS * 1000);
    try (Admin admin = clients.admin(timeouts)) {
      Set<String> existing = admin.listTopics().names().get(TIMEOUT_SECONDS + 5L, TimeUnit.SECONDS);
      List<String> missing = new ArrayList<>();
      for (String topic : new TreeSet<>(topics)) {
        if (!existing.contains(topic)) {
          missing.add(topic);
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalStateException(
            "Kafka topics missing on "
                + clients.bootstrapServers()
                + ": "
                + String.join(", ", missing)
                + " (create them; see pipeline/IO.md)");
      }
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      throw new IllegalStateException(
          "cannot use Kafka at " + clients.bootstrapServers() + ": " + firstLine(cause));
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "Kafka at "
              + clients.bootstrapServers()
              + " did not answer within "
              + TIMEOUT_SECONDS
              + " s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking Kafka", e);
    }
  }

  private static String firstLine(Throwable error) {
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    return message.lines().findFirst().orElse(message).strip();
  }
}

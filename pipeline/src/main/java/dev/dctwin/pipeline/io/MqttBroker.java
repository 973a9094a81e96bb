package dev.dctwin.pipeline.io;

import java.io.Serializable;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;

/**
 * How a Paho client of dctwin reaches the MQTT broker: the URI ({@code tcp://} or {@code ssl://}),
 * a user name, where the password is ({@link Secret}: a file or {@link MqttOptions#PASSWORD_ENV},
 * never a value), and a trust store for {@code ssl://}. One description for the job's flags ({@link
 * MqttOptions}), the bridge's ({@code cli/MqttConnection}) and the preflight check.
 */
public record MqttBroker(String serverUri, String username, Secret password, String trustStore)
    implements Serializable {

  /** The broker the job's flags describe. */
  public static MqttBroker of(MqttOptions options) {
    return new MqttBroker(
        options.getMqttServerUri(),
        options.getMqttUsername(),
        new Secret(options.getMqttPasswordFile(), MqttOptions.PASSWORD_ENV),
        options.getMqttTrustStore());
  }

  /** A broker without authentication or a trust store of its own. */
  public static MqttBroker anonymous(String serverUri) {
    return new MqttBroker(serverUri, null, new Secret(null, MqttOptions.PASSWORD_ENV), null);
  }

  /**
   * Makes {@link #trustStore} the JVM's trust store ({@code javax.net.ssl.trustStore}), before any
   * TLS connection is made: MqttIO has no hook for a socket factory of its own, so the job's
   * readers and a Paho client here trust the same certificates the same way.
   */
  public void useTrustStore() {
    if (trustStore != null && !trustStore.isBlank()) {
      System.setProperty("javax.net.ssl.trustStore", trustStore);
    }
  }

  /** Paho's options with the user name and the password (read now, from its file or variable). */
  public MqttConnectOptions connectOptions() {
    MqttConnectOptions options = new MqttConnectOptions();
    if (username != null) {
      options.setUserName(username);
      password.value().ifPresent(value -> options.setPassword(value.toCharArray()));
    }
    return options;
  }
}

package dev.dctwin.pipeline.io;

import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Flags of the MQTT source. The password is never a flag: see {@link #getMqttPasswordFile()}. */
public interface MqttOptions extends PipelineOptions {
  /** Environment variable with the MQTT password when no password file is given. */
  String PASSWORD_ENV = "DCTWIN_MQTT_PASSWORD";

  // The help of the flags that the MQTT-to-Kafka bridge shares (cli/MqttConnection).
  String SERVER_URI_HELP =
      "MQTT broker: tcp://host:port, or ssl://host:port for TLS (the JVM's trust store decides"
          + " which brokers are trusted; see --mqttTrustStore).";
  String USERNAME_HELP =
      "MQTT user name; the password comes from --mqttPasswordFile or $" + PASSWORD_ENV;
  String PASSWORD_FILE_HELP =
      "File holding the MQTT password (else the environment variable " + PASSWORD_ENV + ").";
  String TRUST_STORE_HELP =
      "Trust store (PKCS12 or JKS) with the CA of an ssl:// broker: sets javax.net.ssl.trustStore"
          + " in this JVM (DirectRunner, embedded Flink); remote workers need the same system"
          + " property in their JVM options.";

  @Description(SERVER_URI_HELP)
  @Default.String("tcp://127.0.0.1:1883")
  String getMqttServerUri();

  void setMqttServerUri(String value);

  @Description(
      "MQTT topics to subscribe to (QoS 1), one per message type; a topic ending in /metrics,"
          + " /sensors or /queries may carry messages without 'type'.")
  @Default.String("dctwin/metrics,dctwin/sensors,dctwin/provisioning,dctwin/queries")
  List<String> getMqttTopics();

  void setMqttTopics(List<String> value);

  @Description(
      "Prefix of the MQTT client ids (MqttIO appends a random suffix per reader and topic).")
  @Default.String("dctwin")
  String getMqttClientId();

  void setMqttClientId(String value);

  @Description(USERNAME_HELP)
  String getMqttUsername();

  void setMqttUsername(String value);

  @Description(PASSWORD_FILE_HELP)
  String getMqttPasswordFile();

  void setMqttPasswordFile(String value);

  @Description(TRUST_STORE_HELP)
  String getMqttTrustStore();

  void setMqttTrustStore(String value);
}

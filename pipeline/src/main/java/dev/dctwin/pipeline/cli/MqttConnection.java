package dev.dctwin.pipeline.cli;

import dev.dctwin.pipeline.io.MqttBroker;
import dev.dctwin.pipeline.io.MqttOptions;
import dev.dctwin.pipeline.io.Secret;
import picocli.CommandLine.Option;

/**
 * The MQTT flags of the services beside the job (the MQTT-to-Kafka bridge), named and described as
 * the job's own ({@link MqttOptions}), so that one set of flags, one password file and one trust
 * store serve both. The password is never a flag.
 */
public final class MqttConnection {
  @Option(
      names = "--mqttServerUri",
      defaultValue = "tcp://127.0.0.1:1883",
      description = MqttOptions.SERVER_URI_HELP + " Default: ${DEFAULT-VALUE}.")
  String serverUri;

  @Option(names = "--mqttUsername", description = MqttOptions.USERNAME_HELP)
  String username;

  @Option(names = "--mqttPasswordFile", description = MqttOptions.PASSWORD_FILE_HELP)
  String passwordFile;

  @Option(names = "--mqttTrustStore", description = MqttOptions.TRUST_STORE_HELP)
  String trustStore;

  /** The broker these flags describe. */
  public MqttBroker broker() {
    return new MqttBroker(
        serverUri, username, new Secret(passwordFile, MqttOptions.PASSWORD_ENV), trustStore);
  }
}

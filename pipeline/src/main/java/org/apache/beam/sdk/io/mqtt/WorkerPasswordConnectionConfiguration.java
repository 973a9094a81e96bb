package org.apache.beam.sdk.io.mqtt;

import java.io.Serializable;

/**
 * An MqttIO connection whose password is read where the client connects, on each worker, instead of
 * being a value of the configuration: MqttIO (Beam 2.62) keeps {@code withPassword}'s value in the
 * source, which the runner serializes into the job graph and its checkpoints. MqttIO reads the
 * password only through {@link #getPassword()}, which is package-private: hence this package.
 * Nothing else of MqttIO changes; see {@code pipeline/IO.md}.
 */
public final class WorkerPasswordConnectionConfiguration extends MqttIO.ConnectionConfiguration {
  private static final long serialVersionUID = 1L;

  /** Where the password comes from, asked each time a client connects. */
  public interface PasswordSource extends Serializable {
    /** The password, or null for none. */
    String password();
  }

  private final String serverUri;
  private final String topic;
  private final String clientId;
  private final String username;
  private final PasswordSource password;

  public WorkerPasswordConnectionConfiguration(
      String serverUri, String topic, String clientId, String username, PasswordSource password) {
    this.serverUri = serverUri;
    this.topic = topic;
    this.clientId = clientId;
    this.username = username;
    this.password = password;
  }

  @Override
  String getServerUri() {
    return serverUri;
  }

  @Override
  String getTopic() {
    return topic;
  }

  @Override
  String getClientId() {
    return clientId;
  }

  @Override
  String getUsername() {
    return username;
  }

  @Override
  String getPassword() {
    return username == null ? null : password.password();
  }

  /** MqttIO's {@code with...} copies would carry the password as a value: not offered. */
  @Override
  Builder builder() {
    throw new UnsupportedOperationException(
        "create a new WorkerPasswordConnectionConfiguration instead");
  }

  @Override
  public String toString() {
    return "WorkerPasswordConnectionConfiguration[" + serverUri + ", " + topic + "]";
  }
}

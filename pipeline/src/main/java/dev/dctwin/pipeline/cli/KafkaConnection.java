package dev.dctwin.pipeline.cli;

import dev.dctwin.pipeline.io.KafkaClients;
import picocli.CommandLine.Option;

/**
 * The Kafka flags of the services beside the job (relay, receiver, view), named as the job's own
 * options are, so that one set of flags and one properties file serve them all.
 */
public final class KafkaConnection {
  @Option(names = "--kafkaBootstrapServers", required = true, description = "Kafka brokers.")
  String bootstrapServers;

  @Option(
      names = "--kafkaPropertiesFile",
      description = "Kafka client properties (credentials, TLS), as for the pipeline.")
  String propertiesFile;

  /** The clients these flags describe. */
  public KafkaClients clients() {
    return new KafkaClients(bootstrapServers, propertiesFile);
  }
}

package dev.dctwin.pipeline.io;

import java.util.List;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.DefaultValueFactory;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** Flags of the Kafka source and sinks. Credentials live in {@link #getKafkaPropertiesFile()}. */
public interface KafkaOptions extends PipelineOptions {
  /** The dead-letter topic of the job and of the MQTT-to-Kafka bridge unless configured. */
  String DEFAULT_DEAD_LETTERS_TOPIC = "dctwin.dead-letters";

  /** How the Kafka sinks deliver. */
  enum Delivery {
    /** Exactly once on runners with checkpoints (Flink with checkpointing, Dataflow). */
    AUTO,
    /** The transactional sink; needs a checkpointing runner and a stable deployment id. */
    EXACTLY_ONCE,
    /** A plain producer: a replay after a failure may write an alert twice (same id). */
    AT_LEAST_ONCE
  }

  @Description("Kafka bootstrap servers, host:port[,host:port...].")
  @Default.String("127.0.0.1:9092")
  String getKafkaBootstrapServers();

  void setKafkaBootstrapServers(String value);

  @Description(
      "Kafka topics to read; a topic ending in .metrics, .sensors or .queries may carry messages"
          + " without 'type'.")
  @Default.InstanceFactory(DefaultTopics.class)
  List<String> getKafkaTopics();

  void setKafkaTopics(List<String> value);

  @Description(
      "Consumer group of the Kafka source (offsets are committed when checkpoints finalize).")
  @Default.String("dctwin")
  String getKafkaConsumerGroup();

  void setKafkaConsumerGroup(String value);

  @Description(
      "Bound on how far out of event-time order records arrive on one partition, in seconds: the"
          + " Kafka watermark trails the newest event time by this much.")
  @Default.Long(30)
  long getKafkaMaxOutOfOrdernessSeconds();

  void setKafkaMaxOutOfOrdernessSeconds(long value);

  @Description("Where a new consumer group starts: earliest or latest (Kafka's auto.offset.reset).")
  @Default.String("earliest")
  String getKafkaStartOffset();

  void setKafkaStartOffset(String value);

  @Description(
      "Kafka client properties file for SASL/SSL (security.protocol, sasl.mechanism,"
          + " sasl.jaas.config, ssl.truststore.location, ...), applied to every Kafka client;"
          + " read on the workers, never logged.")
  String getKafkaPropertiesFile();

  void setKafkaPropertiesFile(String value);

  @Description("Topic for alerts, keyed by alert id (incidentId:status).")
  @Default.String("dctwin.alerts")
  String getKafkaAlertsTopic();

  void setKafkaAlertsTopic(String value);

  @Description("Topic for answers to operator queries, keyed by query id.")
  @Default.String("dctwin.answers")
  String getKafkaAnswersTopic();

  void setKafkaAnswersTopic(String value);

  @Description("Topic for dead letters, keyed by source.")
  @Default.String(DEFAULT_DEAD_LETTERS_TOPIC)
  String getKafkaDeadLettersTopic();

  void setKafkaDeadLettersTopic(String value);

  @Description(
      "Delivery of the Kafka sinks: AUTO (exactly once where the runner checkpoints: Flink with"
          + " --checkpointingInterval, Dataflow; at least once on the DirectRunner), EXACTLY_ONCE"
          + " or AT_LEAST_ONCE.")
  @Default.Enum("AUTO")
  Delivery getKafkaDelivery();

  void setKafkaDelivery(Delivery value);

  @Description(
      "Name of this deployment, required by the exactly-once Kafka sinks (no default: two jobs"
          + " must not share one by accident). Their consumer groups are derived from it"
          + " (dctwin-<id>-eos-<topic>); keep it across restarts from a checkpoint or savepoint and"
          + " change it (or delete those groups) for a fresh start: a new job on a used group"
          + " refuses to start. See pipeline/IO.md.")
  String getDeploymentId();

  void setDeploymentId(String value);

  @Description(
      "Shards (parallel transactional producers) per exactly-once topic; fixed for the life of a"
          + " deployment.")
  @Default.Integer(1)
  int getKafkaEosShards();

  void setKafkaEosShards(int value);

  /** The topics of the local stack. */
  class DefaultTopics implements DefaultValueFactory<List<String>> {
    @Override
    public List<String> create(PipelineOptions options) {
      return List.of("dctwin.metrics", "dctwin.sensors", "dctwin.provisioning", "dctwin.queries");
    }
  }
}

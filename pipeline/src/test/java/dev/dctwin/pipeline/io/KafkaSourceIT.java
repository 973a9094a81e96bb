package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.kafka.KafkaIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class KafkaSourceIT {
  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private static KafkaOptions options(String... flags) {
    return PipelineOptionsFactory.fromArgs(flags).as(KafkaOptions.class);
  }

  @Test
  public void readsTheLocalStacksTopicsByDefault() {
    assertThat(
        options().getKafkaTopics(),
        contains("dctwin.metrics", "dctwin.sensors", "dctwin.provisioning", "dctwin.queries"));
  }

  @Test
  public void readsTheBacklogInLargePolls() {
    Map<String, Object> config =
        KafkaSource.from(options("--kafkaConsumerGroup=twins")).consumerConfig();

    assertThat(config.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), equalTo(5_000));
    assertThat(config.get(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG), equalTo(8 << 20));
    assertThat(config.get(ConsumerConfig.GROUP_ID_CONFIG), equalTo("twins"));
    assertThat(config.get(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG), equalTo(false));
  }

  @Test
  public void thePropertiesFileOverridesThePollSize() throws Exception {
    Path file = folder.getRoot().toPath().resolve("client.properties");
    Files.writeString(file, "max.poll.records=200\n");
    KafkaSource source = KafkaSource.from(options("--kafkaConsumerGroup=twins"));
    KafkaClients clients = new KafkaClients("127.0.0.1:9092", file.toString());

    Map<String, Object> merged = clients.withSecrets(source.consumerConfig());

    assertThat(merged.get(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), equalTo("200"));
    assertThat(merged.get(ConsumerConfig.GROUP_ID_CONFIG), equalTo("twins"));
  }

  @Test
  public void readsEachTopicWithAReadOfItsOwn() {
    KafkaSource source =
        KafkaSource.from(options("--kafkaTopics=m,p,q", "--kafkaBootstrapServers=127.0.0.1:9092"));

    assertThat(
        kafkaReadsOf(source), contains("ReadKafka m [m]", "ReadKafka p [p]", "ReadKafka q [q]"));
  }

  @Test
  public void aBoundedReadCountsItsRecordsOverAllTopicsInOneRead() {
    KafkaSource source =
        KafkaSource.from(options("--kafkaTopics=m,p,q", "--kafkaBootstrapServers=127.0.0.1:9092"))
            .withMaxRecords(100);

    assertThat(kafkaReadsOf(source), contains("ReadKafka [m, p, q]"));
  }

  /** The KafkaIO reads of a pipeline of {@code source}: step name and topics. */
  private static List<String> kafkaReadsOf(KafkaSource source) {
    Pipeline pipeline = Pipeline.create();
    pipeline.apply("Source", source);
    List<String> reads = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            if (node.getTransform() instanceof KafkaIO.Read<?, ?> read) {
              String name = node.getFullName();
              reads.add(name.substring(name.lastIndexOf('/') + 1) + " " + read.getTopics());
              return CompositeBehavior.DO_NOT_ENTER_TRANSFORM;
            }
            return CompositeBehavior.ENTER_TRANSFORM;
          }
        });
    return reads;
  }
}

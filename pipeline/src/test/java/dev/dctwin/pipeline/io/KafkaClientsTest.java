package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.pipeline.io.KafkaTransactionalSink.ShardWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** What a client properties file may and may not change of the sinks' Kafka clients. */
@RunWith(JUnit4.class)
public class KafkaClientsTest {
  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private KafkaClients withFile(String content) throws IOException {
    Path file = folder.newFile("client.properties").toPath();
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return new KafkaClients("127.0.0.1:9092", file.toString());
  }

  private static final String HOSTILE =
      String.join(
          "\n",
          "security.protocol=SASL_SSL",
          "enable.idempotence=false",
          "acks=1",
          "transactional.id=someone-else",
          "isolation.level=read_uncommitted",
          "enable.auto.commit=true",
          "group.id=someone-else",
          "linger.ms=50",
          "bootstrap.servers=elsewhere:9092");

  @Test
  public void theFileCannotWeakenTheExactlyOnceProducer() throws IOException {
    Map<String, Object> config =
        withFile(HOSTILE)
            .withSecrets(
                ShardWriter.producerDefaults("group", 1), ShardWriter.producerRequired("group", 1));

    assertThat(config.get("enable.idempotence"), equalTo(true));
    assertThat(config.get("acks"), equalTo("all"));
    assertThat(config.get("transactional.id"), equalTo("group-1"));
    // What the file is for still applies, and so do its tunings.
    assertThat(config.get("security.protocol"), equalTo("SASL_SSL"));
    assertThat(config.get("linger.ms"), equalTo("50"));
    assertThat(config.get("bootstrap.servers"), equalTo("127.0.0.1:9092"));
  }

  @Test
  public void theFileCannotMakeTheSinkReadUncommittedProgress() throws IOException {
    Map<String, Object> config =
        withFile(HOSTILE)
            .withSecrets(Map.of(), ShardWriter.metadataConsumerRequired("dctwin-x-eos-t"));

    assertThat(config.get("isolation.level"), equalTo("read_committed"));
    assertThat(config.get("enable.auto.commit"), equalTo(false));
    assertThat(config.get("group.id"), equalTo("dctwin-x-eos-t"));
    assertThat(config.get("security.protocol"), equalTo("SASL_SSL"));
  }

  @Test
  public void theFileCannotWeakenTheOtherProducers() throws IOException {
    Map<String, Object> config =
        withFile(HOSTILE).withSecrets(Map.of("acks", "0"), KafkaClients.RELIABLE_PRODUCER);

    assertThat(config.get("enable.idempotence"), equalTo(true));
    assertThat(config.get("acks"), equalTo("all"));
  }

  @Test
  public void withoutRequirementsTheFileWinsOverDefaults() throws IOException {
    Map<String, Object> config = withFile(HOSTILE).withSecrets(Map.of("linger.ms", 5));
    assertThat(config.get("linger.ms"), equalTo("50"));
  }
}

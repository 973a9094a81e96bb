package dev.dctwin.simulator.local;

import static org.junit.Assert.assertEquals;

import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;

public class EmbeddedKafkaIT {
  private static EmbeddedKafka kafka;

  @BeforeClass
  public static void startBroker() {
    kafka = EmbeddedKafka.create().start();
  }

  @AfterClass
  public static void stopBroker() {
    kafka.close();
  }

  /**
   * Records with historical timestamps (replays, the join benchmark's pre-filled topic) must stay
   * until they are read: with the default time-based retention the broker deleted a whole topic at
   * its first retention check, 30 s after start.
   */
  @Test
  public void topicsKeepRecordsWhateverTheirTimestamps() throws Exception {
    kafka.createTopics(1, "retention-check");
    ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "retention-check");
    try (Admin admin = kafka.admin()) {
      Map<ConfigResource, Config> configs = admin.describeConfigs(List.of(topic)).all().get();

      assertEquals("-1", configs.get(topic).get("retention.ms").value());
    }
  }
}

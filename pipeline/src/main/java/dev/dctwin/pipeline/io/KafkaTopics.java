package dev.dctwin.pipeline.io;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates and deletes topics: what the local stack, the benchmarks and the integration tests do
 * before and after a job; a production deployment creates its topics with its own tooling
 * (Strimzi's {@code KafkaTopic} resources in {@code terraform/kubernetes}).
 */
public final class KafkaTopics {
  private static final Map<String, Object> TIMEOUTS =
      Map.of(
          AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000,
          AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);

  private KafkaTopics() {}

  /** Creates the topics that are missing, with this many partitions each (replication 1). */
  public static void create(KafkaClients clients, int partitions, String... topics) {
    List<NewTopic> newTopics = new ArrayList<>();
    for (String topic : topics) {
      newTopics.add(new NewTopic(topic, partitions, (short) 1));
    }
    try (Admin admin = clients.admin(TIMEOUTS)) {
      admin.createTopics(newTopics).values().values().forEach(KafkaTopics::awaitCreated);
      // Creation returns when the controller has it; clients see it once the broker's metadata
      // caught up.
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (!admin.listTopics().names().get().containsAll(List.of(topics))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("topics not visible after 10 s: " + List.of(topics));
        }
        Thread.sleep(100);
      }
      awaitLeaders(admin, topics);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot list topics", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Waits until the leader of every partition takes requests. The broker announces a new
   * partition's leader in its metadata before its replica manager hosts it; a produce in between
   * gets NOT_LEADER_OR_FOLLOWER, and an idempotent producer can then lose a batch (see
   * pipeline/FRESH-TOPICS.md). A ListOffsets request is refused by the same leader check as a
   * produce.
   */
  private static void awaitLeaders(Admin admin, String... topics)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> all = new HashMap<>();
    for (TopicDescription topic :
        admin.describeTopics(List.of(topics)).allTopicNames().get().values()) {
      for (TopicPartitionInfo partition : topic.partitions()) {
        all.put(new TopicPartition(topic.name(), partition.partition()), OffsetSpec.latest());
      }
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (true) {
      try {
        admin.listOffsets(all).all().get();
        return;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof RetriableException) || System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "the partitions of " + List.of(topics) + " have no serving leader", e.getCause());
        }
        Thread.sleep(100);
      }
    }
  }

  public static void delete(KafkaClients clients, String... topics) {
    try (Admin admin = clients.admin(TIMEOUTS)) {
      admin.deleteTopics(List.of(topics)).all().get();
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot delete topics " + List.of(topics), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void awaitCreated(KafkaFuture<Void> done) {
    try {
      done.get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create topic", e.getCause());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}

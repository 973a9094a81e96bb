package dev.dctwin.simulator.local;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a topic from the beginning, {@code read_committed} (what consumers of the exactly-once
 * sinks see), on a thread of its own, and notes the wall time at which each record arrived.
 */
public final class TopicWatcher implements AutoCloseable {
  /**
   * A record, its Kafka timestamp (by default the time its producer sent it) and the wall time
   * (epoch ms) at which the consumer received it.
   */
  public record Seen(String key, String value, long timestampMs, long receivedAtMs) {}

  private final boolean keepRecords;
  private final List<Seen> seen = new ArrayList<>();
  private final AtomicLong count = new AtomicLong();
  private final AtomicLong lastAtMs = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;

  public TopicWatcher(String bootstrapServers, String topic, boolean keepRecords) {
    this.keepRecords = keepRecords;
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "dctwin-watch-" + UUID.randomUUID());
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // Answer a fetch as soon as a record is there, and do not sit on an empty fetch for long.
    config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20);
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
    KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
    consumer.subscribe(List.of(topic));
    thread =
        new Thread(
            () -> {
              try (consumer) {
                while (running) {
                  var records = consumer.poll(Duration.ofMillis(20));
                  long now = System.currentTimeMillis();
                  if (records.isEmpty()) {
                    continue;
                  }
                  if (keepRecords) {
                    synchronized (seen) {
                      for (ConsumerRecord<String, String> record : records) {
                        seen.add(new Seen(record.key(), record.value(), record.timestamp(), now));
                      }
                    }
                  }
                  count.addAndGet(records.count());
                  lastAtMs.set(now);
                }
              } catch (RuntimeException e) {
                if (running) {
                  System.err.println("watcher of " + topic + " failed: " + e);
                }
              }
            },
            "dctwin-watch-" + topic);
    thread.setDaemon(true);
    thread.start();
  }

  public long count() {
    return count.get();
  }

  /** Wall time (epoch ms) of the latest records received, 0 before any. */
  public long lastReceivedAtMs() {
    return lastAtMs.get();
  }

  public List<Seen> seen() {
    if (!keepRecords) {
      throw new IllegalStateException("this watcher only counts");
    }
    synchronized (seen) {
      return List.copyOf(seen);
    }
  }

  @Override
  public void close() {
    running = false;
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

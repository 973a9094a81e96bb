package dev.dctwin.pipeline.runners;

import dev.dctwin.codec.MessageKeys;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerMetricReport;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A rack of servers reporting once a second in real time, with labelled faults, written to Kafka
 * while a test runs: the input of a streaming job whose watermark follows the data.
 *
 * <p>Why real time: the Kafka source's watermark never runs ahead of the wall clock (a payload from
 * the future must not drag time ahead, see {@code EventTimePolicy}), and an idle partition moves it
 * to the wall clock, so records stamped in the past would arrive late. Stamping every record with
 * the time it is sent keeps each partition in event-time order and nothing late, which makes the
 * alerts a function of the input only, whatever the failures in between.
 *
 * <p>The script, in seconds from the start (ticks of one report per server):
 *
 * <ul>
 *   <li>-1: every server is commissioned;
 *   <li>server {@code k} (1..{@link #SERVERS}) reports a failed disk from tick {@code 3 + 6k} for 5
 *       ticks: DISK_FAILURE opens after 3 abnormal reports and resolves after 3 clear ones, one
 *       incident every 6 s, released by the rack twin at once (not correlatable);
 *   <li>the last server is silent from tick {@link #SILENT_FROM} for {@link #SILENT_TICKS} ticks:
 *       SERVER_SILENT from an event-time timer (with {@code --silenceAfterSeconds=5}), held 30 s by
 *       the rack twin as possible TOR_SWITCH evidence and then released, resolved when reports
 *       resume (a shorter silence would resolve while held and never be alerted);
 *   <li>after the last tick every server is decommissioned: no silence alerts after the end, so
 *       that what a job emits once its watermark has passed {@link #lastEventTime()} is final.
 * </ul>
 *
 * <p>No operator query: an answer crashes the job (see the class comment of FlinkClusterRecoveryIT)
 * until the answers sink is fixed.
 */
public final class LiveFleet implements AutoCloseable {
  public static final String RACK = "dc1-r01";
  public static final String DATACENTER = "dc1";
  public static final int SERVERS = 10;
  static final int SILENT_FROM = 10;
  static final int SILENT_TICKS = 45;

  /**
   * Where the fleet's messages go: {@code metrics} are the reports, {@code provisioning} the
   * commissions and decommissions; {@code flush} ends each tick.
   */
  public interface Sink {
    void send(boolean metrics, String key, String payload);

    void flush();
  }

  private final Sink sink;
  private final int ticks;
  private volatile long lastEventTime = Long.MAX_VALUE;
  private final WireCodec codec = WireCodec.withDefaults();
  private final AtomicInteger sent = new AtomicInteger();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private Thread thread;

  LiveFleet(
      KafkaProducer<String, String> producer,
      String metricsTopic,
      String provisioningTopic,
      int ticks) {
    this(
        new Sink() {
          @Override
          public void send(boolean metrics, String key, String payload) {
            producer.send(
                new ProducerRecord<>(metrics ? metricsTopic : provisioningTopic, key, payload));
          }

          @Override
          public void flush() {
            producer.flush();
          }
        },
        ticks);
  }

  /** The fleet sending to a sink of the caller's (several brokers at once, say). */
  public LiveFleet(Sink sink, int ticks) {
    this.sink = sink;
    this.ticks = ticks;
  }

  /** Starts sending in a thread of its own; returns at once. */
  public LiveFleet start() {
    thread = new Thread(this::runScript, "live-fleet");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Waits until the script has been sent (the final query included). */
  public boolean awaitEnd(Duration timeout) throws InterruptedException {
    thread.join(timeout.toMillis());
    if (failure.get() != null) {
      throw new IllegalStateException("the fleet failed to send", failure.get());
    }
    return !thread.isAlive();
  }

  public int sent() {
    return sent.get();
  }

  /** The event time of the last message, once the script has ended. */
  public long lastEventTime() {
    return lastEventTime;
  }

  public static String serverId(int k) {
    return String.format("%s-s%02d", RACK, k);
  }

  private void runScript() {
    try {
      long start = System.currentTimeMillis();
      for (int k = 1; k <= SERVERS; k++) {
        send(false, new CommissionServer(serverId(k), RACK, DATACENTER, start - 1_000));
      }
      sink.flush();
      for (int tick = 0; tick < ticks; tick++) {
        sleepUntil(start + tick * 1_000L);
        // One timestamp per tick: a server's reports are strictly increasing in event time.
        long now = Math.max(System.currentTimeMillis(), start + tick * 1_000L);
        for (int k = 1; k <= SERVERS; k++) {
          if (k == SERVERS && tick >= SILENT_FROM && tick < SILENT_FROM + SILENT_TICKS) {
            continue;
          }
          ServerMetricReport report = SampleMessages.report(serverId(k), now);
          int failFrom = 3 + 6 * k;
          if (tick >= failFrom && tick < failFrom + 5) {
            report = withFailedDisk(report);
          }
          send(true, report);
        }
        sink.flush();
      }
      long end = Math.max(System.currentTimeMillis(), start + ticks * 1_000L);
      for (int k = 1; k <= SERVERS; k++) {
        send(false, new DecommissionServer(serverId(k), RACK, DATACENTER, end));
      }
      sink.flush();
      lastEventTime = end;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      failure.set(e);
    }
  }

  private void send(boolean metrics, Message message) {
    // Keyed by server: one server's messages stay on one partition, in event-time order.
    sink.send(metrics, MessageKeys.kafkaKey(message), codec.encodeToString(message));
    sent.incrementAndGet();
  }

  private static ServerMetricReport withFailedDisk(ServerMetricReport report) {
    return report.withDisk(report.disk().withFailedDevices(1));
  }

  private static void sleepUntil(long time) throws InterruptedException {
    long wait = time - System.currentTimeMillis();
    if (wait > 0) {
      Thread.sleep(wait);
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (thread != null && thread.isAlive()) {
      thread.interrupt();
      thread.join(5_000);
    }
  }
}

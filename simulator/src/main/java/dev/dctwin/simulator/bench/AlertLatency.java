package dev.dctwin.simulator.bench;

import dev.dctwin.codec.MessageKeys;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.simulator.local.Acknowledgements;
import dev.dctwin.simulator.local.EmbeddedKafka;
import dev.dctwin.simulator.local.TopicWatcher;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Alert latency in real time: a fleet of servers reports every 10 s (spread evenly over the period,
 * event time = the wall time of publishing) into the embedded Kafka broker while the datacenter
 * pipeline runs on the FlinkRunner with the exactly-once Kafka sink. Some servers' disks fail at
 * known times; each of their reports is noted with its publish time. A {@code read_committed}
 * consumer of the alerts topic notes when each DISK_FAILURE alert arrives, and the latency of an
 * incident is that arrival minus the publish time of the report that opened it (the alert's {@code
 * eventTime}).
 */
public final class AlertLatency {
  static final long PERIOD_MS = 10_000;

  /**
   * The FlinkRunner closes a bundle, and only then hands its output on, after this long; its
   * default of 1 s is paid again at every fused stage (it tripled this benchmark's latency).
   */
  static final long BUNDLE_MS = 50;

  /**
   * Elements per bundle. A FlinkRunner step forwards the watermark only while no bundle is open or
   * when one closes by count: Beam 2.62's check after a bundle closed by time compares the wrong
   * way round ({@code DoFnOperator.invokeFinishBundle}), and under a steady trickle of reports a
   * new bundle is nearly always open. With Beam's 1000 the server twins' watermark stalled for 5 to
   * 12 s at a time (p99 11 to 43 s). A bundle has to fill before its time is up, so the size must
   * stay below a step's elements per {@link #BUNDLE_MS} (100 gave p99 68 s); one element per bundle
   * costs a bundle's overhead per report, which 1,000 reports/s can afford.
   */
  static final long BUNDLE_SIZE = 1;

  /** The twins' timers fire on multiples of this; the default for unbounded input is 1 s. */
  static final long TIMER_ALIGNMENT_MS = 100;

  private AlertLatency() {}

  /**
   * One run.
   *
   * @param latenciesMs one per opened DISK_FAILURE incident that reached the alerts topic, sorted
   * @param expected incidents that should have opened (servers with three failed reports)
   * @param publishedPerSecond achieved publish rate while the fleet reported
   */
  public record Result(
      int servers,
      long durationSeconds,
      long outOfOrdernessSeconds,
      long checkpointMs,
      long published,
      double publishedPerSecond,
      int expected,
      List<Long> latenciesMs,
      long maxPublishLagMs,
      long readyAfterMs,
      int arrivalBursts,
      List<Long> sentAfterMs) {
    /** Why this run's percentiles mean nothing, or null if its input and output were complete. */
    public String invalidReason() {
      if (expected == 0) {
        return "no incident was scheduled (the run is shorter than a failure needs)";
      }
      if (latenciesMs.size() < expected) {
        return String.format(
            java.util.Locale.ROOT,
            "output incomplete: %d of %d DISK_FAILURE alerts committed in time",
            latenciesMs.size(),
            expected);
      }
      return null;
    }

    public double percentileMs(double p) {
      return percentile(latenciesMs, p);
    }

    /** Nearest-rank percentile of sorted values; NaN for none. */
    static double percentile(List<Long> sorted, double p) {
      if (sorted.isEmpty()) {
        return Double.NaN;
      }
      int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
      return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
  }

  /**
   * Runs the fleet for {@code duration} once the job has started; every {@code failEvery}-th
   * server's disk fails at a time spread over the run after {@code warmup}.
   */
  public static Result measure(
      EmbeddedKafka kafka,
      int servers,
      java.time.Duration duration,
      java.time.Duration warmup,
      int failEvery,
      long outOfOrdernessSeconds,
      long checkpointMs) {
    String run = "latency_" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    String prefix = run.replace('_', '-');
    kafka.createTopics(4, prefix + ".metrics");
    kafka.createTopics(1, prefix + ".provisioning", prefix + ".queries");
    kafka.createTopics(1, prefix + ".alerts", prefix + ".answers", prefix + ".dead-letters");
    WireCodec codec = WireCodec.withDefaults();
    List<String> flags = new ArrayList<>(FlinkJobs.streamingFlags(run, checkpointMs));
    flags.addAll(FlinkJobs.kafkaPipelineFlags(kafka.bootstrapServers(), prefix, run));
    flags.addAll(
        List.of(
            "--sinks=kafka",
            "--kafkaMaxOutOfOrdernessSeconds=" + outOfOrdernessSeconds,
            "--kafkaDelivery=EXACTLY_ONCE",
            "--maxBundleTimeMills=" + BUNDLE_MS,
            "--maxBundleSize=" + BUNDLE_SIZE,
            "--twinTimerAlignmentMs=" + TIMER_ALIGNMENT_MS,
            // Longer than the job's start-up, so that no server seems silent before it reports.
            "--silenceAfterSeconds=300"));
    DatacenterPipeline.Options options =
        PipelineOptionsFactory.fromArgs(flags.toArray(String[]::new))
            .withValidation()
            .as(DatacenterPipeline.Options.class);

    PipelineResult result = null;
    try (KafkaProducer<String, String> producer = kafka.producer();
        TopicWatcher alerts =
            new TopicWatcher(kafka.bootstrapServers(), prefix + ".alerts", true)) {
      Acknowledgements acks = new Acknowledgements("the latency run's reports to " + prefix);
      long now = System.currentTimeMillis();
      for (int i = 0; i < servers; i++) {
        String id = PipelineThroughput.serverId(i);
        CommissionServer commission =
            new CommissionServer(id, PipelineThroughput.rackOf(i), "dc1", now - 1_000);
        acks.send(
            producer,
            new ProducerRecord<>(
                prefix + ".provisioning",
                MessageKeys.kafkaKey(commission),
                codec.encodeToString(commission)));
      }
      acks.awaitAll(producer, java.time.Duration.ofMinutes(1));
      result = DatacenterPipeline.start(options);
      long readyAfterMs = waitUntilLive(result, producer, acks, prefix, kafka.bootstrapServers());

      long rounds = duration.toMillis() / PERIOD_MS;
      long warmupRounds = warmup.toMillis() / PERIOD_MS;
      // Failures start between the warm-up and three rounds before the end (an incident opens on
      // the third failed report), spread evenly.
      long failureSpan = Math.max(1, rounds - 3 - warmupRounds);
      Map<String, Long> failedAt = new HashMap<>();
      Set<String> failedReports = new HashSet<>();
      int expected = 0;
      for (int i = 0; i < servers; i++) {
        if (i % failEvery == failEvery / 2) {
          long round = warmupRounds + (i / failEvery) % failureSpan;
          failedAt.put(PipelineThroughput.serverId(i), round);
          if (round + 3 <= rounds) {
            expected++;
          }
        }
      }
      long start = System.currentTimeMillis() + 500;
      long published = 0;
      long maxLag = 0;
      for (long round = 0; round < rounds; round++) {
        for (int i = 0; i < servers; i++) {
          long due = start + round * PERIOD_MS + i * PERIOD_MS / servers;
          long wait = due - System.currentTimeMillis();
          if (wait > 1) {
            Thread.sleep(wait);
          }
          long t = System.currentTimeMillis();
          maxLag = Math.max(maxLag, t - due);
          String id = PipelineThroughput.serverId(i);
          Long failFrom = failedAt.get(id);
          boolean failed = failFrom != null && round >= failFrom;
          if (failed) {
            failedReports.add(id + "@" + t);
          }
          acks.send(
              producer,
              new ProducerRecord<>(
                  prefix + ".metrics",
                  id,
                  codec.encodeToString(PipelineThroughput.report(id, t, failed))));
          published++;
        }
      }
      double publishSeconds = (System.currentTimeMillis() - start) / 1e3;
      // A report the broker did not take would be an incident that can never open.
      acks.awaitAll(producer, java.time.Duration.ofMinutes(1));
      // Let the last incidents through: the watermark, a timer and a checkpoint.
      long deadline = System.currentTimeMillis() + 20_000 + 2 * checkpointMs;
      List<Long> latencies = latencies(alerts.seen(), failedReports, codec);
      while (System.currentTimeMillis() < deadline && latencies.size() < expected) {
        Thread.sleep(500);
        latencies = latencies(alerts.seen(), failedReports, codec);
      }
      return new Result(
          servers,
          duration.toSeconds(),
          outOfOrdernessSeconds,
          checkpointMs,
          published,
          published / publishSeconds,
          expected,
          latencies,
          maxLag,
          readyAfterMs,
          bursts(alerts.seen()),
          latencies(alerts.seen(), failedReports, codec, true));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } finally {
      FlinkJobs.cancel(result);
    }
  }

  /**
   * Groups of alert arrivals less than 500 ms apart: few groups for many alerts means they came out
   * together, whenever their incidents opened.
   */
  private static int bursts(List<TopicWatcher.Seen> alerts) {
    List<Long> times = new ArrayList<>();
    for (TopicWatcher.Seen seen : alerts) {
      times.add(seen.receivedAtMs());
    }
    times.sort(null);
    int bursts = 0;
    Long previous = null;
    for (long time : times) {
      if (previous == null || time - previous > 500) {
        bursts++;
      }
      previous = time;
    }
    return bursts;
  }

  /** Latency of each opened DISK_FAILURE alert whose opening report this run published. */
  private static List<Long> latencies(
      List<TopicWatcher.Seen> alerts, Set<String> failedReports, WireCodec codec) {
    return latencies(alerts, failedReports, codec, false);
  }

  /**
   * Per opened DISK_FAILURE alert of this run: arrival - publish time of its report, or with {@code
   * untilSent} the Kafka timestamp of the alert record (when the sink's producer sent it, before
   * its transaction committed) - publish time; sorted.
   */
  private static List<Long> latencies(
      List<TopicWatcher.Seen> alerts,
      Set<String> failedReports,
      WireCodec codec,
      boolean untilSent) {
    List<Long> latencies = new ArrayList<>();
    Set<String> incidents = new HashSet<>();
    for (TopicWatcher.Seen seen : alerts) {
      Message message;
      try {
        message = codec.decode(seen.value().getBytes(StandardCharsets.UTF_8), MessageType.ALERT);
      } catch (Exception e) {
        continue;
      }
      if (message instanceof Alert alert
          && alert.status() == AlertStatus.OPENED
          && alert.incidentType() == IncidentType.DISK_FAILURE
          && failedReports.contains(alert.entity() + "@" + alert.eventTime())
          && incidents.add(alert.incidentId())) {
        latencies.add((untilSent ? seen.timestampMs() : seen.receivedAtMs()) - alert.eventTime());
      }
    }
    latencies.sort(null);
    return latencies;
  }

  /**
   * Waits until the job reads, processes and commits: a marker that the parser rejects is sent to
   * every metrics partition each second until its dead letter is visible {@code read_committed}.
   * Returns the milliseconds that took since submission.
   */
  private static long waitUntilLive(
      PipelineResult result,
      KafkaProducer<String, String> producer,
      Acknowledgements acks,
      String prefix,
      String bootstrapServers)
      throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + 180_000_000_000L;
    try (TopicWatcher deadLetters =
        new TopicWatcher(bootstrapServers, prefix + ".dead-letters", false)) {
      while (System.nanoTime() < deadline
          && deadLetters.count() == 0
          && !result.getState().isTerminal()) {
        for (int partition = 0; partition < 4; partition++) {
          acks.send(
              producer,
              new ProducerRecord<>(
                  prefix + ".metrics", partition, "marker", "{\"dctwinBenchLiveMarker\":true}"));
        }
        acks.awaitAll(producer, java.time.Duration.ofMinutes(1));
        Thread.sleep(1_000);
      }
      if (deadLetters.count() == 0) {
        throw new IllegalStateException(
            "the job did not process a record within 180 s (state " + result.getState() + ")");
      }
    }
    return (System.nanoTime() - started) / 1_000_000;
  }
}

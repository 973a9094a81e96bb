package dev.dctwin.pipeline.io;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.TimestampPolicy;
import org.apache.beam.sdk.io.kafka.TimestampPolicyFactory;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Kafka record timestamps from the payload's {@code eventTime}, with a watermark of the largest
 * event time seen minus a bound on out-of-orderness, which also advances while a partition is idle.
 *
 * <p>Why not Beam's {@code CustomTimestampPolicyWithLimitedDelay}: it advances an idle partition
 * only after the partition has delivered at least one record (apache/beam#20908). A partition that
 * stays empty since the job started (a quiet {@code dctwin.queries} partition, say) keeps its
 * watermark at the beginning of time, and since a source's watermark is the minimum over its
 * partitions, the twins never see time pass and never alert. This policy treats a partition as idle
 * whenever the reader has fetched its end offset and read up to it, record or not.
 *
 * <p>Rules, per partition:
 *
 * <ul>
 *   <li>watermark = max event time - {@code maxOutOfOrderness}, never after {@code now -
 *       maxOutOfOrderness} (a payload from the future must not drag time ahead);
 *   <li>idle (backlog 0 at the last end-offset fetch): at least {@code fetch time -
 *       maxOutOfOrderness}, which assumes that producers stamp records with roughly the time they
 *       send them. Records that arrive later with older event times are late and are handled as
 *       late data (see {@code pipeline/IO.md});
 *   <li>the watermark never moves backwards, so a record arriving after an idle advance cannot pull
 *       it back (Beam's policy would).
 * </ul>
 *
 * <p>A payload without a readable {@code eventTime} gets the current watermark as its timestamp and
 * does not move the watermark: it is going to be a dead letter, and its arrival time says nothing
 * about event time.
 *
 * <p>A topic of a monitoring agent's format has no {@code eventTime} to read (its samples carry
 * their times inside the agent's format): its records are stamped with their Kafka timestamp, the
 * time the agent sent them, which moves the watermark as a payload's event time would.
 */
public final class EventTimePolicy extends TimestampPolicy<byte[], byte[]> {
  private final Duration maxOutOfOrderness;
  private final boolean recordTime;
  private Instant maxEventTime;
  private Instant watermark;

  EventTimePolicy(Duration maxOutOfOrderness, Optional<Instant> previousWatermark) {
    this(maxOutOfOrderness, previousWatermark, false);
  }

  /**
   * @param recordTime whether records carry an agent's format: their Kafka timestamp is their time
   */
  EventTimePolicy(
      Duration maxOutOfOrderness, Optional<Instant> previousWatermark, boolean recordTime) {
    this.maxOutOfOrderness = maxOutOfOrderness;
    this.recordTime = recordTime;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.maxEventTime = watermark.plus(maxOutOfOrderness);
  }

  /** A factory for {@code KafkaIO.Read#withTimestampPolicyFactory}. */
  public static TimestampPolicyFactory<byte[], byte[]> factory(Duration maxOutOfOrderness) {
    return factory(maxOutOfOrderness, Set.of());
  }

  /** As {@link #factory(Duration)}, with the Kafka timestamp as the time of {@code agentTopics}. */
  public static TimestampPolicyFactory<byte[], byte[]> factory(
      Duration maxOutOfOrderness, Set<String> agentTopics) {
    Set<String> topics = Set.copyOf(agentTopics);
    return (partition, previousWatermark) ->
        new EventTimePolicy(
            maxOutOfOrderness, previousWatermark, topics.contains(partition.topic()));
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    OptionalLong eventTime =
        recordTime && record.getTimestamp() > 0
            ? OptionalLong.of(record.getTimestamp())
            : PayloadEventTime.of(record.getKV().getValue());
    if (eventTime.isEmpty()
        || eventTime.getAsLong() < BoundedWindow.TIMESTAMP_MIN_VALUE.getMillis()
        || eventTime.getAsLong() > BoundedWindow.TIMESTAMP_MAX_VALUE.getMillis()) {
      return watermark;
    }
    Instant timestamp = new Instant(eventTime.getAsLong());
    if (timestamp.isAfter(maxEventTime)) {
      maxEventTime = timestamp;
    }
    return timestamp;
  }

  @Override
  public Instant getWatermark(PartitionContext ctx) {
    return getWatermark(ctx, Instant.now());
  }

  Instant getWatermark(PartitionContext ctx, Instant now) {
    Instant ceiling = now.minus(maxOutOfOrderness);
    Instant candidate = min(maxEventTime.minus(maxOutOfOrderness), ceiling);
    Instant checkedAt = ctx.getBacklogCheckTime();
    boolean idle =
        ctx.getMessageBacklog() == 0
            && checkedAt != null
            && checkedAt.isAfter(BoundedWindow.TIMESTAMP_MIN_VALUE);
    if (idle) {
      candidate = max(candidate, min(checkedAt.minus(maxOutOfOrderness), ceiling));
    }
    watermark = max(watermark, candidate);
    return watermark;
  }

  private static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }

  private static Instant max(Instant a, Instant b) {
    return a.isAfter(b) ? a : b;
  }
}

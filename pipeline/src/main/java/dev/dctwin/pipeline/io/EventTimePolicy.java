package dev.dctwin.pipeline.io;

import java.util.Optional;
import java.util.OptionalLong;
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
 */
public final class EventTimePolicy extends TimestampPolicy<byte[], byte[]> {
  private final Duration maxOutOfOrderness;
  private Instant maxEventTime;
  private Instant watermark;

  EventTimePolicy(Duration maxOutOfOrderness, Optional<Instant> previousWatermark) {
    this.maxOutOfOrderness = maxOutOfOrderness;
    this.watermark = previousWatermark.orElse(BoundedWindow.TIMESTAMP_MIN_VALUE);
    this.maxEventTime = watermark.plus(maxOutOfOrderness);
  }

  /** A factory for {@code KafkaIO.Read#withTimestampPolicyFactory}. */
  public static TimestampPolicyFactory<byte[], byte[]> factory(Duration maxOutOfOrderness) {
    return (partition, previousWatermark) ->
        new EventTimePolicy(maxOutOfOrderness, previousWatermark);
  }

  @Override
  public Instant getTimestampForRecord(PartitionContext ctx, KafkaRecord<byte[], byte[]> record) {
    OptionalLong eventTime = PayloadEventTime.of(record.getKV().getValue());
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

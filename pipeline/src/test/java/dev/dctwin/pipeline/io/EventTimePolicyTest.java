package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.beam.sdk.io.kafka.KafkaRecord;
import org.apache.beam.sdk.io.kafka.KafkaTimestampType;
import org.apache.beam.sdk.io.kafka.TimestampPolicy.PartitionContext;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.values.KV;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class EventTimePolicyTest {
  private static final Duration DELAY = Duration.standardSeconds(30);
  private static final Instant NOW = new Instant(1_763_719_200_000L);

  private static PartitionContext context(long backlog, Instant checkedAt) {
    return new PartitionContext() {
      @Override
      public long getMessageBacklog() {
        return backlog;
      }

      @Override
      public Instant getBacklogCheckTime() {
        return checkedAt;
      }
    };
  }

  private static KafkaRecord<byte[], byte[]> record(String payload) {
    return new KafkaRecord<>(
        "dctwin.metrics",
        0,
        0,
        0,
        KafkaTimestampType.CREATE_TIME,
        null,
        KV.of(null, payload.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  public void anIdlePartitionThatNeverHadARecordStillAdvances() {
    // apache/beam#20908: Beam's CustomTimestampPolicyWithLimitedDelay keeps such a partition at
    // the beginning of time, which holds back the whole source.
    EventTimePolicy policy = new EventTimePolicy(DELAY, Optional.empty());
    assertThat(policy.getWatermark(context(0, NOW), NOW), equalTo(NOW.minus(DELAY)));
  }

  @Test
  public void aPartitionWithBacklogWaitsForItsRecords() {
    EventTimePolicy policy = new EventTimePolicy(DELAY, Optional.empty());
    assertThat(
        policy.getWatermark(context(5, NOW), NOW), equalTo(BoundedWindow.TIMESTAMP_MIN_VALUE));
    Instant eventTime = NOW.minus(Duration.standardMinutes(10));
    Instant stamped =
        policy.getTimestampForRecord(
            context(4, NOW),
            record("{\"serverId\":\"s\",\"eventTime\":" + eventTime.getMillis() + "}"));
    assertThat(stamped, equalTo(eventTime));
    assertThat(policy.getWatermark(context(4, NOW), NOW), equalTo(eventTime.minus(DELAY)));
  }

  @Test
  public void theWatermarkNeverMovesBackwards() {
    EventTimePolicy policy = new EventTimePolicy(DELAY, Optional.empty());
    Instant idle = policy.getWatermark(context(0, NOW), NOW);
    // A late record after the idle advance: the record is late, the watermark stays.
    policy.getTimestampForRecord(
        context(1, NOW), record("{\"eventTime\":\"2025-11-21T09:00:00Z\"}"));
    assertThat(policy.getWatermark(context(1, NOW), NOW), equalTo(idle));
  }

  @Test
  public void aPayloadFromTheFutureDoesNotDragTimeAhead() {
    EventTimePolicy policy = new EventTimePolicy(DELAY, Optional.empty());
    policy.getTimestampForRecord(context(0, NOW), record("{\"eventTime\":4000000000000}"));
    assertThat(policy.getWatermark(context(0, NOW), NOW), equalTo(NOW.minus(DELAY)));
  }

  @Test
  public void anUnreadablePayloadGetsTheWatermarkAndMovesNothing() {
    EventTimePolicy policy = new EventTimePolicy(DELAY, Optional.of(NOW.minus(DELAY)));
    assertThat(
        policy.getTimestampForRecord(context(1, NOW), record("not json")),
        equalTo(NOW.minus(DELAY)));
    assertThat(policy.getWatermark(context(1, NOW), NOW), equalTo(NOW.minus(DELAY)));
  }

  @Test
  public void payloadEventTimeReadsMillisAndIsoAndNothingElse() {
    assertThat(
        PayloadEventTime.of(
            "{\"a\":{\"eventTime\":1},\"eventTime\":1763719200000}"
                .getBytes(StandardCharsets.UTF_8)),
        equalTo(OptionalLong.of(1_763_719_200_000L)));
    assertThat(
        PayloadEventTime.of(
            "{\"eventTime\":\"2025-11-21T11:00:00+01:00\"}".getBytes(StandardCharsets.UTF_8)),
        equalTo(OptionalLong.of(1_763_719_200_000L)));
    assertThat(
        PayloadEventTime.of("{\"eventTime\":true}".getBytes(StandardCharsets.UTF_8)),
        equalTo(OptionalLong.empty()));
    assertThat(
        PayloadEventTime.of("[1,2]".getBytes(StandardCharsets.UTF_8)),
        equalTo(OptionalLong.empty()));
    assertThat(PayloadEventTime.of(new byte[] {(byte) 0xFF}), equalTo(OptionalLong.empty()));
  }

  @Test
  public void anAgentTopicIsStampedWithItsKafkaTimestamp() {
    Instant sent = NOW.minus(Duration.standardSeconds(5));
    KafkaRecord<byte[], byte[]> collectd =
        new KafkaRecord<>(
            "collectd",
            0,
            0,
            sent.getMillis(),
            KafkaTimestampType.CREATE_TIME,
            null,
            KV.of(null, "[{\"values\":[1]}]".getBytes(StandardCharsets.UTF_8)));
    EventTimePolicy agents = new EventTimePolicy(DELAY, Optional.empty(), true);
    assertThat(agents.getTimestampForRecord(context(5, NOW), collectd), equalTo(sent));
    assertThat(agents.getWatermark(context(5, NOW), NOW), equalTo(sent.minus(DELAY)));

    EventTimePolicy wire = new EventTimePolicy(DELAY, Optional.empty());
    assertThat(
        "no eventTime: the watermark, as for any payload without one",
        wire.getTimestampForRecord(context(5, NOW), collectd),
        equalTo(BoundedWindow.TIMESTAMP_MIN_VALUE));
  }
}

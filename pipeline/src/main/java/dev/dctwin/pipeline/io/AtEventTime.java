package dev.dctwin.pipeline.io;

import dev.dctwin.codec.ReceivedCoder;
import dev.dctwin.domain.Received;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * Re-stamps every message (with its origin) with its payload's event time, whatever the source
 * stamped it with.
 *
 * <p>MqttIO stamps each message with the time it was received and keeps a processing-time
 * watermark, and event time is earlier than receive time. Moving an element's timestamp backwards
 * is only allowed within the DoFn's allowed timestamp skew, hence the unbounded skew here. The
 * re-stamped messages are usually behind the watermark, that is late; the twins accept late input
 * (global window, nothing is dropped) and process it when it arrives instead of in event-time
 * order. {@code pipeline/IO.md} explains the consequences and when to prefer Kafka. For Kafka and
 * files the timestamps already are event times and this step changes nothing.
 */
public final class AtEventTime extends PTransform<PCollection<Received>, PCollection<Received>> {
  private AtEventTime() {}

  /** Of messages with their origins ({@code ParseBySource.withOrigins()}). */
  public static AtEventTime create() {
    return new AtEventTime();
  }

  @Override
  public PCollection<Received> expand(PCollection<Received> messages) {
    return messages.apply("StampEventTime", ParDo.of(new StampFn())).setCoder(ReceivedCoder.of());
  }

  static final class StampFn extends DoFn<Received, Received> {
    private final Counter late = Metrics.counter(AtEventTime.class, "restamped_backwards");

    @ProcessElement
    public void processElement(
        @Element Received received, @Timestamp Instant timestamp, OutputReceiver<Received> out) {
      Instant eventTime = new Instant(received.message().eventTime());
      if (eventTime.isBefore(timestamp)) {
        late.inc();
      }
      out.outputWithTimestamp(received, eventTime);
    }

    // Deprecated because moving timestamps backwards makes data late; that is the documented
    // intent.
    @SuppressWarnings("deprecation")
    @Override
    public Duration getAllowedTimestampSkew() {
      return Duration.millis(Long.MAX_VALUE);
    }
  }
}

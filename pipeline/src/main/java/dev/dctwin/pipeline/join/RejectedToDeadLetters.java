package dev.dctwin.pipeline.join;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.Measurement;
import dev.dctwin.join.RejectedRecord;
import java.util.Locale;
import org.apache.beam.sdk.transforms.DoFn;

/**
 * Turns a measurement the ordered join rejected into a dead letter that carries the measurement in
 * its wire format, so that it can be inspected and replayed like any other.
 */
final class RejectedToDeadLetters extends DoFn<RejectedRecord<String, Measurement>, DeadLetter> {
  private final WireCodec codec = WireCodec.withDefaults();

  @ProcessElement
  public void processElement(
      @Element RejectedRecord<String, Measurement> rejected, OutputReceiver<DeadLetter> out) {
    String detail =
        switch (rejected.reason()) {
          case OUT_OF_ORDER -> "earlier than a record already joined in its series";
          case LATE -> "behind the time up to which the join has released its pairs";
          default -> rejected.reason().name();
        };
    out.output(
        DeadLetter.of(
            "join:" + rejected.side().name().toLowerCase(Locale.ROOT) + ":" + rejected.key(),
            rejected.reason(),
            "phenomenonTime=" + rejected.t() + " is " + detail,
            codec.encode(rejected.value()),
            System.currentTimeMillis()));
  }
}

package dev.dctwin.pipeline.join;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.Measurement;
import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.JoinInputs;
import dev.dctwin.join.JoinResult;
import dev.dctwin.join.OrderedTimeSeriesJoin;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;

/**
 * The ordered join of two quantities per thing: LEFT the measurements of one quantity, RIGHT of
 * another, joined per {@code thing} with {@link OrderedTimeSeriesJoin}. Measurements of other
 * quantities are ignored.
 *
 * <p>Element timestamps must be the measurements' {@code phenomenonTime}: the join works on element
 * time. Outputs {@link #PAIRS} and, for measurements the join rejected, {@link #DEAD_LETTERS}.
 */
public final class JoinQuantities extends PTransform<PCollection<Measurement>, PCollectionTuple> {
  public static final TupleTag<JoinedMeasurements> PAIRS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  static final KvCoder<String, Measurement> KEYED_CODER =
      KvCoder.of(StringUtf8Coder.of(), RecordCoder.of(Measurement.class));

  private final String left;
  private final String right;
  private final Duration delta;
  private final Mode mode;

  private JoinQuantities(String left, String right, Duration delta, Mode mode) {
    if (left.equals(right)) {
      throw new IllegalArgumentException("LEFT and RIGHT are both " + left);
    }
    this.left = left;
    this.right = right;
    this.delta = delta;
    this.mode = mode;
  }

  public static JoinQuantities of(String left, String right) {
    return new JoinQuantities(left, right, null, null);
  }

  /** See {@link OrderedTimeSeriesJoin#withDelta}; null for no tolerance. */
  public JoinQuantities withDelta(Duration delta) {
    return new JoinQuantities(left, right, delta, mode);
  }

  /** See {@link OrderedTimeSeriesJoin#withMode}; null for the default. */
  public JoinQuantities withMode(Mode mode) {
    return new JoinQuantities(left, right, delta, mode);
  }

  @Override
  public PCollectionTuple expand(PCollection<Measurement> measurements) {
    // Locals, so that the lambdas below capture two strings, not this transform.
    String leftQuantity = left;
    String rightQuantity = right;
    PCollection<KV<String, Measurement>> lefts =
        measurements
            .apply(
                "Left",
                ParDo.of(new KeySeries(m -> m.quantity().equals(leftQuantity) ? m.thing() : null)))
            .setCoder(KEYED_CODER);
    PCollection<KV<String, Measurement>> rights =
        measurements
            .apply(
                "Right",
                ParDo.of(new KeySeries(m -> m.quantity().equals(rightQuantity) ? m.thing() : null)))
            .setCoder(KEYED_CODER);

    OrderedTimeSeriesJoin<String, Measurement, JoinedMeasurements> join =
        OrderedTimeSeriesJoin.into(TypeDescriptor.of(JoinedMeasurements.class))
            .via(
                (String thing, Entry<Measurement> l, Entry<Measurement> r) ->
                    JoinedMeasurements.of(thing, l.value(), r.value()))
            .withOutputCoder(RecordCoder.of(JoinedMeasurements.class))
            .withMode(mode);
    if (delta != null) {
      join = join.withDelta(delta);
    }
    JoinResult<String, Measurement, JoinedMeasurements> joined =
        JoinInputs.of(lefts, rights).apply("OrderedJoin", join);
    return PCollectionTuple.of(PAIRS, joined.pairs())
        .and(
            DEAD_LETTERS,
            joined
                .rejected()
                .apply("RejectedToDeadLetters", ParDo.of(new RejectedToDeadLetters())));
  }
}

package dev.dctwin.pipeline.join;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.Measurement;
import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.JoinInputs;
import dev.dctwin.join.JoinResult;
import dev.dctwin.join.OrderedTimeSeriesJoin;
import dev.dctwin.join.OrderedTimeSeriesJoin.Mode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;

/**
 * The machine use case of the ordered join: per machine ({@code thing}) and axis, the torque series
 * {@code vaTorque_<axis>} (LEFT) joined with the speed series {@code actSpeed_<axis>} (RIGHT) into
 * {@link PowerReading}s. Other quantities are ignored.
 *
 * <p>Element timestamps must be the measurements' {@code phenomenonTime} (a file pipeline assigns
 * them with {@code WithTimestamps}; a streaming source through its timestamp policy). Outputs
 * {@link #READINGS} and, for measurements the join rejected, {@link #DEAD_LETTERS}.
 */
public final class MachinePower extends PTransform<PCollection<Measurement>, PCollectionTuple> {
  public static final TupleTag<PowerReading> READINGS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  static final String TORQUE = "vaTorque_";
  static final String SPEED = "actSpeed_";

  /** An axis is letters and digits, such as {@code C11}; it never contains the key separator. */
  private static final Pattern AXIS = Pattern.compile("[A-Za-z0-9]+");

  private final Duration delta;
  private final Mode mode;

  private MachinePower(Duration delta, Mode mode) {
    this.delta = delta;
    this.mode = mode;
  }

  public static MachinePower create() {
    return new MachinePower(null, null);
  }

  /** See {@link OrderedTimeSeriesJoin#withDelta}; null for no tolerance. */
  public MachinePower withDelta(Duration delta) {
    return new MachinePower(delta, mode);
  }

  /** See {@link OrderedTimeSeriesJoin#withMode}; null for the default. */
  public MachinePower withMode(Mode mode) {
    return new MachinePower(delta, mode);
  }

  @Override
  public PCollectionTuple expand(PCollection<Measurement> measurements) {
    PCollection<KV<String, Measurement>> torque =
        measurements
            .apply("Torque", ParDo.of(new KeySeries(m -> seriesKey(m, TORQUE))))
            .setCoder(JoinQuantities.KEYED_CODER);
    PCollection<KV<String, Measurement>> speed =
        measurements
            .apply("Speed", ParDo.of(new KeySeries(m -> seriesKey(m, SPEED))))
            .setCoder(JoinQuantities.KEYED_CODER);

    OrderedTimeSeriesJoin<String, Measurement, PowerReading> join =
        OrderedTimeSeriesJoin.into(TypeDescriptor.of(PowerReading.class))
            .via((String key, Entry<Measurement> t, Entry<Measurement> s) -> reading(t, s))
            .withOutputCoder(RecordCoder.of(PowerReading.class))
            .withMode(mode);
    if (delta != null) {
      join = join.withDelta(delta);
    }
    JoinResult<String, Measurement, PowerReading> joined =
        JoinInputs.of(torque, speed).apply("JoinTorqueWithSpeed", join);
    return PCollectionTuple.of(READINGS, joined.pairs())
        .and(
            DEAD_LETTERS,
            joined
                .rejected()
                .apply("RejectedToDeadLetters", ParDo.of(new RejectedToDeadLetters())));
  }

  /** {@code <axis>/<thing>} for a measurement of the series, else null. */
  static String seriesKey(Measurement measurement, String quantityPrefix) {
    String axis = axis(measurement.quantity(), quantityPrefix);
    return axis == null ? null : axis + "/" + measurement.thing();
  }

  static String axis(String quantity, String quantityPrefix) {
    if (!quantity.startsWith(quantityPrefix)) {
      return null;
    }
    Matcher axis = AXIS.matcher(quantity.substring(quantityPrefix.length()));
    return axis.matches() ? axis.group() : null;
  }

  private static PowerReading reading(Entry<Measurement> torque, Entry<Measurement> speed) {
    Measurement t = torque.value();
    Measurement s = speed.value();
    return PowerReading.of(
        t.thing(),
        axis(t.quantity(), TORQUE),
        t.phenomenonTime(),
        t.result(),
        s.phenomenonTime(),
        s.result());
  }
}

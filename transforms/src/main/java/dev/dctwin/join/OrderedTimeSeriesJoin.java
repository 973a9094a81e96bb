package dev.dctwin.join;

import dev.dctwin.join.JoinBuffer.Entry;
import java.io.Serializable;
import java.util.List;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.Coder.NonDeterministicException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.join.RawUnionValue;
import org.apache.beam.sdk.transforms.join.UnionCoder;
import org.apache.beam.sdk.transforms.windowing.GlobalWindows;
import org.apache.beam.sdk.transforms.windowing.Window;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.joda.time.Duration;

/**
 * The ordered time-series join of {@code transforms/ORDERED-JOIN.md}: per key, every record of the
 * LEFT series is paired with the previous and the next record of the RIGHT series, and every RIGHT
 * record with the previous and the next LEFT record; each distinct pair is emitted once, optionally
 * only within a tolerance {@code delta}.
 *
 * <pre>{@code
 * JoinResult<String, Double, Power> joined =
 *     JoinInputs.of(torque, speed)
 *         .apply("Power",
 *             OrderedTimeSeriesJoin.into(TypeDescriptor.of(Power.class))
 *                 .via((String axis, Entry<Double> t, Entry<Double> s) -> Power.of(axis, t, s))
 *                 .withDelta(Duration.millis(500)));
 * joined.pairs();     // one Power per pair
 * joined.rejected();  // records that broke their series' order or came late, with the reason
 * }</pre>
 *
 * <p><b>Time.</b> A record's time is its element timestamp (assign it upstream, e.g. with {@link
 * org.apache.beam.sdk.transforms.WithTimestamps}); the watermark is Beam's. The join works in the
 * global window, since a pair may span any distance in time: inputs in other windows are put into
 * it first.
 *
 * <p><b>Modes.</b>
 *
 * <ul>
 *   <li>{@link Mode#ARRIVAL_ORDER}, for streams that keep each series in order (Kafka with one
 *       message key per series, MQTT per publisher and topic): records go straight into the key's
 *       {@link JoinBuffer}, and a pair is emitted the moment it is certain, e.g. {@code (l,
 *       next_R(l))} as soon as {@code next_R(l)} arrives. A record earlier than one already taken
 *       from its series is rejected as {@code OUT_OF_ORDER}.
 *   <li>{@link Mode#EVENT_TIME}, for input in any order (files, replays): records are held until
 *       the watermark passes their time, then taken in time order. The result is the join set of
 *       the time-sorted series whatever the arrival order, at the price of the watermark's delay.
 *       Within one series and one time, records are taken in the order of their encoded values, so
 *       use a deterministic value coder.
 * </ul>
 *
 * <p>In event-time mode on bounded input (both inputs bounded), a bounded source's watermark only
 * moves at its end, so each key's records are simply collected and joined in time order once the
 * input is exhausted, with one timer per key; on unbounded input, each time is released as soon as
 * the watermark passes it.
 *
 * <p>The default is {@link Mode#EVENT_TIME} when either input is bounded (a bounded source does not
 * promise any order) and {@link Mode#ARRIVAL_ORDER} otherwise. Both give the same result on input
 * whose series are in order and have no two records with the same time and side.
 *
 * <p><b>Completeness.</b> Pairs that wait for the watermark are released by event-time timers, so
 * once the watermark passes the end (a bounded input is exhausted, or a stream's watermark reaches
 * infinity) every pair of the join set has been emitted and nothing is left in a buffer.
 *
 * <p><b>Rejected records and counters.</b> Nothing is dropped silently: a rejected record goes to
 * {@link JoinResult#rejected()} with reason {@code OUT_OF_ORDER} or {@code LATE} ({@code LATE}:
 * behind the time up to which the join has already released pairs for its key, which is how far the
 * join has seen the watermark through its timers). Beam counters in the namespace of this class:
 * {@value #LEFT_RECORDS_COUNTER}, {@value #RIGHT_RECORDS_COUNTER}, {@value #PAIRS_COUNTER}, and
 * {@code dead_letter_late}, {@code dead_letter_out_of_order} (see {@link
 * dev.dctwin.domain.DeadLetterReason#counterName()}).
 *
 * <p><b>maxLatency.</b> Off by default. {@link #withMaxLatency} bounds, in processing time, how
 * long a pair may wait for the watermark, at the price of determinism; see there.
 *
 * <p><b>Output timestamps.</b> A pair carries the event time at which it became certain: in
 * arrival-order mode the timestamp of the record whose arrival completed it, or of the timer that
 * released it; in event-time mode 1 ms after the later of its two records, where the watermark
 * passed it (a {@code maxLatency} release: the time of the record that started the wait).
 *
 * <p><b>State.</b> Per key, a {@code ValueState} with the buffer's checkpoint (only the records
 * that can still take part in a pair), in event-time mode plus a {@code MapState} by time of the
 * records waiting for the watermark; in event-time mode on bounded input just a {@code BagState} of
 * the key's records until the end. Event-time timers; no {@code OrderedListState}, which loses
 * elements with equal timestamps on the FlinkRunner; no Java serialization. A key's state is
 * cleared once the watermark is past its newest record by more than the tolerance ({@link
 * #withDelta}) or the state TTL ({@link #withStateTtl}), and at the end of time; without either a
 * key keeps its newest record of each side until then. Counter {@value #LIVE_KEYS_COUNTER}: the
 * keys that hold state.
 *
 * @param <K> the series key; its coder must be deterministic
 * @param <V> the record value, the same type on both sides
 * @param <O> what the join function makes of a pair
 */
public final class OrderedTimeSeriesJoin<K, V, O>
    extends PTransform<JoinInputs<K, V>, JoinResult<K, V, O>> {

  /** Counts LEFT records arriving at the join, taken or not. */
  public static final String LEFT_RECORDS_COUNTER = "left_records";

  /** Counts RIGHT records arriving at the join, taken or not. */
  public static final String RIGHT_RECORDS_COUNTER = "right_records";

  /** Counts emitted pairs. */
  public static final String PAIRS_COUNTER = "pairs";

  /**
   * Keys that hold state: raised when a key's state is created, lowered when it is cleared. Goes
   * back to zero once the watermark has passed every key's forgetting time (section 6 of the
   * contract).
   */
  public static final String LIVE_KEYS_COUNTER = "live_keys";

  /** When records are fed to the join; see the class documentation. */
  public enum Mode {
    /** Each record at once; each series must arrive in order. */
    ARRIVAL_ORDER,
    /** Each record once the watermark has passed it, in time order. */
    EVENT_TIME
  }

  /** The two inputs of the join. */
  public enum Side {
    LEFT,
    RIGHT
  }

  /** Makes the output of one pair; LEFT first. */
  @FunctionalInterface
  public interface JoinFn<K, V, O> extends Serializable {
    O apply(K key, Entry<V> left, Entry<V> right);
  }

  private final TypeDescriptor<O> outputType;
  private final Coder<O> outputCoder;
  private final JoinFn<K, V, O> fn;
  private final Long deltaMillis;
  private final Mode mode;
  private final Duration maxLatency;
  private final Duration stateTtl;

  private OrderedTimeSeriesJoin(
      TypeDescriptor<O> outputType,
      Coder<O> outputCoder,
      JoinFn<K, V, O> fn,
      Long deltaMillis,
      Mode mode,
      Duration maxLatency,
      Duration stateTtl) {
    this.outputType = outputType;
    this.outputCoder = outputCoder;
    this.fn = fn;
    this.deltaMillis = deltaMillis;
    this.mode = mode;
    this.maxLatency = maxLatency;
    this.stateTtl = stateTtl;
  }

  /**
   * Starts a join whose pairs are of {@code outputType}; their coder comes from the pipeline's
   * coder registry unless given with {@link #withOutputCoder}.
   */
  public static <O> OrderedTimeSeriesJoin<?, ?, O> into(TypeDescriptor<O> outputType) {
    return new OrderedTimeSeriesJoin<>(outputType, null, null, null, null, null, null);
  }

  /** The join function, called once per pair. */
  public <NewK, NewV> OrderedTimeSeriesJoin<NewK, NewV, O> via(JoinFn<NewK, NewV, O> fn) {
    if (fn == null) {
      throw new IllegalArgumentException("the join function must not be null");
    }
    return new OrderedTimeSeriesJoin<>(
        outputType, outputCoder, fn, deltaMillis, mode, maxLatency, stateTtl);
  }

  public OrderedTimeSeriesJoin<K, V, O> withOutputCoder(Coder<O> coder) {
    return new OrderedTimeSeriesJoin<>(
        outputType, coder, fn, deltaMillis, mode, maxLatency, stateTtl);
  }

  /**
   * Emits only pairs with {@code |l.t - r.t| <= delta}; {@link Duration#ZERO} keeps only equal
   * times. Without it (the default) there is no tolerance at all.
   */
  public OrderedTimeSeriesJoin<K, V, O> withDelta(Duration delta) {
    if (delta.getMillis() < 0) {
      throw new IllegalArgumentException("delta must not be negative: " + delta);
    }
    return new OrderedTimeSeriesJoin<>(
        outputType, outputCoder, fn, delta.getMillis(), mode, maxLatency, stateTtl);
  }

  /** Overrides the default mode, which follows the boundedness of the inputs. */
  public OrderedTimeSeriesJoin<K, V, O> withMode(Mode mode) {
    return new OrderedTimeSeriesJoin<>(
        outputType, outputCoder, fn, deltaMillis, mode, maxLatency, stateTtl);
  }

  /**
   * Emits the pairs that wait for the watermark at the latest this long (processing time) after the
   * first of them started waiting, by taking the times of everything then buffered or held as
   * passed; records that arrive later with an earlier time are rejected as {@code LATE}. Off by
   * default. No effect in event-time mode on bounded input, which is joined as soon as the input is
   * exhausted.
   *
   * <p>This breaks the join's determinism (guarantee 2 of the contract): which records are joined
   * and which are rejected then depends on processing speed, not only on the data. For users who
   * prefer latency to an exact, reproducible result.
   */
  public OrderedTimeSeriesJoin<K, V, O> withMaxLatency(Duration maxLatency) {
    if (maxLatency.getMillis() <= 0) {
      throw new IllegalArgumentException("maxLatency must be positive: " + maxLatency);
    }
    return new OrderedTimeSeriesJoin<>(
        outputType, outputCoder, fn, deltaMillis, mode, maxLatency, stateTtl);
  }

  /**
   * Forgets a key once the watermark has passed its newest record by more than {@code ttl}: its
   * state is cleared, and a record that arrives afterwards is joined as the first of a new key. Off
   * by default; must be positive; no effect when a tolerance ({@link #withDelta}) is at most {@code
   * ttl}, since the key is then forgotten as soon as nothing buffered can pair any more (see the
   * contract, section 6).
   *
   * <p>Without a tolerance, the newest record of each side is {@code prev} of whatever the other
   * side sends next, however much later, so an exact join keeps it until the end of time: one or
   * two records per key ever seen. With a TTL, a pair whose later record comes more than {@code
   * ttl} after everything else of its key is lost if the watermark passed that mark before the
   * record arrived. This breaks the join's determinism (guarantee 2) for such pairs only.
   */
  public OrderedTimeSeriesJoin<K, V, O> withStateTtl(Duration ttl) {
    if (ttl.getMillis() <= 0) {
      throw new IllegalArgumentException("the state TTL must be positive: " + ttl);
    }
    return new OrderedTimeSeriesJoin<>(
        outputType, outputCoder, fn, deltaMillis, mode, maxLatency, ttl);
  }

  /** The mode used for these inputs: the one set, else by boundedness. */
  public Mode modeFor(JoinInputs<K, V> input) {
    if (mode != null) {
      return mode;
    }
    boolean anyBounded =
        input.left().isBounded() == PCollection.IsBounded.BOUNDED
            || input.right().isBounded() == PCollection.IsBounded.BOUNDED;
    return anyBounded ? Mode.EVENT_TIME : Mode.ARRIVAL_ORDER;
  }

  @Override
  public JoinResult<K, V, O> expand(JoinInputs<K, V> input) {
    if (fn == null) {
      throw new IllegalStateException("no join function: call via(...)");
    }
    KvCoder<K, V> leftCoder = kvCoder(input.left(), Side.LEFT);
    KvCoder<K, V> rightCoder = kvCoder(input.right(), Side.RIGHT);
    if (!leftCoder.equals(rightCoder)) {
      throw new IllegalArgumentException(
          "LEFT and RIGHT must have the same coder: " + leftCoder + " vs " + rightCoder);
    }
    Coder<K> keyCoder = leftCoder.getKeyCoder();
    Coder<V> valueCoder = leftCoder.getValueCoder();
    try {
      keyCoder.verifyDeterministic();
    } catch (NonDeterministicException e) {
      throw new IllegalArgumentException("the key coder must be deterministic: " + keyCoder, e);
    }

    KvCoder<K, RawUnionValue> taggedCoder =
        KvCoder.of(keyCoder, UnionCoder.of(List.of(valueCoder, valueCoder)));
    PCollection<KV<K, RawUnionValue>> records =
        PCollectionList.of(tag(input.left(), JoinDoFn.LEFT_TAG, "Left", taggedCoder))
            .and(tag(input.right(), JoinDoFn.RIGHT_TAG, "Right", taggedCoder))
            .apply("Merge", Flatten.pCollections());

    TupleTag<O> pairsTag = new TupleTag<>("pairs");
    TupleTag<RejectedRecord<K, V>> rejectedTag = new TupleTag<>("rejected");
    JoinDoFn<K, V, O> joinFn;
    if (modeFor(input) == Mode.ARRIVAL_ORDER) {
      joinFn =
          new ArrivalOrderJoinFn<>(
              fn, deltaMillis, maxLatency, stateTtl, valueCoder, pairsTag, rejectedTag);
    } else if (records.isBounded() == PCollection.IsBounded.BOUNDED) {
      joinFn = new BoundedEventTimeJoinFn<>(fn, deltaMillis, valueCoder, pairsTag, rejectedTag);
    } else {
      joinFn =
          new EventTimeJoinFn<>(
              fn, deltaMillis, maxLatency, stateTtl, valueCoder, pairsTag, rejectedTag);
    }
    PCollectionTuple outputs =
        records.apply(
            "Join", ParDo.of(joinFn).withOutputTags(pairsTag, TupleTagList.of(rejectedTag)));
    outputs.get(pairsTag).setCoder(pairsCoder(input));
    outputs.get(rejectedTag).setCoder(RejectedRecord.coder(keyCoder, valueCoder));
    return new JoinResult<>(outputs, pairsTag, rejectedTag);
  }

  private static <K, V> KvCoder<K, V> kvCoder(PCollection<KV<K, V>> input, Side side) {
    if (input.getCoder() instanceof KvCoder<K, V> coder) {
      return coder;
    }
    throw new IllegalArgumentException(side + " must have a KvCoder, not " + input.getCoder());
  }

  private Coder<O> pairsCoder(JoinInputs<K, V> input) {
    if (outputCoder != null) {
      return outputCoder;
    }
    try {
      return input.getPipeline().getCoderRegistry().getCoder(outputType);
    } catch (CannotProvideCoderException e) {
      throw new IllegalStateException(
          "no coder for the pairs (" + outputType + "): set one with withOutputCoder", e);
    }
  }

  private static <K, V> PCollection<KV<K, RawUnionValue>> tag(
      PCollection<KV<K, V>> input, int unionTag, String name, KvCoder<K, RawUnionValue> coder) {
    PCollection<KV<K, V>> global =
        input.getWindowingStrategy().getWindowFn() instanceof GlobalWindows
            ? input
            : input.apply(name + "IntoGlobalWindow", Window.into(new GlobalWindows()));
    return global.apply("Tag" + name, ParDo.of(new TagFn<>(unionTag))).setCoder(coder);
  }

  private static final class TagFn<K, V> extends DoFn<KV<K, V>, KV<K, RawUnionValue>> {
    private final int unionTag;

    TagFn(int unionTag) {
      this.unionTag = unionTag;
    }

    @ProcessElement
    public void processElement(@Element KV<K, V> record, OutputReceiver<KV<K, RawUnionValue>> out) {
      out.output(KV.of(record.getKey(), new RawUnionValue(unionTag, record.getValue())));
    }
  }
}

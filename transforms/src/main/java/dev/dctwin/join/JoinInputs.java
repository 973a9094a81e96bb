package dev.dctwin.join;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * The LEFT and the RIGHT series of an {@link OrderedTimeSeriesJoin}, both keyed by series key, in
 * the manner of {@link org.apache.beam.sdk.transforms.join.KeyedPCollectionTuple}:
 *
 * <pre>{@code
 * JoinResult<String, Double, Power> joined =
 *     JoinInputs.of(torque, speed).apply("Power", OrderedTimeSeriesJoin.into(...).via(...));
 * }</pre>
 */
public final class JoinInputs<K, V> implements PInput {
  private static final TupleTag<?> LEFT = new TupleTag<>("left");
  private static final TupleTag<?> RIGHT = new TupleTag<>("right");

  private final PCollection<KV<K, V>> left;
  private final PCollection<KV<K, V>> right;

  private JoinInputs(PCollection<KV<K, V>> left, PCollection<KV<K, V>> right) {
    if (left.getPipeline() != right.getPipeline()) {
      throw new IllegalArgumentException("LEFT and RIGHT belong to different pipelines");
    }
    this.left = left;
    this.right = right;
  }

  public static <K, V> JoinInputs<K, V> of(
      PCollection<KV<K, V>> left, PCollection<KV<K, V>> right) {
    return new JoinInputs<>(left, right);
  }

  public PCollection<KV<K, V>> left() {
    return left;
  }

  public PCollection<KV<K, V>> right() {
    return right;
  }

  public <OutputT extends POutput> OutputT apply(
      String name, PTransform<JoinInputs<K, V>, OutputT> transform) {
    return Pipeline.applyTransform(name, this, transform);
  }

  public <OutputT extends POutput> OutputT apply(PTransform<JoinInputs<K, V>, OutputT> transform) {
    return Pipeline.applyTransform(this, transform);
  }

  @Override
  public Pipeline getPipeline() {
    return left.getPipeline();
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    Map<TupleTag<?>, PValue> inputs = new LinkedHashMap<>();
    inputs.put(LEFT, left);
    inputs.put(RIGHT, right);
    return inputs;
  }
}

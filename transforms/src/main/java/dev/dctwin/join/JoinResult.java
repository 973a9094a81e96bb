package dev.dctwin.join;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PInput;
import org.apache.beam.sdk.values.POutput;
import org.apache.beam.sdk.values.PValue;
import org.apache.beam.sdk.values.TupleTag;

/**
 * What an {@link OrderedTimeSeriesJoin} produces: the joined pairs, and every record it did not
 * take, with the reason. Every input record ends up either in a pair's making or in {@link
 * #rejected()}; none is dropped silently.
 */
public final class JoinResult<K, V, O> implements POutput {
  private final Pipeline pipeline;
  private final TupleTag<O> pairsTag;
  private final PCollection<O> pairs;
  private final TupleTag<RejectedRecord<K, V>> rejectedTag;
  private final PCollection<RejectedRecord<K, V>> rejected;

  JoinResult(
      PCollectionTuple outputs, TupleTag<O> pairsTag, TupleTag<RejectedRecord<K, V>> rejectedTag) {
    this.pipeline = outputs.getPipeline();
    this.pairsTag = pairsTag;
    this.pairs = outputs.get(pairsTag);
    this.rejectedTag = rejectedTag;
    this.rejected = outputs.get(rejectedTag);
  }

  /** One element per pair of the join set, made by the join function. */
  public PCollection<O> pairs() {
    return pairs;
  }

  /** Records that broke their series' order or came behind the watermark. */
  public PCollection<RejectedRecord<K, V>> rejected() {
    return rejected;
  }

  @Override
  public Pipeline getPipeline() {
    return pipeline;
  }

  @Override
  public Map<TupleTag<?>, PValue> expand() {
    Map<TupleTag<?>, PValue> outputs = new LinkedHashMap<>();
    outputs.put(pairsTag, pairs);
    outputs.put(rejectedTag, rejected);
    return outputs;
  }

  @Override
  public void finishSpecifyingOutput(
      String transformName, PInput input, PTransform<?, ?> transform) {}
}

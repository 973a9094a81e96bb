package dev.dctwin.pipeline.join;

import dev.dctwin.domain.Measurement;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.values.KV;

/**
 * Picks the measurements of one series of a join and keys them: {@code seriesKey} gives the key of
 * a measurement that belongs to the series, null for one that does not.
 */
final class KeySeries extends DoFn<Measurement, KV<String, Measurement>> {
  private final SerializableFunction<Measurement, String> seriesKey;

  KeySeries(SerializableFunction<Measurement, String> seriesKey) {
    this.seriesKey = seriesKey;
  }

  @ProcessElement
  public void processElement(
      @Element Measurement measurement, OutputReceiver<KV<String, Measurement>> out) {
    String key = seriesKey.apply(measurement);
    if (key != null) {
      out.output(KV.of(key, measurement));
    }
  }
}

package dev.dctwin.pipeline.join;

import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;

/** The flags of the ordered join that every join command takes. */
public interface OrderedJoinOptions extends PipelineOptions {
  @Description(
      "Largest |left.t - right.t| of a pair in ms; 0 joins equal times only. Unset: no"
          + " tolerance.")
  Long getDeltaMs();

  void setDeltaMs(Long value);

  @Description(
      "event-time: hold records until the watermark passes them, for input in any order;"
          + " arrival-order: join at once, each series must arrive in time order.")
  @Default.String("event-time")
  String getMode();

  void setMode(String value);
}

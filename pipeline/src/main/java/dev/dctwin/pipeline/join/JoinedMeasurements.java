package dev.dctwin.pipeline.join;

import dev.dctwin.domain.Measurement;

/**
 * One pair of the ordered join of two quantities of one thing, as written by {@code join}: {@code
 * {"thing":..., "left":{"quantity","phenomenonTime","result"}, "right":{...}}}.
 */
public record JoinedMeasurements(String thing, Point left, Point right) {

  /** One side of a pair: the measurement without its thing. */
  public record Point(String quantity, long phenomenonTime, double result) {
    static Point of(Measurement measurement) {
      return new Point(measurement.quantity(), measurement.phenomenonTime(), measurement.result());
    }
  }

  public static JoinedMeasurements of(String thing, Measurement left, Measurement right) {
    return new JoinedMeasurements(thing, Point.of(left), Point.of(right));
  }
}

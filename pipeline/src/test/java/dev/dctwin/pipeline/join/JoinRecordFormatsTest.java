package dev.dctwin.pipeline.join;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.golden.GoldenBytes;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Pins version 1 of the join commands' own records in {@link RecordCoder}'s form, one golden file
 * each ({@code src/test/resources/golden}): the pairs leave the join's stateful step, and Flink
 * holds outputs back in its checkpoints.
 */
@RunWith(JUnit4.class)
public class JoinRecordFormatsTest {
  private static final long T0 = 1_554_096_380_468L;

  @Test
  public void joinedMeasurementsArePinned() {
    GoldenBytes.assertPinned(
        "RecordCoder-JoinedMeasurements",
        1,
        RecordCoder.of(JoinedMeasurements.class),
        new JoinedMeasurements(
            "R0815",
            new JoinedMeasurements.Point("vaTorque_C11", T0, -4.44),
            new JoinedMeasurements.Point("vaSpeed_C11", T0 - 12, 1_500.5)));
  }

  @Test
  public void powerReadingsArePinned() {
    GoldenBytes.assertPinned(
        "RecordCoder-PowerReading",
        1,
        RecordCoder.of(PowerReading.class),
        PowerReading.of("R0815", "C11", T0, -4.44, T0 - 12, 1_500.5));
  }
}

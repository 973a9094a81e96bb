package dev.dctwin.join;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Measurement;
import dev.dctwin.golden.GoldenBytes;
import dev.dctwin.join.JoinBuffer.State;
import dev.dctwin.join.OrderedTimeSeriesJoin.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class JoinStateCoderTest {
  private static final long T0 = 1_554_096_380_468L;

  /** Checkpoints taken along random joins survive encoding, and the join goes on unchanged. */
  @Test
  public void checkpointsRoundTripAndRestoreTheSameBuffer() throws Exception {
    JoinStateCoder<String> coder = JoinStateCoder.of(StringUtf8Coder.of());
    for (long seed = 1; seed <= 50; seed++) {
      Random random = new Random(seed);
      long[] left = JoinBufferPropertyTest.randomSeries(random);
      long[] right = JoinBufferPropertyTest.randomSeries(random);
      Long delta = JoinBufferPropertyTest.randomDelta(random);
      JoinBuffer<String> buffer = new JoinBuffer<>(delta);
      List<String> pairs = new ArrayList<>();
      JoinBuffer.PairSink<String> sink = (l, r) -> pairs.add(l.value() + r.value());
      int nextLeft = 0;
      int nextRight = 0;
      for (JoinBufferPropertyTest.Side side :
          JoinBufferPropertyTest.randomInterleaving(random, left.length, right.length)) {
        if (side == JoinBufferPropertyTest.Side.LEFT) {
          buffer.addLeft(left[nextLeft], "l" + nextLeft++, sink);
        } else {
          buffer.addRight(right[nextRight], "r" + nextRight++, sink);
        }
        State<String> state = buffer.snapshot();
        CoderProperties.coderDecodeEncodeEqual(coder, state);
        State<String> decoded =
            CoderUtils.decodeFromByteArray(coder, CoderUtils.encodeToByteArray(coder, state));
        buffer = JoinBuffer.restore(delta, decoded);
        assertThat(buffer.snapshot(), equalTo(state));
      }
      buffer.finish(sink);
      CoderProperties.coderDecodeEncodeEqual(coder, buffer.snapshot());
    }
  }

  @Test
  public void deterministicWithADeterministicValueCoder() throws Exception {
    CoderProperties.coderDeterministic(
        JoinStateCoder.of(VarLongCoder.of()),
        new State<>(
            List.of(new JoinBuffer.Entry<>(5, 1L, 0)),
            JoinBuffer.NO_TIME,
            5,
            1,
            List.of(),
            JoinBuffer.NO_TIME,
            JoinBuffer.NO_TIME,
            0,
            JoinBuffer.NO_TIME),
        new State<>(
            List.of(new JoinBuffer.Entry<>(5, 1L, 0)),
            JoinBuffer.NO_TIME,
            5,
            1,
            List.of(),
            JoinBuffer.NO_TIME,
            JoinBuffer.NO_TIME,
            0,
            JoinBuffer.NO_TIME));
    CoderProperties.coderSerializable(JoinStateCoder.of(VarLongCoder.of()));
  }

  /** A buffer of measurements, as the pipeline's joins keep it, with entries on both sides. */
  @Test
  public void aJoinStateOfMeasurementsIsPinned() {
    GoldenBytes.assertPinned(
        "JoinStateCoder-Measurement",
        1,
        JoinStateCoder.of(RecordCoder.of(Measurement.class)),
        new State<>(
            List.of(
                new JoinBuffer.Entry<>(T0, torque(T0, -4.44), 7),
                new JoinBuffer.Entry<>(T0 + 40, torque(T0 + 40, -4.5), 8)),
            T0 - 40,
            T0 + 40,
            9,
            List.of(new JoinBuffer.Entry<>(T0 + 10, speed(T0 + 10, 1_500), 3)),
            T0 - 50,
            T0 + 10,
            4,
            T0 - 100));
  }

  @Test
  public void aRejectedMeasurementIsPinned() {
    GoldenBytes.assertPinned(
        "RejectedRecord-Measurement",
        1,
        RejectedRecord.coder(StringUtf8Coder.of(), RecordCoder.of(Measurement.class)),
        new RejectedRecord<>(
            "R0815/C11", Side.RIGHT, T0 - 5, speed(T0 - 5, 1_490), DeadLetterReason.LATE));
  }

  @Test
  public void anUnknownVersionOfTheStateOrOfItsValuesIsRejectedByName() throws Exception {
    Coder<State<Measurement>> coder = JoinStateCoder.of(RecordCoder.of(Measurement.class));
    byte[] bytes =
        CoderUtils.encodeToByteArray(
            coder,
            new State<>(
                List.of(new JoinBuffer.Entry<>(T0, torque(T0, 1), 0)),
                JoinBuffer.NO_TIME,
                T0,
                1,
                List.of(),
                JoinBuffer.NO_TIME,
                JoinBuffer.NO_TIME,
                0,
                JoinBuffer.NO_TIME));
    for (int at = 0; at < 2; at++) {
      byte[] unknown = bytes.clone();
      unknown[at] = 2;
      CoderException error =
          assertThrows(CoderException.class, () -> CoderUtils.decodeFromByteArray(coder, unknown));
      assertThat(
          error.getMessage(),
          containsString(
              (at == 0 ? "JoinStateCoder" : "RecordCoder(Measurement)")
                  + ": unknown format version 2; this build reads version 1"));
    }

    Coder<RejectedRecord<String, Long>> rejected =
        RejectedRecord.coder(StringUtf8Coder.of(), VarLongCoder.of());
    byte[] record =
        CoderUtils.encodeToByteArray(
            rejected, new RejectedRecord<>("k", Side.LEFT, 1, 2L, DeadLetterReason.LATE));
    record[0] = 2;
    CoderException error =
        assertThrows(CoderException.class, () -> CoderUtils.decodeFromByteArray(rejected, record));
    assertThat(
        error.getMessage(),
        containsString("RejectedRecord: unknown format version 2; this build reads version 1"));
  }

  private static Measurement torque(long t, double newtonMetres) {
    return new Measurement("R0815", "vaTorque_C11", t, newtonMetres);
  }

  private static Measurement speed(long t, double rpm) {
    return new Measurement("R0815", "vaSpeed_C11", t, rpm);
  }

  @Test
  public void rejectedRecordsRoundTrip() throws Exception {
    Coder<RejectedRecord<String, Long>> coder =
        RejectedRecord.coder(StringUtf8Coder.of(), VarLongCoder.of());
    for (DeadLetterReason reason : List.of(DeadLetterReason.LATE, DeadLetterReason.OUT_OF_ORDER)) {
      for (Side side : Side.values()) {
        CoderProperties.coderDecodeEncodeEqual(
            coder, new RejectedRecord<>("machine/C11", side, -3, 42L, reason));
      }
    }
  }
}

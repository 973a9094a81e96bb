package dev.dctwin.join;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.join.JoinBuffer.State;
import dev.dctwin.join.OrderedTimeSeriesJoin.Side;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.testing.CoderProperties;
import org.apache.beam.sdk.util.CoderUtils;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class JoinStateCoderTest {

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

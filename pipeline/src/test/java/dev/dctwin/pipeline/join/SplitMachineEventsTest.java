package dev.dctwin.pipeline.join;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.codec.RawMessageCoder;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.RawMessage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** A machine-event row that cannot be split is a dead letter that names its file and line. */
@RunWith(JUnit4.class)
public class SplitMachineEventsTest {
  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  @Test
  public void aBadRowsDeadLetterKeepsTheRowsOrigin() {
    RawMessage bad =
        new RawMessage(
            "file:/in/machines.jsonl:42",
            "{not json".getBytes(StandardCharsets.UTF_8),
            1_763_719_200_000L,
            MessageOrigin.file("/in/machines.jsonl", 42));
    PAssert.that(
            pipeline
                .apply(Create.of(bad).withCoder(RawMessageCoder.of()))
                .apply(SplitMachineEvents.create())
                .get(SplitMachineEvents.DEAD_LETTERS))
        .satisfies(
            letters -> {
              List<DeadLetter> all = new ArrayList<>();
              letters.forEach(all::add);
              assertThat(all.size(), equalTo(1));
              assertThat(all.get(0).reason(), equalTo(DeadLetterReason.NOT_JSON));
              // Built here: the check is serialized, and an origin is not Serializable.
              assertThat(
                  all.get(0).origin(), equalTo(MessageOrigin.file("/in/machines.jsonl", 42)));
              assertThat(all.get(0).payloadLength(), equalTo(9L));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }
}

package dev.dctwin.twins;

import static dev.dctwin.twins.FleetScenario.T0;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsInAnyOrder;

import dev.dctwin.codec.ParseMessages;
import dev.dctwin.codec.RawMessageCoder;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.RawMessage;
import dev.dctwin.domain.Received;
import dev.dctwin.domain.UnhealthyRacks;
import dev.dctwin.models.ReportBuilder;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Kafka records through {@link ParseMessages#withOrigins()} and {@link
 * DatacenterTwins#withOrigins()}: the dead letters of the routing and of the server twins name the
 * record (topic, partition, offset) of the message they reject, as the parse's own letters do.
 */
@RunWith(JUnit4.class)
public class DeadLetterOriginsTest {
  private static final WireCodec CODEC = WireCodec.withDefaults();

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  /** What a dead letter says about where its message came from. */
  record Letter(DeadLetterReason reason, String source, MessageOrigin origin) {}

  @Test
  public void parsingGivesEachMessageTheOriginOfItsRecord() {
    CommissionServer commission = new CommissionServer("dc1-r01-s01", "dc1-r01", "dc1", T0);
    PCollectionTuple parsed =
        pipeline
            .apply(Create.of(raw(commission, "dctwin.provisioning", 4, 99)))
            .apply(ParseMessages.create().withOrigins());
    PAssert.that(parsed.get(ParseMessages.RECEIVED))
        .containsInAnyOrder(
            new Received(commission, MessageOrigin.kafka("dctwin.provisioning", 4, 99)));
    pipeline.run().waitUntilFinish();
  }

  /** The routing step: an output type sent to the twins. */
  @Test
  public void theRoutingsDeadLetterNamesTheRecordOfItsMessage() {
    UnhealthyRacks answer = new UnhealthyRacks("q-1", "dc1", List.of("dc1-r01"), T0);
    PCollection<DeadLetter> letters =
        twins(raw(answer, "dctwin.queries", 0, 17)).get(DatacenterTwins.DEAD_LETTERS);
    PAssert.that(letters)
        .satisfies(
            all ->
                assertLetters(
                    all,
                    new Letter(
                        DeadLetterReason.UNEXPECTED_TYPE,
                        "twins",
                        MessageOrigin.kafka("dctwin.queries", 0, 17))));
    pipeline.run().waitUntilFinish();
  }

  /**
   * The server twin: a report of a server nobody commissioned, a second copy of a report, a
   * maintenance window of an unknown server. Of the two copies the twin rejects the one of the
   * later offset, whatever their order of arrival.
   */
  @Test
  public void theServerTwinsDeadLettersNameTheRecordsOfTheirMessages() {
    Message report = ReportBuilder.at("dc1-r01-s01", T0 + 10_000).build();
    PCollection<DeadLetter> letters =
        twins(
                raw(
                    new CommissionServer("dc1-r01-s01", "dc1-r01", "dc1", T0),
                    "dctwin.provisioning",
                    0,
                    5),
                raw(report, "dctwin.metrics", 1, 250),
                raw(report, "dctwin.metrics", 1, 101),
                raw(ReportBuilder.at("dc1-r01-s09", T0).build(), "dctwin.metrics", 2, 1001),
                raw(
                    new MaintenanceWindow(
                        Level.SERVER, "dc1-r01-s99", null, null, T0, T0 + 60_000, null, null, T0),
                    "dctwin.maintenance",
                    0,
                    3))
            .get(DatacenterTwins.DEAD_LETTERS);
    PAssert.that(letters)
        .satisfies(
            all ->
                assertLetters(
                    all,
                    new Letter(
                        DeadLetterReason.OUT_OF_ORDER,
                        "twin:dc1-r01-s01",
                        MessageOrigin.kafka("dctwin.metrics", 1, 250)),
                    new Letter(
                        DeadLetterReason.UNCOMMISSIONED,
                        "twin:dc1-r01-s09",
                        MessageOrigin.kafka("dctwin.metrics", 2, 1001)),
                    new Letter(
                        DeadLetterReason.UNKNOWN_ENTITY,
                        "twin:dc1-r01-s99",
                        MessageOrigin.kafka("dctwin.maintenance", 0, 3))));
    pipeline.run().waitUntilFinish();
  }

  private PCollectionTuple twins(RawMessage... records) {
    return pipeline
        .apply(Create.of(List.of(records)).withCoder(RawMessageCoder.of()))
        .apply(ParseMessages.create().withOrigins())
        .get(ParseMessages.RECEIVED)
        .apply(WithTimestamps.of((Received r) -> new Instant(r.message().eventTime())))
        .apply(DatacenterTwins.create().withOrigins());
  }

  private static Void assertLetters(Iterable<DeadLetter> letters, Letter... expected) {
    List<Letter> actual = new ArrayList<>();
    for (DeadLetter letter : letters) {
      actual.add(new Letter(letter.reason(), letter.source(), letter.origin()));
    }
    assertThat(actual, containsInAnyOrder(expected));
    return null;
  }

  /** A Kafka record of {@code message}, received an hour after its time. */
  private static RawMessage raw(Message message, String topic, int partition, long offset) {
    return new RawMessage(
        "kafka:" + topic,
        CODEC.encode(message),
        message.eventTime() + 3_600_000,
        MessageOrigin.kafka(topic, partition, offset));
  }
}

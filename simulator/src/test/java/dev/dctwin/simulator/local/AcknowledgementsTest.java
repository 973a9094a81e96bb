package dev.dctwin.simulator.local;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.instanceOf;
import static org.junit.Assert.assertThrows;

import java.time.Duration;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.Test;

public class AcknowledgementsTest {
  private static ProducerRecord<String, String> record(int i) {
    return new ProducerRecord<>("t", "k" + i, "v" + i);
  }

  @Test
  public void everyAcknowledgedSendIsComplete() {
    MockProducer<String, String> producer =
        new MockProducer<>(true, new StringSerializer(), new StringSerializer());
    Acknowledgements acks = new Acknowledgements("the test records");
    for (int i = 0; i < 3; i++) {
      acks.send(producer, record(i));
    }
    acks.awaitAll(producer, Duration.ofSeconds(1));
    assertThat(acks.sent(), equalTo(3L));
    assertThat(acks.acknowledged(), equalTo(3L));
    assertThat(acks.complete(), equalTo(true));
    assertThat(producer.history().size(), equalTo(3));
  }

  @Test
  public void aFailedSendStopsTheNextSendAndTheWait() {
    MockProducer<String, String> producer =
        new MockProducer<>(false, new StringSerializer(), new StringSerializer());
    Acknowledgements acks = new Acknowledgements("the pre-fill of t");
    acks.send(producer, record(0));
    acks.send(producer, record(1));
    producer.completeNext();
    producer.errorNext(new OutOfOrderSequenceException("broker lost a batch"));
    assertThat(acks.complete(), equalTo(false));

    Acknowledgements.SendFailedException onSend =
        assertThrows(
            Acknowledgements.SendFailedException.class, () -> acks.send(producer, record(2)));
    assertThat(onSend.getMessage(), containsString("the pre-fill of t"));
    assertThat(onSend.getMessage(), containsString("1 of 2 acknowledged"));
    assertThat(onSend.getCause(), instanceOf(OutOfOrderSequenceException.class));
    assertThrows(
        Acknowledgements.SendFailedException.class,
        () -> acks.awaitAll(producer, Duration.ofSeconds(1)));
  }

  @Test
  public void aRecordNeverAcknowledgedFailsTheWait() {
    // Not auto-completing, and flush() would complete it: a producer whose flush returns while a
    // record is still unanswered (a broker that never replies) is what this must catch.
    MockProducer<String, String> producer =
        new MockProducer<>(false, new StringSerializer(), new StringSerializer()) {
          @Override
          public synchronized void flush() {}
        };
    Acknowledgements acks = new Acknowledgements("the test records");
    acks.send(producer, record(0));
    acks.send(producer, record(1));
    producer.completeNext();
    Acknowledgements.SendFailedException e =
        assertThrows(
            Acknowledgements.SendFailedException.class,
            () -> acks.awaitAll(producer, Duration.ofMillis(200)));
    assertThat(
        e.getMessage(), containsString("1 of 2 records of the test records were not acknowledged"));
    assertThat(acks.complete(), equalTo(false));
  }

  @Test
  public void aSendThatThrowsIsAFailureToo() {
    MockProducer<String, String> producer =
        new MockProducer<>(true, new StringSerializer(), new StringSerializer());
    producer.close();
    Acknowledgements acks = new Acknowledgements("the test records");
    Acknowledgements.SendFailedException e =
        assertThrows(
            Acknowledgements.SendFailedException.class, () -> acks.send(producer, record(0)));
    assertThat(e.getMessage(), containsString("0 of 1 acknowledged"));
  }
}

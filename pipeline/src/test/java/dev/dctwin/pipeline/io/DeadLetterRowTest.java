package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.PayloadCut;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** A dead letter's row names its origin and, if cut, the whole payload's length and hash. */
@RunWith(JUnit4.class)
public class DeadLetterRowTest {
  private static DeadLetter letter(int bytes, MessageOrigin origin) {
    return DeadLetter.of(
        "kafka:dctwin.metrics", DeadLetterReason.NOT_JSON, "bad", new byte[bytes], 5L, origin, 10);
  }

  @Test
  public void theDetailStartsWithTheOrigin() {
    assertThat(WriteToJdbc.rowDetail(letter(3, null)), equalTo("bad"));
    assertThat(
        WriteToJdbc.rowDetail(letter(3, MessageOrigin.kafka("dctwin.metrics", 2, 99L))),
        equalTo("[kafka dctwin.metrics partition 2 offset 99] bad"));
    assertThat(
        WriteToJdbc.rowDetail(letter(3, MessageOrigin.mqtt("dctwin/metrics"))),
        equalTo("[mqtt dctwin/metrics] bad"));
    assertThat(
        WriteToJdbc.rowDetail(letter(3, MessageOrigin.file("/in/a.jsonl", 7))),
        equalTo("[file /in/a.jsonl line 7] bad"));
  }

  @Test
  public void theDetailOfACutLetterStartsWithThePayloadsLengthAndHash() {
    assertThat(WriteToJdbc.rowDetail(letter(10, null)), equalTo("bad"));
    assertThat(
        WriteToJdbc.rowDetail(letter(11, MessageOrigin.mqtt("m"))),
        equalTo(
            "[mqtt m; payload of 11 bytes, SHA-256 "
                + PayloadCut.sha256Hex(new byte[11])
                + ", the first 10 kept] bad"));
  }
}

package dev.dctwin.domain;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import java.util.Arrays;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** What MQTT and Kafka sources do with a payload over their cap. */
@RunWith(JUnit4.class)
public class RawMessageTest {
  private static final MessageOrigin ORIGIN = MessageOrigin.mqtt("dctwin/metrics");

  @Test
  public void aPayloadAtTheCapIsWhole() {
    byte[] payload = new byte[100];
    RawMessage raw = RawMessage.capped("mqtt:dctwin/metrics", payload, 5L, ORIGIN, 100, 10);
    assertThat(raw.payload(), equalTo(payload));
    assertThat(raw.cut(), nullValue());
    assertThat(raw.origin(), equalTo(ORIGIN));
  }

  @Test
  public void aPayloadOverTheCapKeepsItsStartItsLengthAndItsHash() {
    byte[] payload = new byte[101];
    Arrays.fill(payload, (byte) 3);
    RawMessage raw = RawMessage.capped("mqtt:dctwin/metrics", payload, 5L, ORIGIN, 100, 10);
    assertThat(raw.payload(), equalTo(Arrays.copyOf(payload, 10)));
    assertThat(raw.cut(), equalTo(new PayloadCut(101, PayloadCut.sha256Hex(payload))));
    assertThat(raw.origin(), equalTo(ORIGIN));
  }

  @Test
  public void neverKeepsMoreThanTheCap() {
    RawMessage raw = RawMessage.capped("mqtt:x", new byte[50], 5L, ORIGIN, 20, 1000);
    assertThat(raw.payload().length, equalTo(20));
    assertThat(raw.cut().length(), equalTo(50L));
  }
}

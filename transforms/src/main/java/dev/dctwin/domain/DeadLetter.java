package dev.dctwin.domain;

import java.util.Base64;

/**
 * Input that dctwin could not process, kept whole so that nothing is lost silently: the raw payload
 * (Base64, exact bytes), where it came from, why it was rejected and when it was received
 * (processing time, epoch ms).
 */
public record DeadLetter(
    String source, DeadLetterReason reason, String detail, String payloadBase64, long receivedAt) {

  public static DeadLetter of(
      String source, DeadLetterReason reason, String detail, byte[] payload, long receivedAt) {
    return new DeadLetter(
        source, reason, detail, Base64.getEncoder().encodeToString(payload), receivedAt);
  }

  public byte[] payload() {
    return Base64.getDecoder().decode(payloadBase64);
  }
}

package dev.dctwin.domain;

import java.util.Arrays;
import java.util.Base64;

/**
 * Input that dctwin could not process, so that nothing is lost silently: where it came from ({@code
 * source}, and {@code origin} when known: Kafka topic, partition and offset, MQTT topic, file and
 * line), why it was rejected, when it was received (processing time, epoch ms) and its bytes.
 *
 * <p>The bytes are kept up to a bound ({@link #DEFAULT_MAX_KEPT_BYTES} unless configured): {@code
 * payloadBase64} holds the first bytes, exactly; {@code payloadLength} and {@code payloadSha256}
 * (lowercase hex) describe the whole payload, so that a cut letter still identifies its original.
 * The letter is cut when {@code payloadLength} exceeds the kept bytes ({@link #payloadCut()}). A
 * near-1 MB payload thus never makes a dead letter too large for a Kafka record or a database
 * column. The source and the detail are cut to {@link FieldLimits#DEAD_LETTER_SOURCE} and {@link
 * FieldLimits#DEAD_LETTER_DETAIL} characters (the database's sink cuts the detail further, to its
 * column), the origin's topic and file to {@link FieldLimits#DEAD_LETTER_ORIGIN}.
 *
 * <p>A letter of version 1 of its coder kept the whole payload and had no length, hash or origin:
 * it reads with the length and hash of its payload and no origin.
 */
public record DeadLetter(
    String source,
    DeadLetterReason reason,
    String detail,
    String payloadBase64,
    long receivedAt,
    long payloadLength,
    String payloadSha256,
    MessageOrigin origin) {

  /**
   * Bytes of the payload a dead letter keeps by default: a Kafka record and a database row of the
   * letter stay far below their limits (1 MB, 64 KiB for a MariaDB {@code TEXT}), and 16 KiB shows
   * an operator what was wrong with any message.
   */
  public static final int DEFAULT_MAX_KEPT_BYTES = 16 * 1024;

  public DeadLetter {
    source = cut(source, FieldLimits.DEAD_LETTER_SOURCE);
    detail = cut(detail, FieldLimits.DEAD_LETTER_DETAIL);
    if (origin != null) {
      // An MQTT topic may have 65,535 bytes.
      origin =
          new MessageOrigin(
              cut(origin.topic(), FieldLimits.DEAD_LETTER_ORIGIN),
              origin.partition(),
              origin.offset(),
              cut(origin.file(), FieldLimits.DEAD_LETTER_ORIGIN),
              origin.line());
    }
    if (payloadSha256 == null) {
      // Version 1 of the coder: the whole payload, nothing about it.
      byte[] whole = Base64.getDecoder().decode(payloadBase64);
      payloadLength = whole.length;
      payloadSha256 = PayloadCut.sha256Hex(whole);
    }
  }

  /** A letter of a whole payload from nowhere in particular, keeping the default bytes. */
  public static DeadLetter of(
      String source, DeadLetterReason reason, String detail, byte[] payload, long receivedAt) {
    return of(source, reason, detail, payload, receivedAt, null, DEFAULT_MAX_KEPT_BYTES);
  }

  /** A letter of a whole payload, keeping at most {@code maxKeptBytes} of it. */
  public static DeadLetter of(
      String source,
      DeadLetterReason reason,
      String detail,
      byte[] payload,
      long receivedAt,
      MessageOrigin origin,
      int maxKeptBytes) {
    byte[] kept = payload.length <= maxKeptBytes ? payload : Arrays.copyOf(payload, maxKeptBytes);
    return new DeadLetter(
        source,
        reason,
        detail,
        Base64.getEncoder().encodeToString(kept),
        receivedAt,
        payload.length,
        PayloadCut.sha256Hex(payload),
        origin);
  }

  /**
   * The letter of a raw message, with its source and origin, keeping at most {@code maxKeptBytes}
   * of its payload; a raw message that is already cut keeps its full length and hash.
   */
  public static DeadLetter of(
      RawMessage raw, DeadLetterReason reason, String detail, int maxKeptBytes) {
    if (raw.cut() == null) {
      return of(
          raw.source(),
          reason,
          detail,
          raw.payload(),
          raw.receivedAt(),
          raw.origin(),
          maxKeptBytes);
    }
    byte[] payload = raw.payload();
    byte[] kept = payload.length <= maxKeptBytes ? payload : Arrays.copyOf(payload, maxKeptBytes);
    return new DeadLetter(
        raw.source(),
        reason,
        detail,
        Base64.getEncoder().encodeToString(kept),
        raw.receivedAt(),
        raw.cut().length(),
        raw.cut().sha256(),
        raw.origin());
  }

  /** The kept bytes: the whole payload unless {@link #payloadCut()}. */
  public byte[] payload() {
    return Base64.getDecoder().decode(payloadBase64);
  }

  /** Whether the letter keeps only the first bytes of its payload. */
  public boolean payloadCut() {
    return payload().length < payloadLength;
  }

  /** {@code text} cut to at most {@code maxChars} characters, never within a surrogate pair. */
  private static String cut(String text, int maxChars) {
    if (text == null || text.length() <= maxChars) {
      return text;
    }
    int keep = maxChars;
    if (Character.isHighSurrogate(text.charAt(keep - 1))) {
      keep--;
    }
    return text.substring(0, keep);
  }
}

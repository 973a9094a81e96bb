package dev.dctwin.domain;

import java.util.Arrays;
import java.util.Objects;

/**
 * Bytes as a source delivered them, before parsing. {@code source} names the transport and topic
 * (for example {@code mqtt:dctwin/metrics}); {@code receivedAt} is processing time in epoch ms;
 * {@code origin} (null if unknown) says exactly where the bytes came from. {@code cut} is null when
 * {@code payload} is the whole payload; a source that received more than it may pass on keeps only
 * the first bytes and says in {@code cut} how long the payload was and what its SHA-256 is: the
 * parser makes it a {@code PAYLOAD_TOO_LARGE} dead letter.
 */
public record RawMessage(
    String source, byte[] payload, long receivedAt, MessageOrigin origin, PayloadCut cut) {

  public RawMessage(String source, byte[] payload, long receivedAt) {
    this(source, payload, receivedAt, null, null);
  }

  public RawMessage(String source, byte[] payload, long receivedAt, MessageOrigin origin) {
    this(source, payload, receivedAt, origin, null);
  }

  /**
   * A raw message of {@code payload} if it has at most {@code maxBytes} bytes; else one that keeps
   * its first {@code keptBytes} bytes (at most {@code maxBytes}) and notes its length and SHA-256.
   */
  public static RawMessage capped(
      String source,
      byte[] payload,
      long receivedAt,
      MessageOrigin origin,
      int maxBytes,
      int keptBytes) {
    if (payload.length <= maxBytes) {
      return new RawMessage(source, payload, receivedAt, origin, null);
    }
    return new RawMessage(
        source,
        Arrays.copyOf(payload, Math.min(keptBytes, maxBytes)),
        receivedAt,
        origin,
        new PayloadCut(payload.length, PayloadCut.sha256Hex(payload)));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RawMessage that
        && source.equals(that.source)
        && receivedAt == that.receivedAt
        && Arrays.equals(payload, that.payload)
        && Objects.equals(origin, that.origin)
        && Objects.equals(cut, that.cut);
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, Arrays.hashCode(payload), receivedAt, origin, cut);
  }

  @Override
  public String toString() {
    return "RawMessage[source="
        + source
        + ", bytes="
        + payload.length
        + (cut == null ? "" : " of " + cut.length())
        + (origin == null ? "" : ", origin=" + origin)
        + "]";
  }
}

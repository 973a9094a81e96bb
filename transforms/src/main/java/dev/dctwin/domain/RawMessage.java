package dev.dctwin.domain;

import java.util.Arrays;

/**
 * Bytes as a source delivered them, before parsing. {@code source} names the transport and topic
 * (for example {@code mqtt:dctwin/metrics}); {@code receivedAt} is processing time in epoch ms.
 */
public record RawMessage(String source, byte[] payload, long receivedAt) {

  @Override
  public boolean equals(Object other) {
    return other instanceof RawMessage that
        && source.equals(that.source)
        && receivedAt == that.receivedAt
        && Arrays.equals(payload, that.payload);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * source.hashCode() + Arrays.hashCode(payload)) + Long.hashCode(receivedAt);
  }

  @Override
  public String toString() {
    return "RawMessage[source=" + source + ", bytes=" + payload.length + "]";
  }
}

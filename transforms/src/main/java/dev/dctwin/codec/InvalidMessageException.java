package dev.dctwin.codec;

import dev.dctwin.domain.DeadLetterReason;

/** A message that does not satisfy the wire format; carries the dead-letter reason. */
public final class InvalidMessageException extends Exception {
  private final DeadLetterReason reason;

  public InvalidMessageException(DeadLetterReason reason, String detail) {
    super(detail, null, false, false);
    this.reason = reason;
  }

  public DeadLetterReason reason() {
    return reason;
  }
}

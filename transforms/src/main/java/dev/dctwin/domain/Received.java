package dev.dctwin.domain;

/**
 * A parsed message with the {@link MessageOrigin} of the record it was parsed from (null if
 * unknown), so that a later step that rejects it can still name that record in its dead letter.
 */
public record Received(Message message, MessageOrigin origin) {}

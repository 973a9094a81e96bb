package dev.dctwin.domain;

/** Why a message went to the dead-letter output. Each has its own counter. */
public enum DeadLetterReason {
  NOT_UTF8,
  NOT_JSON,
  MISSING_FIELD,
  WRONG_TYPE,
  NON_FINITE_NUMBER,
  OUT_OF_RANGE,
  TIMESTAMP_OUT_OF_RANGE,
  /**
   * An event time further ahead of the time the message was received (processing time at ingestion)
   * than the allowed clock skew: a wrong clock, whose message would drag the watermark ahead and
   * make everyone else's input late.
   */
  FUTURE_EVENT_TIME,
  PAYLOAD_TOO_LARGE,
  UNKNOWN_MESSAGE_TYPE,
  /** A string longer than the wire format allows for its field. */
  FIELD_TOO_LONG,
  /**
   * A metric report with more named gauges than the wire format allows, or an agent's payload with
   * more samples than its decoder takes.
   */
  TOO_MANY_METRICS,
  /** A valid message of a type that the receiving pipeline does not take as input. */
  UNEXPECTED_TYPE,
  /** A metric report of a server that is not commissioned. */
  UNCOMMISSIONED,
  /** A record behind the watermark. */
  LATE,
  /** A record earlier than one already processed for its series. */
  OUT_OF_ORDER,
  /** A message about a server, rack or datacenter that the twin that owns it does not know. */
  UNKNOWN_ENTITY,
  /**
   * An agent's sample for an interval whose report was emitted more than the allowed lateness
   * before it arrived.
   */
  LATE_SAMPLE,
  /** A payload of a protobuf format (OTLP, Prometheus remote write) that does not parse. */
  NOT_PROTOBUF,
  /** A payload of a snappy-compressed format (Prometheus remote write) that does not uncompress. */
  NOT_SNAPPY,
  /**
   * An output that a sink refused for good (a database rejecting the row: a value too long for its
   * column, a constraint); the payload is the output, the detail the sink's error.
   */
  SINK_REJECTED;

  /** The name of the Beam counter for this reason. */
  public String counterName() {
    return "dead_letter_" + name().toLowerCase(java.util.Locale.ROOT);
  }
}

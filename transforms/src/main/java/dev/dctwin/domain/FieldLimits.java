package dev.dctwin.domain;

/**
 * The longest value, in characters (UTF-16 code units, as Java and the databases' {@code VARCHAR}
 * count them), of every id and string field of the wire format ({@code transforms/WIRE-FORMAT.md},
 * "Field limits") and of the dead letters' text. The one place these sizes are defined: {@link
 * dev.dctwin.codec.WireCodec} and the agent decoders reject longer values ({@code FIELD_TOO_LONG}),
 * {@link DeadLetter} cuts its source and detail to them, and the JDBC sink's {@code
 * JdbcColumnLimits} is derived from them, its test checking the migrations' column sizes against
 * them. A value the codec accepted therefore always fits its column.
 */
public final class FieldLimits {
  /**
   * Ids of servers, racks and datacenters ({@code serverId}, {@code rackId}, {@code datacenterId},
   * {@code entity}, {@code racks}) and of queries ({@code queryId}): the {@code VARCHAR(255)} of
   * the alert tables.
   */
  public static final int ID = 255;

  /** An incident's id ({@code incidentId}, {@code explainedBy}): a UUID is 36. */
  public static final int INCIDENT_ID = 64;

  /**
   * Names: a host name ({@code hostname}, {@code host}), a metric's or gauge's name with its
   * labels, a label's name and value, a measurement's {@code thing} and {@code quantity}.
   */
  public static final int NAME = 256;

  /** A maintenance window's {@code reason} and {@code by}: notes for people. */
  public static final int NOTE = 1024;

  /**
   * Free text that reaches a {@code TEXT} column (an alert's {@code context}; a dead letter's
   * detail is cut to it when it is written to its table): a MariaDB {@code TEXT} holds 65,535
   * bytes, which is this many characters of up to 4 bytes (PostgreSQL's {@code TEXT} has no limit).
   */
  public static final int TEXT = 65_535 / 4;

  /** A dead letter's {@code source}: the {@code VARCHAR(1024)} of the dead-letter table. */
  public static final int DEAD_LETTER_SOURCE = 1024;

  /**
   * A dead letter's origin's {@code topic} (an MQTT topic may have 65,535 bytes) and {@code file}:
   * the {@code VARCHAR(1024)} of the dead-letter table's {@code origin_topic} and {@code
   * origin_file}.
   */
  public static final int DEAD_LETTER_ORIGIN = 1024;

  /** A SHA-256 in lowercase hex ({@code payloadSha256}): {@code dead_letters.payload_sha256}. */
  public static final int SHA256_HEX = 64;

  /**
   * A dead letter's {@code detail}: with the source and the kept payload, a dead letter's JSON
   * stays far below Kafka's default {@code max.request.size} of 1 MB even if every character is
   * escaped. The database's column is narrower ({@link #TEXT}); its sink cuts further.
   */
  public static final int DEAD_LETTER_DETAIL = 64 * 1024;

  private FieldLimits() {}
}

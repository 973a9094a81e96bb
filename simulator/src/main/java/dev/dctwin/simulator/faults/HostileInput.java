package dev.dctwin.simulator.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.FieldLimits;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;

/**
 * The fault suite's corpus of hostile input (simulator/FAULTS.md): every kind of message that must
 * neither stop the job nor change its alerts, each with the fate the job must give it. One constant
 * per kind, so the corpus's size is the number of constants.
 *
 * <p>A kind's payload is built from a {@link Context}: a valid message of the fleet to mutate, the
 * ids of the fleet, the time of sending. Its fate is one of:
 *
 * <ul>
 *   <li>{@link Fate#DEAD_LETTER}: a dead letter of the given reason at ingestion, carrying the
 *       record's origin (topic, partition, offset);
 *   <li>{@link Fate#TWIN_REJECTED}: well-formed, rejected by the twin that owns it (a server that
 *       is not commissioned, a report that is not newer than the last one, an output type sent as
 *       input): a dead letter of the given reason naming the twin and carrying the record's origin
 *       (of an exact copy of a report, the twin may reject the original instead: its origin);
 *   <li>{@link Fate#ACCEPTED}: taken as input without effect on the alerts (a decommission of a
 *       server nobody commissioned, a query).
 * </ul>
 */
public enum HostileInput {
  // ---- not JSON, not UTF-8 --------------------------------------------------------------------
  EMPTY_PAYLOAD(Fate.DEAD_LETTER, DeadLetterReason.NOT_JSON, c -> new byte[0]),
  WHITESPACE_ONLY(Fate.DEAD_LETTER, DeadLetterReason.NOT_JSON, c -> utf8("  \n\t ")),
  PLAIN_TEXT(Fate.DEAD_LETTER, DeadLetterReason.NOT_JSON, c -> utf8("cpu=93 disk=failed")),
  TRUNCATED_JSON(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_JSON,
      c -> utf8(c.report().substring(0, c.report().length() / 2))),
  TRAILING_GARBAGE(Fate.DEAD_LETTER, DeadLetterReason.NOT_JSON, c -> utf8(c.report() + "}}]")),
  JSON_ARRAY(Fate.DEAD_LETTER, DeadLetterReason.WRONG_TYPE, c -> utf8("[" + c.report() + "]")),
  JSON_NULL(Fate.DEAD_LETTER, DeadLetterReason.WRONG_TYPE, c -> utf8("null")),
  JSON_NUMBER(Fate.DEAD_LETTER, DeadLetterReason.WRONG_TYPE, c -> utf8("42")),
  JSON_STRING(Fate.DEAD_LETTER, DeadLetterReason.WRONG_TYPE, c -> utf8("\"metrics\"")),
  INVALID_UTF8(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_UTF8,
      c -> concat(utf8("{\"type\":\"metrics\",\"serverId\":\""), bytes(0xC3, 0x28), utf8("\"}"))),
  OVERLONG_UTF8(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_UTF8,
      c -> concat(utf8("{\"type\":\"metrics\",\"serverId\":\""), bytes(0xC0, 0xAF), utf8("\"}"))),
  LONE_SURROGATE_UTF8(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_UTF8,
      c -> concat(utf8("{\"serverId\":\""), bytes(0xED, 0xA0, 0x80), utf8("\"}"))),
  UTF16_PAYLOAD(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_UTF8,
      c -> c.report().getBytes(StandardCharsets.UTF_16)),
  NUL_BYTES(Fate.DEAD_LETTER, DeadLetterReason.NOT_JSON, c -> new byte[64]),
  BINARY_GARBAGE(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_UTF8,
      c -> bytes(0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0xFF, 0xFE, 0x00, 0x80)),

  // ---- size and shape ---------------------------------------------------------------------------
  HUGE_PAYLOAD(
      Fate.DEAD_LETTER,
      DeadLetterReason.PAYLOAD_TOO_LARGE,
      c -> utf8(with(c.report(), n -> n.put("padding", "x".repeat(900 * 1024))))),
  JUST_OVER_PAYLOAD_LIMIT(
      Fate.DEAD_LETTER,
      DeadLetterReason.PAYLOAD_TOO_LARGE,
      c -> {
        String base = with(c.report(), n -> n.put("padding", ""));
        return utf8(
            with(c.report(), n -> n.put("padding", "x".repeat(64 * 1024 + 1 - base.length()))));
      }),
  DEEP_NESTED_ARRAYS(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_JSON,
      c -> utf8("[".repeat(20_000) + "]".repeat(20_000))),
  DEEP_NESTED_FIELD(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_JSON,
      c -> {
        String report = c.report();
        return utf8(
            report.substring(0, report.length() - 1)
                + ",\"extra\":"
                + "{\"a\":".repeat(5_000)
                + "1"
                + "}".repeat(5_000)
                + "}");
      }),
  TOO_MANY_GAUGES(
      Fate.DEAD_LETTER,
      DeadLetterReason.TOO_MANY_METRICS,
      c ->
          utf8(
              with(
                  c.report(),
                  n -> {
                    ObjectNode gauges = n.putObject("gauges");
                    for (int i = 0; i < 1_001; i++) {
                      gauges.put("g" + i, i);
                    }
                  }))),
  GAUGE_NAME_TOO_LONG(
      Fate.DEAD_LETTER,
      DeadLetterReason.FIELD_TOO_LONG,
      c ->
          utf8(
              with(
                  c.report(),
                  n -> n.putObject("gauges").put("g".repeat(FieldLimits.NAME + 1), 1.0)))),

  // ---- ids --------------------------------------------------------------------------------------
  SERVER_ID_TOO_LONG(
      Fate.DEAD_LETTER,
      DeadLetterReason.FIELD_TOO_LONG,
      c -> utf8(with(c.report(), n -> n.put("serverId", "s".repeat(FieldLimits.ID + 1))))),
  // 512 KiB: far beyond the payload limit, yet within Kafka's default 1 MB per record.
  SERVER_ID_HALF_MEGABYTE(
      Fate.DEAD_LETTER,
      DeadLetterReason.PAYLOAD_TOO_LARGE,
      c -> utf8(with(c.report(), n -> n.put("serverId", "s".repeat(512 * 1024))))),
  SERVER_ID_MISSING(
      Fate.DEAD_LETTER,
      DeadLetterReason.MISSING_FIELD,
      c -> utf8(with(c.report(), n -> n.remove("serverId")))),
  SERVER_ID_NULL(
      Fate.DEAD_LETTER,
      DeadLetterReason.MISSING_FIELD,
      c -> utf8(with(c.report(), n -> n.putNull("serverId")))),
  SERVER_ID_NUMBER(
      Fate.DEAD_LETTER,
      DeadLetterReason.WRONG_TYPE,
      c -> utf8(with(c.report(), n -> n.put("serverId", 17)))),
  SERVER_ID_OBJECT(
      Fate.DEAD_LETTER,
      DeadLetterReason.WRONG_TYPE,
      c -> utf8(with(c.report(), n -> n.putObject("serverId").put("id", c.server())))),
  RACK_ID_TOO_LONG_IN_COMMISSION(
      Fate.DEAD_LETTER,
      DeadLetterReason.FIELD_TOO_LONG,
      c ->
          utf8(
              with(
                  c.commission(),
                  n ->
                      n.put("serverId", "hostile-1")
                          .put("rackId", "r".repeat(FieldLimits.ID + 1))))),
  COMMISSION_WITHOUT_RACK(
      Fate.DEAD_LETTER,
      DeadLetterReason.MISSING_FIELD,
      c -> utf8(with(c.commission(), n -> n.put("serverId", "hostile-2").remove("rackId")))),
  HOSTNAME_TOO_LONG(
      Fate.DEAD_LETTER,
      DeadLetterReason.FIELD_TOO_LONG,
      c ->
          utf8(
              with(
                  c.commission(),
                  n ->
                      n.put("serverId", "hostile-3")
                          .put("hostname", "h".repeat(FieldLimits.NAME + 1))))),
  QUERY_ID_TOO_LONG(
      Fate.DEAD_LETTER,
      DeadLetterReason.FIELD_TOO_LONG,
      c -> utf8(with(c.query(), n -> n.put("queryId", "q".repeat(FieldLimits.ID + 1))))),

  // ---- types ------------------------------------------------------------------------------------
  TYPE_MISSING(
      Fate.DEAD_LETTER,
      DeadLetterReason.MISSING_FIELD,
      c -> utf8(with(c.report(), n -> n.remove("type")))),
  TYPE_UNKNOWN(
      Fate.DEAD_LETTER,
      DeadLetterReason.UNKNOWN_MESSAGE_TYPE,
      c -> utf8(with(c.report(), n -> n.put("type", "teleport")))),
  TYPE_UPPER_CASE(
      Fate.DEAD_LETTER,
      DeadLetterReason.UNKNOWN_MESSAGE_TYPE,
      c -> utf8(with(c.report(), n -> n.put("type", "METRICS")))),
  TYPE_NUMBER(
      Fate.DEAD_LETTER,
      DeadLetterReason.WRONG_TYPE,
      c -> utf8(with(c.report(), n -> n.put("type", 3)))),
  OUTPUT_TYPE_AS_INPUT(
      Fate.TWIN_REJECTED,
      DeadLetterReason.UNEXPECTED_TYPE,
      c ->
          utf8(
              with(
                  c.query(),
                  n -> n.put("type", "unhealthy_racks").putArray("racks").add(c.rack())))),
  CPU_AS_STRING(
      Fate.DEAD_LETTER,
      DeadLetterReason.WRONG_TYPE,
      c -> utf8(with(c.report(), n -> ((ObjectNode) n.get("cpu")).put("idle", "high")))),
  CPU_AS_ARRAY(
      Fate.DEAD_LETTER,
      DeadLetterReason.WRONG_TYPE,
      c -> utf8(with(c.report(), n -> n.putArray("cpu").add(1).add(2)))),
  DISK_FAILED_AS_BOOLEAN(
      Fate.DEAD_LETTER,
      DeadLetterReason.WRONG_TYPE,
      c -> utf8(with(c.report(), n -> ((ObjectNode) n.get("disk")).put("failedDevices", true)))),

  // ---- numbers ----------------------------------------------------------------------------------
  NAN_LITERAL(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_JSON,
      c -> utf8(c.report().replaceFirst("\"idle\":[-0-9.Ee]+", "\"idle\":NaN"))),
  INFINITY_LITERAL(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_JSON,
      c -> utf8(c.report().replaceFirst("\"idle\":[-0-9.Ee]+", "\"idle\":Infinity"))),
  OVERFLOWING_NUMBER(
      Fate.DEAD_LETTER,
      DeadLetterReason.NON_FINITE_NUMBER,
      c -> utf8(c.report().replaceFirst("\"idle\":[-0-9.Ee]+", "\"idle\":1e999"))),
  NEGATIVE_CPU(
      Fate.DEAD_LETTER,
      DeadLetterReason.OUT_OF_RANGE,
      c -> utf8(with(c.report(), n -> ((ObjectNode) n.get("cpu")).put("idle", -5.0)))),
  CPU_ABOVE_100(
      Fate.DEAD_LETTER,
      DeadLetterReason.OUT_OF_RANGE,
      c -> utf8(with(c.report(), n -> ((ObjectNode) n.get("cpu")).put("idle", 171.5)))),
  NEGATIVE_FAILED_DISKS(
      Fate.DEAD_LETTER,
      DeadLetterReason.OUT_OF_RANGE,
      c -> utf8(with(c.report(), n -> ((ObjectNode) n.get("disk")).put("failedDevices", -1)))),

  // ---- time -------------------------------------------------------------------------------------
  EVENT_TIME_MISSING(
      Fate.DEAD_LETTER,
      DeadLetterReason.MISSING_FIELD,
      c -> utf8(with(c.report(), n -> n.remove("eventTime")))),
  EVENT_TIME_STRING(
      Fate.DEAD_LETTER,
      DeadLetterReason.WRONG_TYPE,
      c -> utf8(with(c.report(), n -> n.put("eventTime", "yesterday")))),
  EVENT_TIME_FRACTIONAL(
      Fate.DEAD_LETTER,
      DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
      c -> utf8(with(c.report(), n -> n.put("eventTime", c.now() + 0.5)))),
  EVENT_TIME_YEAR_2099(
      Fate.DEAD_LETTER,
      DeadLetterReason.FUTURE_EVENT_TIME,
      c -> utf8(with(c.report(), n -> n.put("eventTime", 4_070_908_800_000L)))),
  EVENT_TIME_ONE_HOUR_AHEAD(
      Fate.DEAD_LETTER,
      DeadLetterReason.FUTURE_EVENT_TIME,
      c -> utf8(with(c.report(), n -> n.put("eventTime", c.now() + 3_600_000L)))),
  EVENT_TIME_LONG_MAX(
      Fate.DEAD_LETTER,
      DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
      c -> utf8(with(c.report(), n -> n.put("eventTime", Long.MAX_VALUE)))),
  EVENT_TIME_NEGATIVE_HUGE(
      Fate.DEAD_LETTER,
      DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
      c -> utf8(with(c.report(), n -> n.put("eventTime", Long.MIN_VALUE)))),
  EVENT_TIME_EPOCH_ZERO(
      Fate.DEAD_LETTER,
      DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
      c -> utf8(with(c.report(), n -> n.put("serverId", "hostile-ancient").put("eventTime", 0L)))),
  EVENT_TIME_YEAR_1900(
      Fate.DEAD_LETTER,
      DeadLetterReason.TIMESTAMP_OUT_OF_RANGE,
      c ->
          utf8(
              with(
                  c.report(),
                  n -> n.put("serverId", "hostile-1900").put("eventTime", -2_208_988_800_000L)))),

  // ---- well-formed, but not from the fleet ------------------------------------------------------
  REPORT_OF_UNKNOWN_SERVER(
      Fate.TWIN_REJECTED,
      DeadLetterReason.UNCOMMISSIONED,
      c -> utf8(with(c.report(), n -> n.put("serverId", "hostile-unknown")))),
  SENSORS_OF_UNKNOWN_SERVER(
      Fate.TWIN_REJECTED,
      DeadLetterReason.UNCOMMISSIONED,
      c ->
          utf8(
              "{\"type\":\"sensors\",\"serverId\":\"hostile-unknown\",\"eventTime\":"
                  + c.now()
                  + ",\"sensors\":{\"voltage\":12.1,\"temperature\":24.5,\"airflow\":58.0,"
                  + "\"inputPower\":310.0}}")),
  DECOMMISSION_OF_UNKNOWN_SERVER(
      Fate.ACCEPTED,
      null,
      c ->
          utf8(
              with(
                  c.commission(),
                  n ->
                      n.put("type", "decommission")
                          .put("serverId", "hostile-never-commissioned")))),
  DUPLICATE_REPORT(Fate.TWIN_REJECTED, DeadLetterReason.OUT_OF_ORDER, c -> utf8(c.copy())),
  REPLAYED_OLD_REPORT(Fate.TWIN_REJECTED, DeadLetterReason.OUT_OF_ORDER, c -> utf8(c.oldCopy())),
  QUERY_OF_UNKNOWN_DATACENTER(
      Fate.ACCEPTED, null, c -> utf8(with(c.query(), n -> n.put("datacenterId", "hostile-dc")))),

  // ---- monitoring agents' formats, garbage
  // -------------------------------------------------------
  PROMETHEUS_REMOTE_WRITE_NOT_SNAPPY(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_SNAPPY,
      Channel.PROMETHEUS_REMOTE_WRITE,
      c -> utf8("this is not snappy")),
  OTLP_PROTO_GARBAGE(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_PROTOBUF,
      Channel.OTLP_PROTO,
      c -> bytes(0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01)),
  OTLP_JSON_NOT_JSON(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_JSON,
      Channel.OTLP_JSON,
      c -> utf8("{\"resourceMetrics\":[")),
  COLLECTD_NOT_JSON(
      Fate.DEAD_LETTER, DeadLetterReason.NOT_JSON, Channel.COLLECTD, c -> utf8("PUTVAL x")),
  TELEGRAF_NOT_JSON(
      Fate.DEAD_LETTER,
      DeadLetterReason.NOT_JSON,
      Channel.TELEGRAF,
      c -> utf8("cpu,host=a usage=1 1")),
  PROMETHEUS_JSON_NOT_JSON(
      Fate.DEAD_LETTER, DeadLetterReason.NOT_JSON, Channel.PROMETHEUS_JSON, c -> utf8("up 1"));

  /** What the job must do with a kind's message. */
  public enum Fate {
    DEAD_LETTER,
    TWIN_REJECTED,
    ACCEPTED
  }

  /** The input a kind's message is sent on, by its format (the job's {@code --topicFormats}). */
  public enum Channel {
    WIRE("dctwin"),
    PROMETHEUS_REMOTE_WRITE("prometheus-remote-write"),
    OTLP_PROTO("otlp-proto"),
    OTLP_JSON("otlp-json"),
    COLLECTD("collectd"),
    TELEGRAF("telegraf"),
    PROMETHEUS_JSON("prometheus-json");

    private final String format;

    Channel(String format) {
      this.format = format;
    }

    /** The format's name in {@code --topicFormats}. */
    public String format() {
      return format;
    }
  }

  /**
   * What a kind's payload is made of, in the wire format: a valid {@code report} of a server that
   * is not commissioned (the base of the mutations: one the codec let through cannot touch the
   * fleet's twins), an exact {@code copy} of the fleet's latest report of {@code server} and an
   * {@code oldCopy} sent earlier, a {@code commission} and a {@code query}; the fleet's rack, and
   * the time of sending.
   */
  public record Context(
      String server,
      String rack,
      String report,
      String copy,
      String oldCopy,
      String commission,
      String query,
      long now) {}

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Fate fate;
  private final DeadLetterReason reason;
  private final Channel channel;
  private final Function<Context, byte[]> payload;

  HostileInput(Fate fate, DeadLetterReason reason, Function<Context, byte[]> payload) {
    this(fate, reason, Channel.WIRE, payload);
  }

  HostileInput(
      Fate fate, DeadLetterReason reason, Channel channel, Function<Context, byte[]> payload) {
    this.fate = fate;
    this.reason = reason;
    this.channel = channel;
    this.payload = payload;
  }

  public Fate fate() {
    return fate;
  }

  /** The dead letter's reason; null for {@link Fate#ACCEPTED}. */
  public DeadLetterReason reason() {
    return reason;
  }

  public Channel channel() {
    return channel;
  }

  public byte[] payload(Context context) {
    return payload.apply(context);
  }

  private static String with(String json, java.util.function.Consumer<ObjectNode> change) {
    try {
      JsonNode node = JSON.readTree(json);
      ObjectNode copy = ((ObjectNode) node).deepCopy();
      change.accept(copy);
      return JSON.writeValueAsString(copy);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not a JSON object: " + json, e);
    }
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}

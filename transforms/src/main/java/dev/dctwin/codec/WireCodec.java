package dev.dctwin.codec;

import static dev.dctwin.domain.DeadLetterReason.FIELD_TOO_LONG;
import static dev.dctwin.domain.DeadLetterReason.MISSING_FIELD;
import static dev.dctwin.domain.DeadLetterReason.NOT_JSON;
import static dev.dctwin.domain.DeadLetterReason.NOT_UTF8;
import static dev.dctwin.domain.DeadLetterReason.OUT_OF_RANGE;
import static dev.dctwin.domain.DeadLetterReason.PAYLOAD_TOO_LARGE;
import static dev.dctwin.domain.DeadLetterReason.TOO_MANY_METRICS;
import static dev.dctwin.domain.DeadLetterReason.UNKNOWN_MESSAGE_TYPE;
import static dev.dctwin.domain.DeadLetterReason.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.CpuMetrics;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.DiskMetrics;
import dev.dctwin.domain.FieldLimits;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.MemoryMetrics;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.MetricEvidence;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.NetworkMetrics;
import dev.dctwin.domain.ProcessMetrics;
import dev.dctwin.domain.SensorReadings;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.domain.Severity;
import dev.dctwin.domain.UnhealthyRacks;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The JSON wire format of every {@link Message} (see {@code transforms/WIRE-FORMAT.md}): one object
 * per message, a {@code type} discriminator, field names as in the domain records, times as epoch
 * milliseconds or ISO-8601 strings.
 *
 * <p>Decoding never throws for bad input: it returns {@link InvalidMessageException} with the
 * dead-letter reason. The codec is immutable and thread-safe.
 */
public final class WireCodec implements Serializable {
  public static final int DEFAULT_MAX_PAYLOAD_BYTES = 64 * 1024;
  private static final int MAX_NESTING_DEPTH = 32;

  /**
   * Named gauges per metric report: node_exporter exports a few hundred series per host; more is a
   * misconfigured agent, whose reports would make every twin's baseline large.
   */
  public static final int MAX_GAUGES = 1_000;

  private static final int MAX_NUMBER_LENGTH = 64;

  private static final List<String> METRIC_GROUPS =
      List.of("cpu", "network", "memory", "disk", "processes", "sensors");

  static final double ABSOLUTE_ZERO_CELSIUS = -273.15;
  static final double MAX_PLAUSIBLE_CELSIUS = 1_000.0;
  static final double MAX_PLAUSIBLE_VOLTS = 1_000.0;

  private final int maxPayloadBytes;
  private transient ObjectMapper mapper;

  public WireCodec(int maxPayloadBytes) {
    this.maxPayloadBytes = maxPayloadBytes;
  }

  public static WireCodec withDefaults() {
    return new WireCodec(DEFAULT_MAX_PAYLOAD_BYTES);
  }

  public int maxPayloadBytes() {
    return maxPayloadBytes;
  }

  ObjectMapper mapper() {
    if (mapper == null) {
      JsonFactory factory =
          JsonFactory.builder()
              .streamReadConstraints(
                  StreamReadConstraints.builder()
                      .maxNestingDepth(MAX_NESTING_DEPTH)
                      .maxNumberLength(MAX_NUMBER_LENGTH)
                      .maxStringLength(maxPayloadBytes)
                      .build())
              // Metric reports are mostly doubles: the JDK's parser was an eighth of the source.
              .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
              .build();
      mapper =
          JsonMapper.builder(factory)
              .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
              .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
              .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
              .build();
    }
    return mapper;
  }

  /** Encodes a message as UTF-8 JSON with its {@code type} first. */
  public byte[] encode(Message message) {
    return encodeToString(message).getBytes(StandardCharsets.UTF_8);
  }

  public String encodeToString(Message message) {
    ObjectMapper json = mapper();
    ObjectNode node = json.createObjectNode();
    node.put("type", message.type().wireName());
    if (message instanceof Alert alert) {
      node.put("id", alert.id());
      node.put("category", alert.incidentType().category().name());
    }
    node.setAll((ObjectNode) json.valueToTree(message));
    if (message instanceof Alert alert && alert.evidence().isEmpty()) {
      node.remove("evidence");
    }
    if (message instanceof CommissionServer commission && commission.hostname() == null
        || message instanceof DecommissionServer decommission && decommission.hostname() == null) {
      node.remove("hostname");
    }
    if (message instanceof ServerMetricReport || message instanceof BmcSensorReading) {
      // A metric not reported (NaN) is written as null, which the decoder reads back as NaN.
      for (String group : METRIC_GROUPS) {
        if (node.get(group) instanceof ObjectNode fields) {
          List<String> notReported = new ArrayList<>();
          fields
              .fields()
              .forEachRemaining(
                  field -> {
                    if (field.getValue().isNumber() && Double.isNaN(field.getValue().asDouble())) {
                      notReported.add(field.getKey());
                    }
                  });
          notReported.forEach(name -> fields.set(name, NullNode.getInstance()));
        }
      }
    }
    if (message instanceof ServerMetricReport report) {
      // Absent groups and no gauges are left out, as agents leave them out.
      List<String> absent = new ArrayList<>();
      node.fields()
          .forEachRemaining(
              field -> {
                if (field.getValue().isNull()) {
                  absent.add(field.getKey());
                }
              });
      node.remove(absent);
      if (report.gauges().isEmpty()) {
        node.remove("gauges");
      }
    }
    try {
      return json.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + message.type(), e);
    }
  }

  /**
   * Decodes one message. {@code defaultType} applies when the payload has no {@code type} field (a
   * topic that carries one type only); null requires the field.
   */
  public Message decode(byte[] payload, MessageType defaultType) throws InvalidMessageException {
    if (payload.length > maxPayloadBytes) {
      throw new InvalidMessageException(
          PAYLOAD_TOO_LARGE, payload.length + " bytes exceed the limit of " + maxPayloadBytes);
    }
    requireUtf8(payload);
    ServerMetricReport report = StreamingReports.decode(mapper(), payload, defaultType);
    return report != null ? report : decodeTree(payload, defaultType);
  }

  /**
   * {@link #decode} through a JSON tree: every type, and every error with its precise reason. A
   * valid metric report, the common case, skips it ({@link StreamingReports}).
   */
  Message decodeTree(byte[] payload, MessageType defaultType) throws InvalidMessageException {
    JsonNode root;
    try {
      root = mapper().readTree(payload);
    } catch (IOException | RuntimeException e) {
      throw new InvalidMessageException(NOT_JSON, firstLine(e.getMessage()));
    }
    if (root == null || root.isMissingNode()) {
      throw new InvalidMessageException(NOT_JSON, "empty payload");
    }
    if (!root.isObject()) {
      throw new InvalidMessageException(WRONG_TYPE, "a message must be a JSON object");
    }
    JsonFields fields = new JsonFields(root, "");
    return decode(fields, messageType(fields, defaultType));
  }

  private static MessageType messageType(JsonFields fields, MessageType defaultType)
      throws InvalidMessageException {
    String wireType = fields.optionalString("type", FieldLimits.NAME);
    if (wireType == null) {
      if (defaultType == null) {
        throw new InvalidMessageException(MISSING_FIELD, "type is missing");
      }
      return defaultType;
    }
    return MessageType.fromWireName(wireType)
        .orElseThrow(
            () ->
                new InvalidMessageException(
                    UNKNOWN_MESSAGE_TYPE, "unknown message type '" + abbreviate(wireType) + "'"));
  }

  private static Message decode(JsonFields f, MessageType type) throws InvalidMessageException {
    return switch (type) {
      case METRICS -> metrics(f);
      case SENSORS ->
          new BmcSensorReading(
              f.string("serverId", FieldLimits.ID),
              f.time("eventTime"),
              sensors(f.object("sensors")));
      case COMMISSION ->
          new CommissionServer(
              f.string("serverId", FieldLimits.ID),
              f.string("rackId", FieldLimits.ID),
              f.string("datacenterId", FieldLimits.ID),
              f.time("eventTime"),
              hostname(f));
      case DECOMMISSION ->
          new DecommissionServer(
              f.string("serverId", FieldLimits.ID),
              f.string("rackId", FieldLimits.ID),
              f.string("datacenterId", FieldLimits.ID),
              f.time("eventTime"),
              hostname(f));
      case GET_UNHEALTHY_RACKS ->
          new GetUnhealthyRacks(
              f.string("queryId", FieldLimits.ID),
              f.string("datacenterId", FieldLimits.ID),
              f.time("eventTime"));
      case UNHEALTHY_RACKS ->
          new UnhealthyRacks(
              f.string("queryId", FieldLimits.ID),
              f.string("datacenterId", FieldLimits.ID),
              f.strings("racks", FieldLimits.ID),
              f.time("eventTime"));
      case ALERT -> alert(f);
      case MAINTENANCE -> maintenance(f);
      case MEASUREMENT ->
          new Measurement(
              f.string("thing", FieldLimits.NAME),
              f.string("quantity", FieldLimits.NAME),
              f.time("phenomenonTime"),
              f.number("result", -Double.MAX_VALUE, Double.MAX_VALUE));
      case SAMPLES -> samples(f);
    };
  }

  private static String hostname(JsonFields f) throws InvalidMessageException {
    String hostname = f.optionalString("hostname", FieldLimits.NAME);
    if (hostname != null) {
      requireName("hostname", hostname);
    }
    return hostname;
  }

  private static void requireName(String field, String name) throws InvalidMessageException {
    if (name.isBlank()) {
      throw new InvalidMessageException(MISSING_FIELD, field + " is blank");
    }
    if (name.length() > FieldLimits.NAME) {
      throw new InvalidMessageException(
          FIELD_TOO_LONG,
          field + " of " + name.length() + " characters, more than " + FieldLimits.NAME);
    }
  }

  private static AgentSamples samples(JsonFields f) throws InvalidMessageException {
    String host = f.string("host", FieldLimits.NAME);
    requireName("host", host);
    long eventTime = f.time("eventTime");
    List<MetricSample> samples = new ArrayList<>();
    for (JsonFields sample : f.optionalObjects("samples")) {
      String name = sample.string("name", FieldLimits.NAME);
      requireName("sample name", name);
      Map<String, String> labels = new TreeMap<>();
      JsonFields labelFields = sample.optionalObject("labels");
      if (labelFields != null) {
        for (String label : labelFields.names()) {
          requireName("label name", label);
          labels.put(label, labelFields.optionalString(label, FieldLimits.NAME));
        }
        if (labels.containsValue(null)) {
          throw new InvalidMessageException(WRONG_TYPE, "label values must be strings");
        }
      }
      samples.add(
          new MetricSample(
              name,
              labels,
              sample.number("value", -Double.MAX_VALUE, Double.MAX_VALUE),
              sample.time("time"),
              enumValue(MetricSample.Kind.class, sample, "kind")));
    }
    if (samples.isEmpty()) {
      throw new InvalidMessageException(MISSING_FIELD, "samples is missing or empty");
    }
    return new AgentSamples(host, eventTime, samples);
  }

  private static ServerMetricReport metrics(JsonFields f) throws InvalidMessageException {
    JsonFields cpu = f.optionalObject("cpu");
    JsonFields network = f.optionalObject("network");
    JsonFields memory = f.optionalObject("memory");
    JsonFields disk = f.optionalObject("disk");
    JsonFields processes = f.optionalObject("processes");
    JsonFields sensors = f.optionalObject("sensors");
    SortedMap<String, Double> gauges = gauges(f.optionalObject("gauges"));
    if (cpu == null
        && network == null
        && memory == null
        && disk == null
        && processes == null
        && sensors == null
        && gauges.isEmpty()) {
      throw new InvalidMessageException(
          MISSING_FIELD, "a metrics report needs a metric group or gauges");
    }
    return new ServerMetricReport(
        f.string("serverId", FieldLimits.ID),
        f.time("eventTime"),
        cpu == null ? null : cpu(cpu),
        network == null ? null : network(network),
        memory == null ? null : memory(memory),
        disk == null ? null : disk(disk),
        processes == null ? null : processes(processes),
        sensors == null ? null : sensors(sensors),
        gauges);
  }

  private static SortedMap<String, Double> gauges(JsonFields f) throws InvalidMessageException {
    SortedMap<String, Double> gauges = new TreeMap<>();
    if (f == null) {
      return gauges;
    }
    List<String> names = f.names();
    if (names.size() > MAX_GAUGES) {
      throw new InvalidMessageException(
          TOO_MANY_METRICS, names.size() + " gauges, more than " + MAX_GAUGES);
    }
    for (String name : names) {
      if (name.isBlank() || name.length() > FieldLimits.NAME) {
        throw new InvalidMessageException(
            name.isBlank() ? MISSING_FIELD : FIELD_TOO_LONG,
            "gauge name of " + name.length() + " characters, not 1 to " + FieldLimits.NAME);
      }
      gauges.put(name, f.number(name, -Double.MAX_VALUE, Double.MAX_VALUE));
    }
    return gauges;
  }

  private static CpuMetrics cpu(JsonFields f) throws InvalidMessageException {
    return new CpuMetrics(
        f.reportedPercent("idle"),
        f.reportedPercent("user"),
        f.reportedPercent("system"),
        f.reportedPercent("nice"),
        f.reportedPercent("interrupt"),
        f.reportedPercent("softirq"),
        f.reportedPercent("steal"),
        f.reportedPercent("ioWait"));
  }

  private static NetworkMetrics network(JsonFields f) throws InvalidMessageException {
    return new NetworkMetrics(
        f.reportedNonNegative("droppedIn"),
        f.reportedNonNegative("droppedOut"),
        f.reportedNonNegative("errorsIn"),
        f.reportedNonNegative("errorsOut"),
        f.reportedNonNegative("packetsIn"),
        f.reportedNonNegative("packetsOut"),
        f.reportedNonNegative("octetsIn"),
        f.reportedNonNegative("octetsOut"));
  }

  private static MemoryMetrics memory(JsonFields f) throws InvalidMessageException {
    return new MemoryMetrics(
        f.reportedNonNegative("used"),
        f.reportedNonNegative("free"),
        f.reportedNonNegative("cached"),
        f.reportedNonNegative("buffered"),
        f.reportedNonNegative("slab"),
        f.reportedNonNegative("total"),
        f.reportedNonNegative("bandwidthLocal"),
        f.reportedNonNegative("bandwidthRemote"),
        f.reportedNonNegative("llcBytes"),
        f.reportedNonNegative("correctedErrors"),
        f.reportedNonNegative("uncorrectedErrors"),
        f.reportedNonNegative("throttlingEvents"));
  }

  private static DiskMetrics disk(JsonFields f) throws InvalidMessageException {
    return new DiskMetrics(
        f.reportedNonNegative("ioTime"),
        f.reportedNonNegative("weightedIoTime"),
        f.reportedNonNegative("mergedRead"),
        f.reportedNonNegative("mergedWrite"),
        f.reportedNonNegative("octetsRead"),
        f.reportedNonNegative("octetsWrite"),
        f.reportedNonNegative("opsRead"),
        f.reportedNonNegative("opsWrite"),
        f.reportedNonNegative("timeRead"),
        f.reportedNonNegative("timeWrite"),
        f.reportedNonNegative("failedDevices"));
  }

  private static ProcessMetrics processes(JsonFields f) throws InvalidMessageException {
    return new ProcessMetrics(
        f.reportedNonNegative("running"),
        f.reportedNonNegative("sleeping"),
        f.reportedNonNegative("blocked"),
        f.reportedNonNegative("paging"),
        f.reportedNonNegative("stopped"),
        f.reportedNonNegative("zombies"));
  }

  private static SensorReadings sensors(JsonFields f) throws InvalidMessageException {
    return new SensorReadings(
        f.reported("voltage", 0.0, MAX_PLAUSIBLE_VOLTS),
        f.reported("temperature", ABSOLUTE_ZERO_CELSIUS, MAX_PLAUSIBLE_CELSIUS),
        f.reportedNonNegative("airflow"),
        f.reportedNonNegative("inputPower"));
  }

  private static Alert alert(JsonFields f) throws InvalidMessageException {
    String explainedBy = f.optionalString("explainedBy", FieldLimits.INCIDENT_ID);
    String rootCause = f.optionalString("rootCause", FieldLimits.NAME);
    return new Alert(
        f.string("incidentId", FieldLimits.INCIDENT_ID),
        enumValue(AlertStatus.class, f, "status"),
        enumValue(Level.class, f, "level"),
        f.string("entity", FieldLimits.ID),
        f.optionalString("datacenterId", FieldLimits.ID),
        f.optionalString("rackId", FieldLimits.ID),
        enumValue(IncidentType.class, f, "incidentType"),
        enumValue(Severity.class, f, "severity"),
        f.time("openedAt"),
        f.time("eventTime"),
        rootCause == null ? null : parseEnum(IncidentType.class, "rootCause", rootCause),
        explainedBy,
        f.optionalString("context", FieldLimits.TEXT),
        evidence(f),
        f.optionalBoolean("inMaintenance"));
  }

  private static List<MetricEvidence> evidence(JsonFields f) throws InvalidMessageException {
    List<MetricEvidence> evidence = new ArrayList<>();
    for (JsonFields metric : f.optionalObjects("evidence")) {
      evidence.add(
          new MetricEvidence(
              metric.string("metric", FieldLimits.NAME),
              metric.number("observed", -Double.MAX_VALUE, Double.MAX_VALUE),
              metric.number("expected", -Double.MAX_VALUE, Double.MAX_VALUE)));
    }
    return evidence;
  }

  private static MaintenanceWindow maintenance(JsonFields f) throws InvalidMessageException {
    Level level = enumValue(Level.class, f, "level");
    String entity = f.string("entity", FieldLimits.ID);
    long start = f.time("start");
    long end = f.time("end");
    if (end <= start) {
      throw new InvalidMessageException(
          OUT_OF_RANGE, "end=" + end + " is not after start=" + start);
    }
    if (end - start > MaintenanceWindow.MAX_DURATION_MS) {
      throw new InvalidMessageException(
          OUT_OF_RANGE,
          "the window lasts "
              + (end - start)
              + " ms, more than the maximum of 30 days ("
              + MaintenanceWindow.MAX_DURATION_MS
              + " ms)");
    }
    String datacenterId =
        switch (level) {
          case SERVER -> f.optionalString("datacenterId", FieldLimits.ID);
          case RACK -> f.string("datacenterId", FieldLimits.ID);
          case DATACENTER -> entity;
        };
    return new MaintenanceWindow(
        level,
        entity,
        datacenterId,
        null,
        start,
        end,
        f.optionalString("reason", FieldLimits.NOTE),
        f.optionalString("by", FieldLimits.NOTE),
        f.time("eventTime"));
  }

  private static <E extends Enum<E>> E enumValue(Class<E> type, JsonFields f, String name)
      throws InvalidMessageException {
    return parseEnum(type, name, f.string(name, FieldLimits.NAME));
  }

  private static <E extends Enum<E>> E parseEnum(Class<E> type, String name, String value)
      throws InvalidMessageException {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidMessageException(
          WRONG_TYPE,
          name + " must be one of " + java.util.Arrays.toString(type.getEnumConstants()));
    }
  }

  private static void requireUtf8(byte[] payload) throws InvalidMessageException {
    for (byte b : payload) {
      if (b < 0) {
        try {
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(payload));
        } catch (CharacterCodingException e) {
          throw new InvalidMessageException(NOT_UTF8, "payload is not valid UTF-8");
        }
        return;
      }
    }
  }

  private static String firstLine(String text) {
    if (text == null) {
      return "malformed JSON";
    }
    int newline = text.indexOf('\n');
    return abbreviate(newline < 0 ? text : text.substring(0, newline));
  }

  private static String abbreviate(String text) {
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}

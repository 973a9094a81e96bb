package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.FieldLimits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * Every id and string field of the wire format takes a value of exactly its limit ({@link
 * FieldLimits}) and rejects one character more as {@code FIELD_TOO_LONG}.
 */
@RunWith(JUnit4.class)
public class FieldLimitsWireTest {
  private static final String T = "1763719200000";

  /** A message with {@code %s} where the field's value goes, and the field's limit. */
  private record Field(String name, String template, int limit) {}

  private static final String METRICS =
      "{\"type\":\"metrics\",\"serverId\":\"%s\",\"eventTime\":" + T + ",\"gauges\":{\"m1\":1.0}}";

  private static final List<Field> FIELDS =
      List.of(
          new Field("serverId", METRICS, FieldLimits.ID),
          new Field(
              "serverId",
              "{\"type\":\"sensors\",\"serverId\":\"%s\",\"eventTime\":"
                  + T
                  + ",\"sensors\":{\"voltage\":12.0,\"temperature\":24.0,\"airflow\":50.0,"
                  + "\"inputPower\":300.0}}",
              FieldLimits.ID),
          new Field(
              "gauges (a name)",
              "{\"type\":\"metrics\",\"serverId\":\"s1\",\"eventTime\":"
                  + T
                  + ",\"gauges\":{\"%s\":1.0}}",
              FieldLimits.NAME),
          commission("serverId", FieldLimits.ID),
          commission("rackId", FieldLimits.ID),
          commission("datacenterId", FieldLimits.ID),
          commission("hostname", FieldLimits.NAME),
          new Field(
              "serverId",
              "{\"type\":\"decommission\",\"serverId\":\"%s\",\"rackId\":\"r1\","
                  + "\"datacenterId\":\"dc1\",\"eventTime\":"
                  + T
                  + "}",
              FieldLimits.ID),
          new Field(
              "queryId",
              "{\"type\":\"get_unhealthy_racks\",\"queryId\":\"%s\",\"datacenterId\":\"dc1\","
                  + "\"eventTime\":"
                  + T
                  + "}",
              FieldLimits.ID),
          new Field(
              "datacenterId",
              "{\"type\":\"get_unhealthy_racks\",\"queryId\":\"q\",\"datacenterId\":\"%s\","
                  + "\"eventTime\":"
                  + T
                  + "}",
              FieldLimits.ID),
          new Field(
              "racks (each)",
              "{\"type\":\"unhealthy_racks\",\"queryId\":\"q\",\"datacenterId\":\"dc1\","
                  + "\"racks\":[\"r1\",\"%s\"],\"eventTime\":"
                  + T
                  + "}",
              FieldLimits.ID),
          alert("incidentId", FieldLimits.INCIDENT_ID),
          alert("entity", FieldLimits.ID),
          alert("datacenterId", FieldLimits.ID),
          alert("rackId", FieldLimits.ID),
          alert("explainedBy", FieldLimits.INCIDENT_ID),
          alert("context", FieldLimits.TEXT),
          maintenance("entity", FieldLimits.ID),
          maintenance("datacenterId", FieldLimits.ID),
          maintenance("reason", FieldLimits.NOTE),
          maintenance("by", FieldLimits.NOTE),
          new Field(
              "thing",
              "{\"type\":\"measurement\",\"thing\":\"%s\",\"quantity\":\"q\",\"phenomenonTime\":"
                  + T
                  + ",\"result\":1.0}",
              FieldLimits.NAME),
          new Field(
              "quantity",
              "{\"type\":\"measurement\",\"thing\":\"t\",\"quantity\":\"%s\",\"phenomenonTime\":"
                  + T
                  + ",\"result\":1.0}",
              FieldLimits.NAME),
          samples("{\"host\":\"%s\",\"name\":\"n\",\"labels\":{\"k\":\"v\"}}", "host"),
          samples("{\"host\":\"h\",\"name\":\"%s\",\"labels\":{\"k\":\"v\"}}", "samples.name"),
          samples(
              "{\"host\":\"h\",\"name\":\"n\",\"labels\":{\"%s\":\"v\"}}",
              "samples.labels (a name)"),
          samples(
              "{\"host\":\"h\",\"name\":\"n\",\"labels\":{\"k\":\"%s\"}}",
              "samples.labels (a value)"),
          new Field(
              "evidence.metric",
              "{\"type\":\"alert\",\"incidentId\":\"i1\",\"status\":\"OPENED\",\"level\":\"SERVER\","
                  + "\"entity\":\"s1\",\"datacenterId\":\"dc1\",\"incidentType\":\"METRIC_ANOMALY\","
                  + "\"severity\":\"WARNING\",\"openedAt\":"
                  + T
                  + ",\"eventTime\":"
                  + T
                  + ",\"evidence\":[{\"metric\":\"%s\",\"observed\":1.0,\"expected\":0.5}]}",
              FieldLimits.NAME));

  private static Field commission(String field, int limit) {
    String template =
        "{\"type\":\"commission\",\"serverId\":\"s1\",\"rackId\":\"r1\",\"datacenterId\":\"dc1\","
            + "\"hostname\":\"h1\",\"eventTime\":"
            + T
            + "}";
    return new Field(field, withPlaceholder(template, field), limit);
  }

  private static Field alert(String field, int limit) {
    String template =
        "{\"type\":\"alert\",\"incidentId\":\"i1\",\"status\":\"OPENED\",\"level\":\"SERVER\","
            + "\"entity\":\"s1\",\"datacenterId\":\"dc1\",\"rackId\":\"r1\","
            + "\"incidentType\":\"NIC_ERRORS\",\"severity\":\"MAJOR\",\"openedAt\":"
            + T
            + ",\"eventTime\":"
            + T
            + ",\"rootCause\":null,\"explainedBy\":\"i0\",\"context\":\"c\"}";
    return new Field(field, withPlaceholder(template, field), limit);
  }

  private static Field maintenance(String field, int limit) {
    String template =
        "{\"type\":\"maintenance\",\"entity\":\"r1\",\"level\":\"RACK\",\"datacenterId\":\"dc1\","
            + "\"start\":"
            + T
            + ",\"end\":1763722800000,\"reason\":\"x\",\"by\":\"ops\",\"eventTime\":"
            + T
            + "}";
    return new Field(field, withPlaceholder(template, field), limit);
  }

  /** A samples message; {@code parts} holds host, name and labels with one placeholder. */
  private static Field samples(String parts, String what) {
    String[] fields = parts.substring(1, parts.length() - 1).split(",\"name\":|,\"labels\":");
    String host = fields[0].substring("\"host\":".length());
    String template =
        "{\"type\":\"samples\",\"host\":"
            + host
            + ",\"eventTime\":"
            + T
            + ",\"samples\":[{\"name\":"
            + fields[1]
            + ",\"labels\":"
            + fields[2]
            + ",\"value\":1.0,\"time\":"
            + T
            + ",\"kind\":\"GAUGE\"}]}";
    return new Field(what, template, FieldLimits.NAME);
  }

  /** {@code template} with the value of {@code field} replaced by {@code %s}. */
  private static String withPlaceholder(String template, String field) {
    String key = "\"" + field + "\":\"";
    int start = template.indexOf(key) + key.length();
    int end = template.indexOf('"', start);
    return template.substring(0, start) + "%s" + template.substring(end);
  }

  private final WireCodec codec = new WireCodec(1024 * 1024);

  @Test
  public void everyFieldTakesItsLimitAndRejectsOneMore() throws Exception {
    for (Field field : FIELDS) {
      codec.decode(payload(field, field.limit()), null);
      InvalidMessageException tooLong =
          assertThrows(
              field.name(),
              InvalidMessageException.class,
              () -> codec.decode(payload(field, field.limit() + 1), null));
      assertThat(field.name(), tooLong.reason(), equalTo(DeadLetterReason.FIELD_TOO_LONG));
      assertThat(
          field.name(), tooLong.getMessage(), containsString(String.valueOf(field.limit() + 1)));
    }
  }

  @Test
  public void theDocumentListsEveryFieldWithItsLimit() throws IOException {
    String doc = Files.readString(Path.of("WIRE-FORMAT.md"));
    int start = doc.indexOf("## Field limits");
    String section = doc.substring(start, doc.indexOf("\n## ", start + 1));
    Map<String, Integer> documented = new TreeMap<>();
    Matcher row = DOC_ROW.matcher(section);
    while (row.find()) {
      documented.put(
          row.group(1).replace("`", ""), Integer.parseInt(row.group(2).replace(",", "")));
    }
    Map<String, Integer> tested = new TreeMap<>();
    for (Field field : FIELDS) {
      tested.put(field.name(), field.limit());
    }
    assertThat(documented, equalTo(tested));
  }

  /** A row of the table: the field (backticks dropped), then its limit. */
  private static final Pattern DOC_ROW =
      Pattern.compile("^\\| ([^|]+?) \\| ([0-9,]+) \\|", Pattern.MULTILINE);

  private static byte[] payload(Field field, int length) {
    // A value that is not all one character, so that a cut would show.
    StringBuilder value = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      value.append((char) ('a' + i % 26));
    }
    return String.format(field.template(), value).getBytes(StandardCharsets.UTF_8);
  }
}

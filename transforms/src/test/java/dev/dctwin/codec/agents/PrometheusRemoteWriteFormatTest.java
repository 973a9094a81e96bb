package dev.dctwin.codec.agents;

import static dev.dctwin.codec.agents.AgentTesting.assertRejected;
import static dev.dctwin.codec.agents.AgentTesting.assertSample;
import static dev.dctwin.codec.agents.AgentTesting.decode;
import static dev.dctwin.codec.agents.AgentTesting.fixtureText;
import static dev.dctwin.codec.agents.AgentTesting.host;
import static dev.dctwin.codec.agents.AgentTesting.named;
import static dev.dctwin.domain.MetricSample.Kind.COUNTER;
import static dev.dctwin.domain.MetricSample.Kind.GAUGE;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.TextFormat;
import dev.dctwin.codec.agents.proto.RemoteWrite.Label;
import dev.dctwin.codec.agents.proto.RemoteWrite.Sample;
import dev.dctwin.codec.agents.proto.RemoteWrite.TimeSeries;
import dev.dctwin.codec.agents.proto.RemoteWrite.WriteRequest;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.DeadLetterReason;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;
import org.xerial.snappy.Snappy;

@RunWith(JUnit4.class)
public class PrometheusRemoteWriteFormatTest {
  private static final long T0 = 1763719200000L;
  private final AgentFormat format = AgentFormats.byName("prometheus-remote-write");

  static WriteRequest fixtureRequest() throws IOException {
    WriteRequest.Builder request = WriteRequest.newBuilder();
    TextFormat.merge(fixtureText("prometheus-remote-write.textproto"), request);
    return request.build();
  }

  static byte[] body(WriteRequest request) throws IOException {
    return Snappy.compress(request.toByteArray());
  }

  @Test
  public void nodeExporterSeriesBecomeCanonicalSamplesPerHost() throws IOException {
    List<AgentSamples> decoded = decode(format, body(fixtureRequest()));

    assertThat(decoded.stream().map(AgentSamples::host).toList(), contains("node-1", "node-2"));
    AgentSamples node1 = host(decoded, "node-1");
    assertThat(node1.eventTime(), equalTo(T0 + 15_000));
    assertSample(node1, "cpu.time", Map.of("cpu", "0", "state", "wait"), 1234.5, T0, COUNTER);
    assertSample(
        node1, "cpu.time", Map.of("cpu", "0", "state", "wait"), 1235.25, T0 + 15_000, COUNTER);
    assertSample(node1, "memory.total", Map.of(), 67108864000.0, T0, GAUGE);
    // Seconds become the contract's milliseconds.
    assertSample(node1, "disk.readTimeTotal", Map.of("device", "sda"), 12_500.0, T0, COUNTER);
    // A partition keeps its own name: its traffic is its disk's too.
    assertSample(
        node1,
        "node_disk_read_bytes_total",
        Map.of("device", "sda1", "job", "node"),
        4096.0,
        T0,
        COUNTER);
    assertSample(node1, "network.octetsIn", Map.of("device", "eth0"), 7.5e9, T0, COUNTER);
    assertThat("loopback dropped", named(node1, "node_network_receive_bytes_total"), empty());
    assertSample(
        node1,
        "node_hwmon_temp_celsius",
        Map.of("chip", "platform_coretemp_0", "job", "node", "sensor", "temp1"),
        41.0,
        T0,
        GAUGE);
    assertSample(node1, "node_context_switches_total", Map.of("job", "node"), 3.5e8, T0, COUNTER);
    assertThat(node1.samples(), hasSize(9));

    AgentSamples node2 = host(decoded, "node-2");
    assertSample(node2, "processes.running", Map.of(), 3.0, T0 + 10_000, GAUGE);
    assertSample(
        node2, "memory.correctedErrors", Map.of("controller", "0"), 2.0, T0 + 10_000, COUNTER);
    assertThat("staleness marker left out", named(node2, "up"), empty());
    assertThat(node2.samples(), hasSize(2));
  }

  /** The field numbers of the spec, written byte by byte rather than by the generated code. */
  @Test
  public void readsTheWireBytesOfTheSpecification() throws IOException {
    ByteArrayOutputStream label = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(label);
    out.writeString(1, "__name__");
    out.writeString(2, "up");
    out.flush();
    ByteArrayOutputStream instance = new ByteArrayOutputStream();
    out = CodedOutputStream.newInstance(instance);
    out.writeString(1, "instance");
    out.writeString(2, "web-3:9100");
    out.flush();
    ByteArrayOutputStream sample = new ByteArrayOutputStream();
    out = CodedOutputStream.newInstance(sample);
    out.writeDouble(1, 1.0);
    out.writeInt64(2, T0);
    out.flush();
    ByteArrayOutputStream series = new ByteArrayOutputStream();
    out = CodedOutputStream.newInstance(series);
    out.writeBytes(1, ByteString.copyFrom(label.toByteArray()));
    out.writeBytes(1, ByteString.copyFrom(instance.toByteArray()));
    out.writeBytes(2, ByteString.copyFrom(sample.toByteArray()));
    out.flush();
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    out = CodedOutputStream.newInstance(request);
    out.writeBytes(1, ByteString.copyFrom(series.toByteArray()));
    // Metadata (field 3), which dctwin skips.
    out.writeBytes(3, ByteString.copyFromUtf8("\u0008\u0001"));
    out.flush();

    List<AgentSamples> decoded = decode(format, Snappy.compress(request.toByteArray()));

    assertThat(decoded, hasSize(1));
    assertSample(host(decoded, "web-3"), "up", Map.of(), 1.0, T0, GAUGE);
  }

  @Test
  public void hostComesFromHostHostnameOrInstanceWithoutPort() {
    assertThat(PrometheusSamples.host(Map.of("instance", "db-1:9100")), equalTo("db-1"));
    assertThat(
        PrometheusSamples.host(Map.of("instance", "[2001:db8::1]:9100")), equalTo("2001:db8::1"));
    assertThat(PrometheusSamples.host(Map.of("instance", "db-1")), equalTo("db-1"));
    assertThat(
        PrometheusSamples.host(Map.of("instance", "db-1:9100", "hostname", "db-one")),
        equalTo("db-one"));
    assertThat(
        PrometheusSamples.host(Map.of("instance", "db-1:9100", "hostname", "x", "host", "db")),
        equalTo("db"));
    assertThat(PrometheusSamples.host(Map.of("job", "node")), equalTo(null));
  }

  @Test
  public void rejectsWhatIsNotSnappy() {
    assertRejected(format, new byte[0], DeadLetterReason.NOT_SNAPPY);
    assertRejected(
        format, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff}, DeadLetterReason.NOT_SNAPPY);
  }

  @Test
  public void rejectsTruncatedBodies() throws IOException {
    byte[] body = body(fixtureRequest());
    assertRejected(format, Arrays.copyOf(body, body.length / 2), DeadLetterReason.NOT_SNAPPY);
    byte[] request = fixtureRequest().toByteArray();
    assertRejected(
        format,
        Snappy.compress(Arrays.copyOf(request, request.length - 3)),
        DeadLetterReason.NOT_PROTOBUF);
  }

  @Test
  public void rejectsSnappyOfSomethingElse() throws IOException {
    assertRejected(
        format,
        Snappy.compress(AgentTesting.utf8("{\"not\":\"protobuf\"}")),
        DeadLetterReason.NOT_PROTOBUF);
  }

  @Test
  public void rejectsAnUncompressedLengthBeyondTheLimit() {
    // The varint header of a snappy block claiming 1 GiB, then a few literal bytes.
    byte[] body = {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x04, 0x00, 0x61};
    assertRejected(format, body, DeadLetterReason.PAYLOAD_TOO_LARGE);
  }

  @Test
  public void rejectsInvalidUtf8InALabel() throws IOException {
    WriteRequest request = oneSeries("node_load1", "web-1:9100", 0.5, T0);
    byte[] bytes = request.toByteArray();
    int at = indexOf(bytes, AgentTesting.utf8("node_load1"));
    bytes[at + 4] = (byte) 0xC3; // starts a two-byte sequence that "l" does not continue
    assertRejected(format, Snappy.compress(bytes), DeadLetterReason.NOT_UTF8);
  }

  @Test
  public void rejectsAbsurdNesting() throws IOException {
    // Unknown field 15 as groups nested 10,000 deep: protobuf's recursion limit stops the parse.
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    for (int i = 0; i < 10_000; i++) {
      out.writeTag(15, 3); // start group
    }
    for (int i = 0; i < 10_000; i++) {
      out.writeTag(15, 4); // end group
    }
    out.flush();
    assertRejected(format, Snappy.compress(bytes.toByteArray()), DeadLetterReason.NOT_PROTOBUF);
  }

  @Test
  public void rejectsEmptyRequestsAndRequestsWithoutHosts() throws IOException {
    assertRejected(format, Snappy.compress(new byte[0]), DeadLetterReason.MISSING_FIELD);
    WriteRequest noHost =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "job:up:sum"))
                    .addSamples(Sample.newBuilder().setValue(3).setTimestamp(T0)))
            .build();
    assertRejected(format, body(noHost), DeadLetterReason.MISSING_FIELD);
    WriteRequest noName =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("instance", "a:1"))
                    .addSamples(Sample.newBuilder().setValue(3).setTimestamp(T0)))
            .build();
    assertRejected(format, body(noName), DeadLetterReason.MISSING_FIELD);
  }

  @Test
  public void aRealRequestOfMetadataOnlyIsEmptyButValid() throws Exception {
    byte[] body = AgentTesting.fixture("real/prometheus-remote-write-metadata.bin");
    WriteRequest request = WriteRequest.parseFrom(Snappy.uncompress(body));
    assertThat(request.getTimeseriesCount(), equalTo(0));
    assertThat(request.getMetadataCount() > 0, equalTo(true));
    assertThat(decode(format, body), empty());
  }

  @Test
  public void aRequestOfStalenessMarkersOnlyIsEmptyButValid() throws IOException {
    WriteRequest stale =
        oneSeries("up", "a:9100", Double.longBitsToDouble(0x7ff0000000000002L), T0);
    assertThat(decode(format, body(stale)), empty());
  }

  @Test
  public void rejectsTooLongLabelsAndNames() throws IOException {
    WriteRequest longValue =
        WriteRequest.newBuilder()
            .addTimeseries(
                TimeSeries.newBuilder()
                    .addLabels(label("__name__", "node_filesystem_avail_bytes"))
                    .addLabels(label("instance", "a:9100"))
                    .addLabels(label("mountpoint", "/" + "x".repeat(300)))
                    .addSamples(Sample.newBuilder().setValue(3).setTimestamp(T0)))
            .build();
    assertRejected(format, body(longValue), DeadLetterReason.FIELD_TOO_LONG);
    assertRejected(
        format,
        body(oneSeries("m" + "x".repeat(256), "a:9100", 1, T0)),
        DeadLetterReason.FIELD_TOO_LONG);
  }

  @Test
  public void rejectsTimestampsInSeconds() throws IOException {
    assertRejected(
        format,
        body(oneSeries("up", "a:9100", 1, T0 / 1000)),
        DeadLetterReason.TIMESTAMP_OUT_OF_RANGE);
  }

  @Test
  public void rejectsMoreSamplesThanTheLimit() throws IOException {
    TimeSeries.Builder series =
        TimeSeries.newBuilder()
            .addLabels(label("__name__", "up"))
            .addLabels(label("instance", "a:1"));
    for (int i = 0; i <= SampleBatch.MAX_SAMPLES; i++) {
      series.addSamples(Sample.newBuilder().setValue(1).setTimestamp(T0 + i));
    }
    assertRejected(
        format,
        body(WriteRequest.newBuilder().addTimeseries(series).build()),
        DeadLetterReason.TOO_MANY_METRICS);
  }

  static WriteRequest oneSeries(String name, String instance, double value, long time) {
    return WriteRequest.newBuilder()
        .addTimeseries(
            TimeSeries.newBuilder()
                .addLabels(label("__name__", name))
                .addLabels(label("instance", instance))
                .addSamples(Sample.newBuilder().setValue(value).setTimestamp(time)))
        .build();
  }

  private static Label label(String name, String value) {
    return Label.newBuilder().setName(name).setValue(value).build();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new IllegalArgumentException("not found");
  }
}

package dev.dctwin.pipeline.agents;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import dev.dctwin.pipeline.cli.ListenAddress;
import dev.dctwin.pipeline.cli.UsageException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;
import org.xerial.snappy.Snappy;

/**
 * The receiver's answers, over real HTTP from the JDK's client, with Kafka's own MockProducer in
 * place of a broker (PrometheusReceiverIT runs it against a broker and a real Prometheus).
 */
@RunWith(JUnit4.class)
public class PrometheusReceiverTest {
  private static final int MAX_BODY = 64 * 1024;
  private static final String TOPIC = "prometheus";

  private final HttpClient http = HttpClient.newHttpClient();
  private final AtomicBoolean kafkaDown = new AtomicBoolean();
  private MockProducer<byte[], byte[]> producer;
  private PrometheusReceiver receiver;
  private Thread broker;

  @After
  public void tearDown() throws InterruptedException {
    if (receiver != null) {
      receiver.close();
    }
    if (broker != null) {
      broker.interrupt();
      broker.join(5_000);
    }
  }

  /** A receiver whose producer completes (or, while kafkaDown, fails) each send as Kafka would. */
  private void start(RemoteWriteValidator validator) {
    producer = new MockProducer<>(false, new ByteArraySerializer(), new ByteArraySerializer());
    broker =
        new Thread(
            () -> {
              while (!Thread.currentThread().isInterrupted()) {
                boolean answered =
                    kafkaDown.get()
                        ? producer.errorNext(new TimeoutException("broker gone"))
                        : producer.completeNext();
                if (!answered) {
                  try {
                    Thread.sleep(2);
                  } catch (InterruptedException e) {
                    return;
                  }
                }
              }
            },
            "mock-broker");
    broker.setDaemon(true);
    broker.start();
    receiver =
        new PrometheusReceiver(
                new InetSocketAddress("127.0.0.1", 0), producer, TOPIC, MAX_BODY, validator)
            .start();
  }

  private void start() {
    start(RemoteWriteValidator.snappy(MAX_BODY * 32));
  }

  private HttpResponse<String> post(byte[] body, String encoding, String type) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri(PrometheusReceiver.PATH))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    if (encoding != null) {
      request.header("Content-Encoding", encoding);
    }
    if (type != null) {
      request.header("Content-Type", type);
    }
    request.header("X-Prometheus-Remote-Write-Version", "0.1.0");
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(byte[] body) throws Exception {
    return post(body, "snappy", "application/x-protobuf");
  }

  private URI uri(String path) {
    return URI.create("http://127.0.0.1:" + receiver.address().getPort() + path);
  }

  /** A snappy block of something shaped like a WriteRequest (field 1, a TimeSeries). */
  private static byte[] body(int seed) throws Exception {
    byte[] protobuf = new byte[200];
    new Random(seed).nextBytes(protobuf);
    protobuf[0] = 0x0a;
    protobuf[1] = (byte) 198;
    protobuf[2] = 0x01;
    return Snappy.compress(protobuf);
  }

  @Test
  public void aSnappyBodyIsPublishedAsItCameAndAnswered204() throws Exception {
    start();
    byte[] body = body(1);
    HttpResponse<String> response = post(body);
    assertThat(response.body(), response.statusCode(), equalTo(204));
    List<ProducerRecord<byte[], byte[]>> sent = producer.history();
    assertThat(sent, hasSize(1));
    assertThat(sent.get(0).topic(), equalTo(TOPIC));
    assertThat(sent.get(0).key(), nullValue());
    assertArrayEquals(body, sent.get(0).value());
    assertThat(receiver.published(), equalTo(1L));
  }

  @Test
  public void contentTypeMayNameTheVersionOneMessage() throws Exception {
    start();
    HttpResponse<String> response =
        post(body(2), "snappy", "application/x-protobuf;proto=prometheus.WriteRequest");
    assertThat(response.body(), response.statusCode(), equalTo(204));
  }

  @Test
  public void anotherEncodingOrTypeOrVersionTwoIs415AndNotPublished() throws Exception {
    start();
    assertThat(post(body(3), "gzip", "application/x-protobuf").statusCode(), equalTo(415));
    assertThat(post(body(3), null, "application/x-protobuf").statusCode(), equalTo(415));
    assertThat(post(body(3), "snappy", "application/json").statusCode(), equalTo(415));
    HttpResponse<String> v2 =
        post(body(3), "snappy", "application/x-protobuf;proto=io.prometheus.write.v2.Request");
    assertThat(v2.statusCode(), equalTo(415));
    assertThat(v2.body(), containsString("remote write 1.0"));
    assertThat(producer.history(), empty());
    assertThat(receiver.refused(), equalTo(4L));
  }

  @Test
  public void aBodyThatIsNotSnappyIs400WithTheReason() throws Exception {
    start();
    byte[] text = "up{instance=\"a\"} 1".getBytes(StandardCharsets.UTF_8);
    HttpResponse<String> response = post(text);
    assertThat(response.statusCode(), equalTo(400));
    assertThat(response.body(), containsString("snappy"));
    assertThat(post(new byte[0]).statusCode(), equalTo(400));
    // Snappy's framed stream format, which remote write does not use.
    byte[] framed = {(byte) 0xff, 0x06, 0x00, 0x00, 's', 'N', 'a', 'P', 'p', 'Y'};
    assertThat(post(framed).statusCode(), equalTo(400));
    assertThat(producer.history(), empty());
  }

  @Test
  public void aSmallBodyClaimingAHugeSizeIs400() throws Exception {
    start();
    // The varint preamble says 2^31-1 bytes; nothing follows.
    byte[] bomb = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x07, 0x00};
    HttpResponse<String> response = post(bomb);
    assertThat(response.statusCode(), equalTo(400));
    assertThat(producer.history(), empty());
  }

  @Test
  public void aBodyOverTheLimitIs413() throws Exception {
    start();
    byte[] large = new byte[MAX_BODY + 1];
    new Random(4).nextBytes(large);
    HttpResponse<String> response = post(Snappy.compress(large));
    assertThat(response.statusCode(), equalTo(413));
    assertThat(producer.history(), empty());
  }

  @Test
  public void onlyPostOnTheWritePath() throws Exception {
    start();
    HttpResponse<String> get =
        http.send(
            HttpRequest.newBuilder(uri(PrometheusReceiver.PATH)).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(get.statusCode(), equalTo(405));
    assertThat(get.headers().firstValue("Allow"), equalTo(Optional.of("POST")));
    HttpResponse<String> elsewhere =
        http.send(
            HttpRequest.newBuilder(uri(PrometheusReceiver.PATH + "/more"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(5)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(elsewhere.statusCode(), equalTo(404));
    HttpResponse<String> healthy =
        http.send(
            HttpRequest.newBuilder(uri("/-/healthy")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(healthy.statusCode(), equalTo(200));
  }

  @Test
  public void aValidatorPluggedInAfterSnappyRefusesWithItsReason() throws Exception {
    byte[] refusedBody = body(6);
    start(
        RemoteWriteValidator.snappy(MAX_BODY * 32)
            .and(
                body ->
                    java.util.Arrays.equals(body, refusedBody)
                        ? Optional.of("no time series")
                        : Optional.empty()));
    HttpResponse<String> refused = post(refusedBody);
    assertThat(refused.statusCode(), equalTo(400));
    assertThat(refused.body(), containsString("no time series"));
    assertThat(post(body(7)).statusCode(), equalTo(204));
    assertThat(producer.history(), hasSize(1));
  }

  @Test
  public void theDecoderRefusesASnappyBodyThatIsNotAWriteRequest() throws Exception {
    start(RemoteWriteValidator.snappy(MAX_BODY * 32).and(RemoteWriteValidator.decodable()));
    HttpResponse<String> refused = post(Snappy.compress(new byte[] {(byte) 0xff, 0x01, 0x02}));
    assertThat(refused.statusCode(), equalTo(400));
    assertThat(refused.body(), containsString("NOT_PROTOBUF"));
    assertThat(producer.history(), hasSize(0));
  }

  @Test
  public void kafkaDownIs503UntilItIsBackLoggedOncePerOutage() throws Exception {
    start();
    PrintStream stderr = System.err;
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    String logged;
    try {
      // slf4j-simple writes to whatever System.err is at the time.
      System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
      kafkaDown.set(true);
      for (int i = 0; i < 5; i++) {
        HttpResponse<String> response = post(body(10 + i));
        assertThat(response.body(), response.statusCode(), equalTo(503));
        assertThat(response.body(), containsString("broker gone"));
      }
      kafkaDown.set(false);
      assertThat(post(body(20)).statusCode(), equalTo(204));
      assertThat(post(body(21)).statusCode(), equalTo(204));
    } finally {
      System.setErr(stderr);
      logged = log.toString(StandardCharsets.UTF_8);
    }
    assertThat(logged, logged.lines().filter(l -> l.contains("unavailable")).count(), equalTo(1L));
    List<String> back = logged.lines().filter(l -> l.contains("available again")).toList();
    assertThat(logged, back, hasSize(1));
    assertThat(back.get(0), containsString("503 answers meanwhile: 5"));
    assertThat(receiver.unavailable(), equalTo(5L));
    assertThat(receiver.published(), equalTo(2L));
  }

  @Test
  public void listenIsHostColonPort() {
    assertThat(ListenAddress.parse("127.0.0.1:9201").getPort(), equalTo(9201));
    assertThat(ListenAddress.parse("[::1]:9201").getAddress().isLoopbackAddress(), equalTo(true));
    assertThrows(UsageException.class, () -> ListenAddress.parse("9201"));
    assertThrows(UsageException.class, () -> ListenAddress.parse("127.0.0.1:"));
    assertThrows(UsageException.class, () -> ListenAddress.parse("127.0.0.1:http"));
    assertThrows(UsageException.class, () -> ListenAddress.parse("127.0.0.1:70000"));
  }
}

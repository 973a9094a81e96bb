package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.agents.AgentFormatsBenchmark;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.models.ReportBuilder;
import dev.dctwin.models.ServerTwinState;
import java.util.concurrent.TimeUnit;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.util.CoderUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The server twin's state cells through their coders, as the Flink heap state backend drives them:
 * {@code encode} is what an asynchronous checkpoint does to every entry, {@code clone} (encode,
 * then decode, Beam's {@code CoderUtils.clone}) the copy-on-write of an entry a running checkpoint
 * still holds, {@code decode} a restore; microseconds per state cell. {@code server...}: the twin's
 * state after 15 minutes of 10-second reports with the learned baseline on; {@code inbox...}: its
 * inbox while the watermark lags half a minute, three metric reports and a BMC reading waiting, the
 * timer set (transforms/PERFORMANCE.md, section 2).
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.twins.StateCodersBenchmark -Dexec.args="-f 4 -wi 3 -i 5"}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(3)
@State(Scope.Benchmark)
public class StateCodersBenchmark {
  static final Coder<ServerTwinState> SERVER_CODER = ModelStateCoders.SERVER_TWIN_STATE;
  static final Coder<Inbox<Message>> INBOX_CODER = Inbox.coder(MessageCoder.of());

  private ServerTwinState server;
  private byte[] serverBytes;
  private Inbox<Message> inbox;
  private byte[] inboxBytes;

  @Setup
  public void setUp() throws CoderException {
    server = serverState();
    serverBytes = CoderUtils.encodeToByteArray(SERVER_CODER, server);
    inbox = inbox();
    inboxBytes = CoderUtils.encodeToByteArray(INBOX_CODER, inbox);
    System.out.printf(
        "%nencoded: server twin state %d B, inbox %d B%n", serverBytes.length, inboxBytes.length);
  }

  /** 15 minutes of 10-second reports, the learned baseline on, healthy. */
  static ServerTwinState serverState() {
    return ServerTwinStateSize.state(90, false, true);
  }

  /** Three reports 10 s apart and the BMC reading after the first, the timer at the next minute. */
  static Inbox<Message> inbox() {
    long start = ServerTwinStateSize.T0 + 900_000L;
    Inbox<Message> inbox = new Inbox<>();
    for (int i = 0; i < 3; i++) {
      long time = start + i * 10_000L;
      inbox.add(time, ReportBuilder.at("dc1-r01-s01", time).withoutSensors().build());
    }
    inbox.add(
        start + 250, new BmcSensorReading("dc1-r01-s01", start + 250, SampleMessages.sensors()));
    inbox.wakeUpAt(start + 60_000L);
    return inbox;
  }

  @Benchmark
  public byte[] serverEncode() throws CoderException {
    return CoderUtils.encodeToByteArray(SERVER_CODER, server);
  }

  @Benchmark
  public ServerTwinState serverDecode() throws CoderException {
    return CoderUtils.decodeFromByteArray(SERVER_CODER, serverBytes);
  }

  @Benchmark
  public ServerTwinState serverClone() throws CoderException {
    return CoderUtils.clone(SERVER_CODER, server);
  }

  @Benchmark
  public byte[] inboxEncode() throws CoderException {
    return CoderUtils.encodeToByteArray(INBOX_CODER, inbox);
  }

  @Benchmark
  public Inbox<Message> inboxDecode() throws CoderException {
    return CoderUtils.decodeFromByteArray(INBOX_CODER, inboxBytes);
  }

  @Benchmark
  public Inbox<Message> inboxClone() throws CoderException {
    return CoderUtils.clone(INBOX_CODER, inbox);
  }

  public static void main(String[] args) throws Exception {
    AgentFormatsBenchmark.run(StateCodersBenchmark.class, args);
  }
}

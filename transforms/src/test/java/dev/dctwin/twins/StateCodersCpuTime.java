package dev.dctwin.twins;

import dev.dctwin.domain.Message;
import dev.dctwin.models.ServerTwinState;
import dev.dctwin.testing.CpuRounds;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.beam.sdk.util.CoderUtils;

/**
 * CPU microseconds of this thread per operation of {@link StateCodersBenchmark} (same states, same
 * coders), the operations in alternating rounds of one CPU-second: unlike JMH's wall clock, this
 * does not grow when other processes share the cores (caches and memory bandwidth still are).
 * Prints the encoded sizes first.
 *
 * <p>Run with {@code mvn -q -pl transforms test-compile exec:java -Dexec.classpathScope=test
 * -Dexec.mainClass=dev.dctwin.twins.StateCodersCpuTime}.
 */
public final class StateCodersCpuTime {
  private static final int ROUNDS = 10;
  private static final long ROUND_NANOS = 1_000_000_000L;

  private StateCodersCpuTime() {}

  private record Op(String name, Callable<Object> run) {}

  public static void main(String[] args) throws Exception {
    ServerTwinState server = StateCodersBenchmark.serverState();
    Inbox<Message> inbox = StateCodersBenchmark.inbox();
    byte[] serverBytes = CoderUtils.encodeToByteArray(StateCodersBenchmark.SERVER_CODER, server);
    byte[] inboxBytes = CoderUtils.encodeToByteArray(StateCodersBenchmark.INBOX_CODER, inbox);
    System.out.printf(
        "encoded: server twin state %d B, inbox %d B%n", serverBytes.length, inboxBytes.length);
    List<Op> ops =
        List.of(
            new Op(
                "serverEncode",
                () -> CoderUtils.encodeToByteArray(StateCodersBenchmark.SERVER_CODER, server)),
            new Op(
                "serverDecode",
                () ->
                    CoderUtils.decodeFromByteArray(StateCodersBenchmark.SERVER_CODER, serverBytes)),
            new Op(
                "serverClone", () -> CoderUtils.clone(StateCodersBenchmark.SERVER_CODER, server)),
            new Op(
                "inboxEncode",
                () -> CoderUtils.encodeToByteArray(StateCodersBenchmark.INBOX_CODER, inbox)),
            new Op(
                "inboxDecode",
                () -> CoderUtils.decodeFromByteArray(StateCodersBenchmark.INBOX_CODER, inboxBytes)),
            new Op("inboxClone", () -> CoderUtils.clone(StateCodersBenchmark.INBOX_CODER, inbox)));
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    double[][] micros = new double[ops.size()][ROUNDS];
    long sink = 0;
    for (int round = -3; round < ROUNDS; round++) {
      for (int op = 0; op < ops.size(); op++) {
        Callable<Object> run = ops.get(op).run();
        long start = threads.getCurrentThreadCpuTime();
        long done = 0;
        while (threads.getCurrentThreadCpuTime() - start < ROUND_NANOS) {
          for (int i = 0; i < 100; i++) {
            sink += System.identityHashCode(run.call());
          }
          done += 100;
        }
        if (round >= 0) {
          micros[op][round] = (threads.getCurrentThreadCpuTime() - start) / 1e3 / done;
        }
      }
    }
    for (int op = 0; op < ops.size(); op++) {
      System.out.printf(
          Locale.ROOT, "%-13s %s%n", ops.get(op).name(), CpuRounds.summary(micros[op]));
    }
    System.out.println("(" + (sink & 1) + ")");
  }
}

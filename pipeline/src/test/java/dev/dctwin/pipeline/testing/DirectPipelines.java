package dev.dctwin.pipeline.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;

/** Pipelines that tests run in-process on the DirectRunner, with {@code --blockOnRun=false}. */
public final class DirectPipelines {
  /** Package-private in Beam, so named, not referenced. */
  private static final String KAFKA_READER_CLASS =
      "org.apache.beam.sdk.io.kafka.KafkaUnboundedReader";

  private DirectPipelines() {}

  /**
   * Cancels {@code results} (skipping nulls and finished ones) and ends the Kafka poll loops they
   * leave behind. The DirectRunner does not close its unbounded readers on cancel, so every KafkaIO
   * reader of a cancelled pipeline keeps polling; once a test deletes its topics, each polls in a
   * busy loop of "unknown topic or partition" warnings for the rest of the test JVM (2.6 million
   * lines, most of a 700 MB CI log). Interrupting a poll thread ends its loop.
   */
  public static void cancel(PipelineResult... results) {
    for (PipelineResult result : results) {
      if (result != null) {
        try {
          result.cancel();
        } catch (IOException | RuntimeException e) {
          // Already finished.
        }
      }
    }
    long deadline = System.nanoTime() + 10_000_000_000L;
    List<Thread> polling = kafkaPollLoops();
    if (!polling.isEmpty()) {
      System.err.println(
          "IoTestSupport: interrupting the "
              + polling.size()
              + " Kafka poll loops of cancelled pipelines; KafkaIO logs that as 'Exception while"
              + " reading from Kafka'");
    }
    while (!polling.isEmpty() && System.nanoTime() < deadline) {
      polling.forEach(Thread::interrupt);
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      polling = kafkaPollLoops();
    }
    if (!polling.isEmpty()) {
      throw new IllegalStateException(
          polling.size() + " Kafka poll loops still run after their pipelines were cancelled");
    }
  }

  private static List<Thread> kafkaPollLoops() {
    List<Thread> polling = new ArrayList<>();
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              for (StackTraceElement frame : stack) {
                if (frame.getMethodName().equals("consumerPollLoop")
                    && frame.getClassName().equals(KAFKA_READER_CLASS)) {
                  polling.add(thread);
                  return;
                }
              }
            });
    return polling;
  }
}

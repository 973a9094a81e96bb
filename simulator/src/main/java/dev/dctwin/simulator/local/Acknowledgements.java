package dev.dctwin.simulator.local;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The result of every send of a producer: counts the records sent and acknowledged and keeps the
 * first error, so that a failed send stops its caller instead of vanishing. Kafka reports a send's
 * failure only to its callback or future; a producer whose records are never looked at loses them
 * silently (as the embedded broker's {@code OutOfOrderSequenceException} once did to a benchmark's
 * pre-fill). Thread-safe: callbacks run on the producer's I/O thread.
 */
public final class Acknowledgements implements Callback {
  private final String what;
  private final LongAdder sent = new LongAdder();
  private final LongAdder acknowledged = new LongAdder();
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  /** {@code what} names the records in error messages, say "the pre-fill of topic x". */
  public Acknowledgements(String what) {
    this.what = what;
  }

  /** Sends {@code record}, first throwing if an earlier send failed. */
  public <K, V> void send(Producer<K, V> producer, ProducerRecord<K, V> record) {
    check();
    sent.increment();
    try {
      producer.send(record, this);
    } catch (RuntimeException e) {
      // send() itself throws for a closed producer, a record too large, a serializer's error.
      failure.compareAndSet(null, e);
      check();
    }
  }

  @Override
  public void onCompletion(RecordMetadata metadata, Exception error) {
    if (error != null) {
      failure.compareAndSet(null, error);
    } else {
      acknowledged.increment();
    }
  }

  public long sent() {
    return sent.sum();
  }

  public long acknowledged() {
    return acknowledged.sum();
  }

  /** Whether every record sent so far was acknowledged and none failed. */
  public boolean complete() {
    return failure.get() == null && acknowledged() == sent();
  }

  /**
   * Throws {@link SendFailedException} if a send has failed.
   *
   * @throws SendFailedException with the first error as its cause
   */
  public void check() {
    Exception error = failure.get();
    if (error != null) {
      throw new SendFailedException(
          f("a send of %s failed (%,d of %,d acknowledged)", what, acknowledged(), sent())
              + ": "
              + error,
          error);
    }
  }

  /**
   * Flushes {@code producer} and waits up to {@code timeout} for every record sent through this to
   * be acknowledged.
   *
   * @throws SendFailedException if a send failed or a record is still unacknowledged at the end
   */
  public void awaitAll(Producer<?, ?> producer, Duration timeout) {
    producer.flush();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (failure.get() == null && acknowledged() < sent() && System.nanoTime() < deadline) {
      try {
        TimeUnit.MILLISECONDS.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SendFailedException("interrupted while waiting for " + what, e);
      }
    }
    check();
    if (acknowledged() < sent()) {
      throw new SendFailedException(
          f(
              "%,d of %,d records of %s were not acknowledged within %d s",
              sent() - acknowledged(), sent(), what, timeout.toSeconds()),
          null);
    }
  }

  private static String f(String format, Object... args) {
    return String.format(java.util.Locale.ROOT, format, args);
  }

  /** A send that failed or was never acknowledged. */
  public static final class SendFailedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    SendFailedException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}

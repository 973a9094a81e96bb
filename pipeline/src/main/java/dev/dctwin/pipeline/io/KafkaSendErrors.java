package dev.dctwin.pipeline.io;

import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.OutOfOrderSequenceException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnknownProducerIdException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * Whether a failed Kafka send can succeed when it is sent again. A record that Kafka refuses for
 * good (too large, an invalid record such as a null key on a compacted topic, an invalid topic, no
 * write access to its topic, not serializable) fails the same way every time: sent again forever it
 * would hold everything behind it, so the caller makes it a dead letter. Everything else is
 * retried: Kafka's retriable errors (timeouts, disconnects, leader changes), errors of the producer
 * rather than of the record (authentication, cluster authorization, a fenced or out-of-sequence
 * producer: each record would fail alike, so dead-lettering them would empty the input into the
 * dead-letter topic), and anything unknown, such as the {@code KafkaException} that the records of
 * a batch get for sharing it with an invalid one.
 */
public final class KafkaSendErrors {
  private KafkaSendErrors() {}

  /** Whether {@code error} rejects its record for good, so that a retry cannot succeed. */
  public static boolean isPermanent(Throwable error) {
    Throwable cause = unwrap(error);
    if (cause instanceof RetriableException) {
      return false;
    }
    if (cause instanceof AuthenticationException
        || cause instanceof ClusterAuthorizationException
        || cause instanceof TransactionalIdAuthorizationException
        || cause instanceof ProducerFencedException
        || cause instanceof InvalidProducerEpochException
        || cause instanceof OutOfOrderSequenceException
        || cause instanceof UnknownProducerIdException
        || cause instanceof UnsupportedVersionException) {
      return false;
    }
    return cause instanceof ApiException || cause instanceof SerializationException;
  }

  /** What a send's future or callback wraps around the error. */
  private static Throwable unwrap(Throwable error) {
    Throwable cause = error;
    while ((cause instanceof ExecutionException || cause instanceof CompletionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A short description of the error for a dead letter and a log line: its class and message. */
  public static String describe(Throwable error) {
    Throwable cause = unwrap(error);
    return cause.getClass().getSimpleName()
        + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
  }

  /** The kind of error, for counting and logging once per kind. */
  public static String kind(Throwable error) {
    return unwrap(error).getClass().getSimpleName();
  }
}

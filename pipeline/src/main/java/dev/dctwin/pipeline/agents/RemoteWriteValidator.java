package dev.dctwin.pipeline.agents;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.agents.AgentFormat;
import dev.dctwin.codec.agents.AgentFormats;
import java.io.IOException;
import java.util.Optional;
import org.xerial.snappy.Snappy;

/**
 * Decides whether {@link PrometheusReceiver} publishes a remote-write body. A body it refuses is
 * answered 400 with the problem as the response text, which Prometheus logs and does not retry; so
 * only a body that can never be read may be refused. The pipeline's decoder of {@code
 * prometheus-remote-write} plugs in here through {@link #and}, to refuse at the door what would
 * otherwise become a dead letter.
 */
@FunctionalInterface
public interface RemoteWriteValidator {
  /** Why {@code body} (the HTTP body as sent) must not be published, or empty to publish it. */
  Optional<String> problem(byte[] body);

  /** This check, then {@code next} on a body this one accepts. */
  default RemoteWriteValidator and(RemoteWriteValidator next) {
    return body -> {
      Optional<String> problem = problem(body);
      return problem.isPresent() ? problem : next.problem(body);
    };
  }

  /**
   * Remote write 1.0's framing: a snappy block (not the framed stream format) that decompresses to
   * at most {@code maxUncompressedBytes} of non-empty protobuf. Validates the block without
   * allocating its output, so that a small body claiming a huge size costs nothing.
   */
  static RemoteWriteValidator snappy(int maxUncompressedBytes) {
    return body -> {
      try {
        int length = Snappy.uncompressedLength(body);
        if (length <= 0) {
          return Optional.of("the snappy block decompresses to nothing");
        }
        if (length > maxUncompressedBytes) {
          return Optional.of(
              "the snappy block decompresses to "
                  + length
                  + " bytes, more than "
                  + maxUncompressedBytes);
        }
        if (!Snappy.isValidCompressedBuffer(body)) {
          return Optional.of("not a snappy block (remote write 1.0 needs block format)");
        }
        return Optional.empty();
      } catch (IOException | RuntimeException e) {
        return Optional.of("not a snappy block (" + e.getMessage() + ")");
      }
    };
  }

  /**
   * The pipeline's own decoder of {@code prometheus-remote-write}: a body it rejects would only
   * become a dead letter downstream.
   */
  static RemoteWriteValidator decodable() {
    AgentFormat format = AgentFormats.byName("prometheus-remote-write");
    return body -> {
      try {
        format.decode(body);
        return Optional.empty();
      } catch (InvalidMessageException e) {
        return Optional.of(e.reason() + ": " + e.getMessage());
      }
    };
  }
}

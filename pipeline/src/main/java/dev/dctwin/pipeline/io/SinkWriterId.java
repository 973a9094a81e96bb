package dev.dctwin.pipeline.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * Which job a shard's progress in the exactly-once sink's consumer group belongs to, after Beam's
 * {@code KafkaExactlyOnceSink}: every commit stores the writer id in the offset's metadata, and a
 * shard refuses to write when the group holds the progress of another writer. Without it, a fresh
 * job on a used group would take that progress for its own and skip its first records.
 *
 * <p>A writer id is {@code <deploymentId>/<random id>@<time>}, chosen when the job is built. A
 * shard keeps the id it first wrote with in its state, so a job restored from a checkpoint or a
 * savepoint (even one built anew, with a new candidate id) goes on as the same writer; a job that
 * restarts before its state held the id was built once and has the same candidate.
 */
final class SinkWriterId {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int METADATA_VERSION = 1;

  private SinkWriterId() {}

  /** The writer that committed offset metadata, for messages. */
  static String writerOf(String metadata) {
    String writer = new Committed(0, metadata).writer();
    return writer == null ? "unknown (an earlier build, without writer ids)" : writer;
  }

  /** A new writer id of a deployment: unique per job build. */
  static String create(String deploymentId) {
    return deploymentId
        + "/"
        + UUID.randomUUID().toString().substring(0, 8)
        + "@"
        + Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  /** The offset metadata of a commit by {@code writerId}. */
  static String metadata(String writerId) {
    return JSON.createObjectNode().put("v", METADATA_VERSION).put("writer", writerId).toString();
  }

  /** What the group holds for a shard: nothing, or the next number and who wrote it. */
  record Committed(long next, String metadata) {
    /** The writer of this progress; null when the metadata is empty (an older build wrote it). */
    String writer() {
      if (metadata == null || metadata.isEmpty()) {
        return null;
      }
      try {
        JsonNode node = JSON.readTree(metadata);
        if (node != null && node.path("v").asInt() == METADATA_VERSION) {
          String writer = node.path("writer").asText("");
          if (!writer.isEmpty()) {
            return writer;
          }
        }
      } catch (JsonProcessingException e) {
        // Not ours: another client committed into the group.
      }
      return "unknown (offset metadata '" + metadata + "')";
    }
  }

  /**
   * The writer id a shard writes as, or an error when the group holds another writer's progress.
   *
   * @param stored the id in the shard's state, null before its first write
   * @param candidate the id this job was built with
   * @param committed what the group holds for the shard, null if nothing
   * @param stateNext the shard's next number in state (0 for a fresh job)
   */
  static String claim(
      String stored,
      String candidate,
      Committed committed,
      long stateNext,
      String sinkGroupId,
      String topic,
      int shard) {
    String mine = stored != null ? stored : candidate;
    if (committed == null) {
      return mine; // an empty group, or one whose offsets Kafka expired: state is the truth
    }
    String theirs = committed.writer();
    if (theirs == null) {
      // Progress of a build before writer ids: ours only if our state has progress too.
      if (stored == null && stateNext > 0) {
        return mine;
      }
      theirs = "unknown (an earlier build, without writer ids)";
    }
    if (theirs.equals(mine)) {
      return mine;
    }
    throw new WriterConflict(
        "the exactly-once Kafka sink of topic "
            + topic
            + " refuses to start: its consumer group "
            + sinkGroupId
            + " holds the progress of another job (shard "
            + shard
            + ": next record "
            + committed.next()
            + ", writer "
            + theirs
            + "; this job is writer "
            + mine
            + "). A new job on a used group would skip its first "
            + committed.next()
            + " records of the shard. Give the new job a new --deploymentId, or stop every job"
            + " of this deployment and delete the group (kafka-consumer-groups.sh --delete --group "
            + sinkGroupId
            + "); to resume the earlier job, restore it from its savepoint or checkpoint."
            + " See pipeline/IO.md.");
  }

  /** A job that must not write to a sink group: retrying cannot help. */
  static final class WriterConflict extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    WriterConflict(String message) {
      super(message);
    }
  }
}

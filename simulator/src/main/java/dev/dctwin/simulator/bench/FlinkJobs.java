package dev.dctwin.simulator.bench;

import java.io.IOException;
import java.util.List;
import org.apache.beam.sdk.PipelineResult;

/**
 * What the benchmarks' jobs share: the FlinkRunner embedded in this JVM ({@code [local]},
 * parallelism 2), started detached so that a streaming job can be cancelled when its measurement is
 * done.
 */
final class FlinkJobs {
  private FlinkJobs() {}

  /** Runner flags of a streaming job with checkpoints every {@code checkpointMs}. */
  static List<String> streamingFlags(String run, long checkpointMs) {
    return List.of(
        "--runner=FlinkRunner",
        "--flinkMaster=[local]",
        "--streaming=true",
        "--parallelism=2",
        "--objectReuse=true",
        // Detached: run() returns a result that can be cancelled and queried while the job runs.
        "--attachedMode=false",
        "--checkpointingInterval=" + checkpointMs,
        // The twins' state of 10,000 servers outgrows Flink's 5 MB in-memory checkpoints.
        "--stateBackend=filesystem",
        "--stateBackendStoragePath=file://"
            + System.getProperty("java.io.tmpdir")
            + "/dctwin-checkpoints/"
            + run);
  }

  /**
   * The datacenter pipeline's flags for reading the topics {@code <prefix>.metrics}, {@code
   * .provisioning} and {@code .queries} and writing {@code .alerts}, {@code .answers} and {@code
   * .dead-letters}, as consumer group and deployment {@code run}.
   */
  static List<String> kafkaPipelineFlags(String bootstrapServers, String prefix, String run) {
    return List.of(
        "--source=kafka",
        "--kafkaBootstrapServers=" + bootstrapServers,
        "--kafkaTopics=" + prefix + ".metrics," + prefix + ".provisioning," + prefix + ".queries",
        "--kafkaConsumerGroup=" + run,
        "--kafkaAlertsTopic=" + prefix + ".alerts",
        "--kafkaAnswersTopic=" + prefix + ".answers",
        "--kafkaDeadLettersTopic=" + prefix + ".dead-letters",
        "--deploymentId=" + run);
  }

  /** Cancels a job, ignoring a job that has already ended. */
  static void cancel(PipelineResult result) {
    if (result == null) {
      return;
    }
    try {
      result.cancel();
      result.waitUntilFinish(org.joda.time.Duration.standardSeconds(20));
    } catch (IOException | RuntimeException e) {
      // Already finished or failed: nothing left to stop.
    }
  }
}

package dev.dctwin.pipeline.agents;

import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.cli.KafkaConnection;
import dev.dctwin.pipeline.cli.ListenAddress;
import dev.dctwin.pipeline.cli.UsageException;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.Preflight;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code prometheus-receiver}: Prometheus remote write into a Kafka topic, until stopped. */
@Command(
    name = "prometheus-receiver",
    description =
        "Receives Prometheus remote write (1.0) on POST /api/v1/write and publishes each request"
            + " to a Kafka topic, for the pipeline's --topicFormats=TOPIC=prometheus-remote-write;"
            + " see runner-configs/agents/prometheus.yml.")
public final class ReceiverCommand implements Callable<Integer> {
  @Option(
      names = "--listen",
      defaultValue = "127.0.0.1:9201",
      description = "host:port to listen on. Default: ${DEFAULT-VALUE}.")
  String listen;

  @Mixin KafkaConnection kafkaConnection;

  @Option(
      names = "--topic",
      defaultValue = "prometheus",
      description = "Kafka topic to publish to. Default: ${DEFAULT-VALUE}.")
  String topic;

  @Option(
      names = "--maxBodyBytes",
      defaultValue = "1000000",
      description =
          "Largest request body accepted (413 above it); the broker's message.max.bytes must"
              + " allow it. Default: ${DEFAULT-VALUE}.")
  int maxBodyBytes;

  /** Bodies decompress to at most this many times their limit (a decompression-bomb guard). */
  static final int MAX_COMPRESSION_RATIO = 32;

  @Override
  public Integer call() throws InterruptedException {
    InetSocketAddress address = ListenAddress.parse(listen);
    if (maxBodyBytes <= 0) {
      throw new UsageException("--maxBodyBytes must be positive, not " + maxBodyBytes);
    }
    KafkaClients kafka = kafkaConnection.clients();
    // A missing topic is a mistake, not an outage: fail now rather than answer 503 forever.
    Preflight.kafka(kafka, List.of(topic));
    CountDownLatch stopped = new CountDownLatch(1);
    try (PrometheusReceiver receiver =
        new PrometheusReceiver(
                address,
                PrometheusReceiver.kafkaProducer(kafka, maxBodyBytes),
                topic,
                maxBodyBytes,
                RemoteWriteValidator.snappy(
                        (int)
                            Math.min(
                                Integer.MAX_VALUE, (long) maxBodyBytes * MAX_COMPRESSION_RATIO))
                    .and(RemoteWriteValidator.decodable()))
            .start()) {
      Runtime.getRuntime()
          .addShutdownHook(new Thread(stopped::countDown, "prometheus-receiver-shutdown"));
      stopped.await();
    }
    return Cli.EXIT_OK;
  }
}

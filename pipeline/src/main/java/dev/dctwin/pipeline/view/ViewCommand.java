package dev.dctwin.pipeline.view;

import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.cli.JdbcConnection;
import dev.dctwin.pipeline.cli.KafkaConnection;
import dev.dctwin.pipeline.cli.ListenAddress;
import dev.dctwin.pipeline.cli.UsageException;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code view}: the operator web view of the fleet, served until stopped. */
@Command(
    name = "view",
    description =
        "Serves the operator web view: the fleet, its open incidents and the last hour's alerts,"
            + " live, read from Kafka, and with --jdbcUrl each server's last report and baseline"
            + " from the server_status table; see pipeline/VIEW.md.")
public final class ViewCommand implements Callable<Integer> {
  @Mixin KafkaConnection kafkaConnection;

  @Mixin JdbcConnection jdbcConnection;

  @Option(
      names = "--listen",
      defaultValue = "127.0.0.1:8088",
      description =
          "host:port of the page (port 0: any free one). It has no login: keep it on loopback or"
              + " behind an authenticating proxy. Default: ${DEFAULT-VALUE}.")
  String listen;

  @Option(
      names = "--kafkaTopics",
      split = ",",
      defaultValue = "dctwin.metrics,dctwin.sensors,dctwin.provisioning,dctwin.queries",
      description = "The pipeline's input topics (input rate, backlog). Default: ${DEFAULT-VALUE}.")
  List<String> inputTopics;

  @Option(
      names = "--kafkaProvisioningTopic",
      description =
          "Commission, decommission and maintenance messages. Default: the topic of --kafkaTopics"
              + " ending in 'provisioning'.")
  String provisioningTopic;

  @Option(
      names = "--kafkaAlertsTopic",
      defaultValue = "dctwin.alerts",
      description = "Default: ${DEFAULT-VALUE}.")
  String alertsTopic;

  @Option(
      names = "--kafkaDeadLettersTopic",
      defaultValue = "dctwin.dead-letters",
      description = "Default: ${DEFAULT-VALUE}.")
  String deadLettersTopic;

  @Option(
      names = "--kafkaConsumerGroup",
      defaultValue = "dctwin",
      description =
          "The pipeline's consumer group: its committed offsets give the backlog. Default:"
              + " ${DEFAULT-VALUE}.")
  String consumerGroup;

  PrintStream out = System.out;

  @Override
  public Integer call() {
    ViewService service = ViewService.start(settings());
    out.println("view: " + service.url());
    out.flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  service.close();
                  stopped.countDown();
                },
                "view-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return Cli.EXIT_OK;
  }

  ViewService.Settings settings() {
    String provisioning = provisioningTopic;
    if (provisioning == null) {
      provisioning =
          inputTopics.stream()
              .filter(topic -> topic.endsWith("provisioning"))
              .findFirst()
              .orElseThrow(
                  () ->
                      new UsageException(
                          "no topic of --kafkaTopics ends in 'provisioning': give"
                              + " --kafkaProvisioningTopic"));
    }
    return new ViewService.Settings(
        kafkaConnection.clients(),
        ListenAddress.parse(listen),
        alertsTopic,
        provisioning,
        deadLettersTopic,
        List.copyOf(inputTopics),
        consumerGroup,
        jdbcConnection.target());
  }
}

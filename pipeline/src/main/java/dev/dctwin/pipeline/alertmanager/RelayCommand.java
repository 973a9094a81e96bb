package dev.dctwin.pipeline.alertmanager;

import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.cli.KafkaConnection;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code alertmanager-relay}: the alerts topic to Prometheus Alertmanager, until stopped. */
@Command(
    name = "alertmanager-relay",
    description =
        "Relays the alerts topic (read_committed) to Prometheus Alertmanager's API v2, re-sending"
            + " open incidents; see pipeline/ALERTMANAGER.md.")
public final class RelayCommand implements Callable<Integer> {
  @Mixin KafkaConnection kafkaConnection;

  @Option(
      names = "--alertsTopic",
      defaultValue = "dctwin.alerts",
      description = "Default: ${DEFAULT-VALUE}.")
  String alertsTopic;

  @Option(
      names = "--alertmanagerUrl",
      defaultValue = "http://127.0.0.1:9093",
      description = "Alertmanager's base URL. Default: ${DEFAULT-VALUE}.")
  URI alertmanagerUrl;

  @Option(
      names = "--resendInterval",
      defaultValue = "1m",
      description =
          "How often open incidents are re-posted (Alertmanager's resend). Default: ${DEFAULT-VALUE}.")
  Duration resendInterval;

  @Option(
      names = "--explainedHold",
      defaultValue = "2m",
      description =
          "How long an explained alert waits for the incident that explains it. Default: ${DEFAULT-VALUE}.")
  Duration explainedHold;

  @Option(
      names = "--generatorUrlPrefix",
      defaultValue = "http://127.0.0.1/dctwin/incidents/",
      description =
          "generatorURL of an alert: this and the incident id. Default: ${DEFAULT-VALUE}.")
  String generatorUrlPrefix;

  @Override
  public Integer call() {
    AlertmanagerRelay relay =
        new AlertmanagerRelay(
            kafkaConnection.clients(),
            alertsTopic,
            alertmanagerUrl,
            resendInterval,
            explainedHold,
            generatorUrlPrefix);
    Runtime.getRuntime().addShutdownHook(new Thread(relay::close, "relay-shutdown"));
    relay.run();
    return Cli.EXIT_OK;
  }
}

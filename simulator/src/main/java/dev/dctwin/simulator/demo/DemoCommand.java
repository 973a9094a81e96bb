package dev.dctwin.simulator.demo;

import dev.dctwin.codec.ParseMessages;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.cli.ListenAddress;
import dev.dctwin.pipeline.cli.UsageException;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.MqttBroker;
import dev.dctwin.pipeline.io.MqttKafkaBridge;
import dev.dctwin.pipeline.view.ViewService;
import dev.dctwin.simulator.LiveFleet;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * {@code demo}: the whole job on this machine. A simulated fleet (one datacenter, 160 servers, the
 * default faults) reports to Kafka on the wall clock, an operator asks over MQTT which racks are
 * unhealthy, the datacenter pipeline turns the reports into alerts on Kafka and in the database,
 * and a live view reads them back. At the end the alerts are scored against the fleet's ground
 * truth.
 *
 * <p>The fleet's last {@code --history} is sent at once before the pipeline starts, as the backlog
 * a deployment finds in Kafka, so that the twins have the context of a running datacenter and the
 * early faults; then the fleet reports live for {@code --duration}. Event time is wall time
 * throughout, as in production.
 */
public final class DemoCommand {
  private static final String DATACENTER = "dc1";
  private static final String DEFAULT_VIEW = "127.0.0.1:8088";

  /** After the fleet's end, how far event time must move for the last held alerts to leave. */
  private static final Duration DRAIN = Duration.ofSeconds(35);

  private DemoCommand() {}

  /** Flags of {@code demo}: those of {@code run} (for external services and runners) and these. */
  public interface Options extends DatacenterPipeline.Options {
    @Description("How long the fleet reports live, e.g. 2m, 90s.")
    @Default.String("2m")
    String getDuration();

    void setDuration(String value);

    @Description(
        "How much of the fleet's past is sent at once before the pipeline starts (the backlog"
            + " a deployment finds), e.g. 20m.")
    @Default.String("13m")
    String getHistory();

    void setHistory(String value);

    @Description("Seed of the simulated fleet and its faults.")
    @Default.Long(1)
    long getSeed();

    void setSeed(long value);

    @Description("Folder for the alerts and the ground truth of the run.")
    @Default.String("target/demo")
    String getOutDir();

    void setOutDir(String value);

    @Description(
        "The database when no --jdbcUrl is given: auto (the local PostgreSQL on 127.0.0.1:5432,"
            + " user postgres, database test, if it answers; else embedded), embedded (PostgreSQL"
            + " from Maven Central's binaries as a child process), or none.")
    @Default.String("auto")
    String getDatabase();

    void setDatabase(String value);

    @Description(
        "The fleet's faults, as for 'fleet --faults': default, none, or items such as"
            + " TOR_SWITCH_FAILURE:dc1-r02@14m+2m,DISK_FAILURE:dc1-r04-s07@14m+2m (times from the"
            + " start of the history).")
    @Default.String("default")
    String getFaults();

    void setFaults(String value);

    @Description(
        "host:port of the operator web view (port 0: any free one; 'none': no web view). Without"
            + " this flag a busy 8088 falls back to a free port.")
    @Default.String("127.0.0.1:8088")
    String getView();

    void setView(String value);

    @Description("Seconds between two frames of the live view.")
    @Default.Integer(5)
    int getRefreshSeconds();

    void setRefreshSeconds(int value);
  }

  /**
   * Runs the demo; {@code flags} as given, since whether a service flag was given decides between
   * that service and an embedded one.
   */
  public static int run(String[] flags, PrintStream out) {
    // The brokers and the runner log at INFO on stderr; the live view is the demo's output.
    System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    Set<String> given = flagNames(flags);
    Options options = parse(withDemoDefaults(flags, given));
    Duration live = duration("--duration", options.getDuration());
    Duration history = duration("--history", options.getHistory());
    if (live.isZero() || live.isNegative() || history.isNegative()) {
      throw new UsageException("--duration must be positive and --history not negative");
    }
    Path outDir = Path.of(options.getOutDir());

    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(1);
    Thread onCtrlC =
        new Thread(
            () -> {
              stop.set(true);
              try {
                finished.await(60, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "dctwin-demo-stop");
    Runtime.getRuntime().addShutdownHook(onCtrlC);
    try {
      String report;
      try (LocalStack stack = LocalStack.start(options, given, out)) {
        report = runOn(stack, options, live, history, outDir, stop, out);
      }
      // Printed after the services stopped: the job's lingering Kafka readers log warnings while
      // the embedded broker goes away, and the score should be the last thing on the screen.
      out.print(report);
      out.flush();
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(onCtrlC);
      } catch (IllegalStateException e) {
        // The JVM is shutting down (Ctrl-C): the hook is running and waits for us.
      }
    }
    return 0;
  }

  /** Runs the demo on the stack; returns the report (score and where the alerts are). */
  private static String runOn(
      LocalStack stack,
      Options options,
      Duration live,
      Duration history,
      Path outDir,
      AtomicBoolean stop,
      PrintStream out) {
    String prefix =
        stack.embeddedKafka()
            ? "dctwin."
            : "dctwin-demo-" + Long.toString(System.currentTimeMillis(), 36) + ".";
    configure(options, stack, prefix);
    KafkaClients clients =
        new KafkaClients(stack.kafkaBootstrapServers(), options.getKafkaPropertiesFile());
    Map<String, Integer> topics = new LinkedHashMap<>();
    topics.put(prefix + "metrics", 2);
    topics.put(prefix + "sensors", 2);
    for (String single : List.of("provisioning", "queries", "alerts", "answers", "dead-letters")) {
      topics.put(prefix + single, 1);
    }
    stack.createTopics(clients, topics);

    // The bridge maps MQTT topic a/b to Kafka topic a.b.
    String mqttQueries = prefix.replace('.', '/') + "queries";
    LiveFleet fleet;
    try {
      fleet =
          LiveFleet.plan(
              options.getSeed(), System.currentTimeMillis(), history, live, options.getFaults());
    } catch (IllegalArgumentException e) {
      throw new UsageException("--faults: " + e.getMessage());
    }
    PrintWriter writer = new PrintWriter(out, true, StandardCharsets.UTF_8);
    writer.printf(
        Locale.ROOT,
        "fleet: %d servers in %d racks, seed %d; %s of history sent at once, then %s live."
            + " Faults (times from the live start):%n",
        fleet.servers(),
        fleet.racks(),
        options.getSeed(),
        format(history),
        format(live));
    fleet.describeFaults(writer);

    AtomicReference<PipelineResult> job = new AtomicReference<>();
    try (WebView web = WebView.start(options, clients, prefix, out);
        LiveView view =
            new LiveView(
                stack.kafkaBootstrapServers(),
                options.getKafkaAlertsTopic(),
                options.getKafkaAnswersTopic(),
                web.url(),
                out);
        Bridge bridge =
            Bridge.start(stack.mqttServerUri(), mqttQueries, prefix + "queries", clients);
        Operator operator = new Operator(stack.mqttServerUri(), mqttQueries)) {
      AtomicReference<RuntimeException> publishFailure = new AtomicReference<>();
      CountDownLatch started = new CountDownLatch(1);
      Thread publisher =
          new Thread(
              () -> {
                try {
                  fleet.publish(
                      stack.kafkaBootstrapServers(),
                      prefix,
                      () -> {
                        out.printf(
                            "history in Kafka (%,d messages); starting the pipeline on the %s%n",
                            fleet.sent(), options.getRunner().getSimpleName());
                        // A first question before the job starts, so that the queries topic is
                        // not empty when the job's reader looks at it.
                        operator.ask("first", System.currentTimeMillis());
                        sleep(1_000);
                        job.set(DatacenterPipeline.start(options));
                        started.countDown();
                      },
                      stop::get);
                } catch (RuntimeException e) {
                  publishFailure.set(e);
                } finally {
                  started.countDown();
                }
              },
              "dctwin-demo-fleet");
      publisher.setDaemon(true);
      publisher.start();

      awaitQuietly(started);
      failIfFailed(publishFailure, job.get());
      long refreshMs = Math.max(1, options.getRefreshSeconds()) * 1000L;
      int query = 0;
      while (!stop.get() && publisher.isAlive()) {
        operator.askLive("live-" + query++, System.currentTimeMillis(), System.err);
        join(publisher, refreshMs);
        failIfFailed(publishFailure, job.get());
        String phase =
            System.currentTimeMillis() < fleet.liveFrom()
                ? "catching up"
                : String.format(
                    Locale.ROOT,
                    "live, %d s to go",
                    Math.max(0, (fleet.end() - System.currentTimeMillis()) / 1000));
        view.render(phase, fleet.sent(), parsed(job.get()));
      }
      if (!stop.get()) {
        drain(fleet, view, operator, stop, out);
      }
      view.render(stop.get() ? "stopped" : "done", fleet.sent(), parsed(job.get()));
      cancel(job.get());
      List<Alert> alerts = view.alerts();
      java.io.StringWriter report = new java.io.StringWriter();
      report(fleet, alerts, options, stack, outDir, new PrintWriter(report));
      return report.toString();
    } finally {
      stop.set(true);
      cancel(job.get());
    }
  }

  /**
   * Waits until the twins have seen event time pass the fleet's end by {@link #DRAIN}: the answer
   * to a query stamped then comes only after every earlier alert has been decided.
   */
  private static void drain(
      LiveFleet fleet, LiveView view, Operator operator, AtomicBoolean stop, PrintStream out) {
    long at = fleet.end() + DRAIN.toMillis();
    out.printf("%nfleet done; waiting for the twins to pass its end (up to %d s)%n", 90);
    long deadline = System.currentTimeMillis() + DRAIN.toMillis() + 90_000;
    sleep(Math.max(0, at - System.currentTimeMillis()));
    String last = "final";
    operator.ask(last, at);
    while (!stop.get() && System.currentTimeMillis() < deadline && !view.answered(last)) {
      sleep(500);
    }
    if (!view.answered(last)) {
      out.println("the pipeline did not answer the final query in time; scoring what arrived");
    }
    // The alerts and the answers leave through different producers.
    sleep(3_000);
  }

  private static void report(
      LiveFleet fleet,
      List<Alert> alerts,
      Options options,
      LocalStack stack,
      Path outDir,
      PrintWriter out) {
    try {
      Files.createDirectories(outDir);
      WireCodec codec = WireCodec.withDefaults();
      List<String> lines = new ArrayList<>();
      for (Alert alert : alerts) {
        lines.add(codec.encodeToString(alert));
      }
      Files.write(outDir.resolve("alerts.jsonl"), lines, StandardCharsets.UTF_8);
      fleet.writeGroundTruth(outDir.resolve("ground-truth.jsonl"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.printf("%nalerts: %d%n", alerts.size());
    out.printf(
        "  kafka topic %s on %s%s%n",
        options.getKafkaAlertsTopic(),
        stack.kafkaBootstrapServers(),
        stack.embeddedKafka() ? " (embedded: gone when the demo ends)" : "");
    if (stack.jdbcUrl() != null) {
      out.printf(
          "  table alerts in %s%s%n",
          JdbcTarget.redact(stack.jdbcUrl()),
          options.getJdbcSchema() == null ? "" : " schema " + options.getJdbcSchema());
    }
    out.printf(
        "  %s, with the ground truth in %s%n",
        outDir.resolve("alerts.jsonl"), outDir.resolve("ground-truth.jsonl"));
    out.println("score against the fleet's ground truth:");
    fleet.score(alerts, out);
  }

  /**
   * Points the pipeline at the stack. It reads Kafka only: the operator's queries come over MQTT
   * through the bridge, as in a deployment that must not lose MQTT messages (see pipeline/IO.md),
   * and MqttIO's watermark only advances when a checkpoint is finalized, which an embedded Flink
   * job without checkpoints never does.
   */
  private static void configure(Options options, LocalStack stack, String prefix) {
    options.setSource("kafka");
    options.setKafkaBootstrapServers(stack.kafkaBootstrapServers());
    options.setKafkaTopics(
        List.of(
            prefix + "metrics", prefix + "sensors", prefix + "provisioning", prefix + "queries"));
    options.setKafkaAlertsTopic(prefix + "alerts");
    options.setKafkaAnswersTopic(prefix + "answers");
    options.setKafkaDeadLettersTopic(prefix + "dead-letters");
    options.setKafkaConsumerGroup(prefix + "pipeline");
    List<String> sinks = new ArrayList<>(List.of("kafka"));
    if (stack.jdbcUrl() != null) {
      options.setJdbcUrl(stack.jdbcUrl());
      options.setJdbcUser(stack.jdbcUser());
      if (stack.jdbcPasswordFile() != null) {
        options.setJdbcPasswordFile(stack.jdbcPasswordFile());
      }
      sinks.add("jdbc");
    }
    options.setSinks(sinks);
  }

  /**
   * The flags, plus what the demo needs unless given: a short bound on out-of-orderness (the fleet
   * sends in order, and the view should not lag), a deployment id of its own, a runner that returns
   * from {@code run()}, and on the DirectRunner no per-element checks.
   */
  static String[] withDemoDefaults(String[] flags, Set<String> given) {
    List<String> all = new ArrayList<>(List.of(flags));
    if (!given.contains("kafkaMaxOutOfOrdernessSeconds")) {
      all.add("--kafkaMaxOutOfOrdernessSeconds=5");
    }
    // A deployment of its own per demo (its topics are new too): the exactly-once sinks of a
    // checkpointing runner refuse a consumer group that an earlier job wrote to.
    if (!given.contains("deploymentId")) {
      all.add("--deploymentId=demo-" + Long.toString(System.currentTimeMillis(), 36));
    }
    boolean flink =
        all.stream().anyMatch(flag -> flag.startsWith("--runner=") && flag.contains("Flink"));
    if (flink) {
      if (!given.contains("attachedMode")) {
        all.add("--attachedMode=false");
      }
      if (!given.contains("streaming")) {
        all.add("--streaming=true");
      }
      // As in runner-configs/flink-*.flags: no deep copy between chained operators.
      if (!given.contains("objectReuse")) {
        all.add("--objectReuse=true");
      }
    } else {
      if (!given.contains("blockOnRun")) {
        all.add("--blockOnRun=false");
      }
      // The DirectRunner's checks re-encode every element several times, which halves its
      // throughput; they guard the pipeline's code in the tests, where they stay on.
      for (String check : List.of("enforceImmutability", "enforceEncodability")) {
        if (!given.contains(check)) {
          all.add("--" + check + "=false");
        }
      }
    }
    return all.toArray(String[]::new);
  }

  static Set<String> flagNames(String[] flags) {
    Set<String> names = new LinkedHashSet<>();
    for (String flag : flags) {
      if (flag.startsWith("--")) {
        int equals = flag.indexOf('=');
        names.add(flag.substring(2, equals < 0 ? flag.length() : equals));
      }
    }
    return names;
  }

  private static Options parse(String[] flags) {
    PipelineOptionsFactory.register(Options.class);
    return PipelineOptionsFactory.fromArgs(flags).withValidation().as(Options.class);
  }

  private static final Pattern SIMPLE_DURATION =
      Pattern.compile("(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?");

  /** {@code 2m}, {@code 90s}, {@code 1h30m}, or ISO-8601 ({@code PT2M}). */
  static Duration duration(String flag, String value) {
    String text = value.strip().toLowerCase(Locale.ROOT);
    Matcher m = SIMPLE_DURATION.matcher(text);
    if (!text.isEmpty() && m.matches()) {
      long seconds = 0;
      int[] unit = {3600, 60, 1};
      for (int group = 1; group <= 3; group++) {
        if (m.group(group) != null) {
          seconds += Long.parseLong(m.group(group)) * unit[group - 1];
        }
      }
      return Duration.ofSeconds(seconds);
    }
    try {
      return Duration.parse(value.strip());
    } catch (DateTimeParseException e) {
      throw new UsageException(flag + "=" + value + " is not a duration like 2m, 90s or 1h30m");
    }
  }

  private static String format(Duration duration) {
    long seconds = duration.toSeconds();
    return seconds % 60 == 0 ? seconds / 60 + " min" : seconds + " s";
  }

  /** The pipeline's count of parsed messages, or -1 where the runner does not report it live. */
  private static long parsed(PipelineResult job) {
    if (job == null) {
      return 0;
    }
    if (job.getClass().getSimpleName().contains("Flink")) {
      // A detached Flink job reports metrics to its cluster, not to this result.
      return -1;
    }
    try {
      long parsed = 0;
      for (MetricResult<Long> counter :
          job.metrics()
              .queryMetrics(
                  MetricsFilter.builder()
                      .addNameFilter(MetricNameFilter.named(ParseMessages.class, "parsed"))
                      .build())
              .getCounters()) {
        parsed += counter.getAttempted();
      }
      return parsed;
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static void failIfFailed(AtomicReference<RuntimeException> failure, PipelineResult job) {
    if (failure.get() != null) {
      throw failure.get();
    }
    if (job != null && job.getState().isTerminal()) {
      throw new IllegalStateException("the pipeline ended early: " + job.getState());
    }
  }

  private static void cancel(PipelineResult job) {
    if (job == null) {
      return;
    }
    try {
      if (job.getState().isTerminal()) {
        return;
      }
      job.cancel();
      job.waitUntilFinish(org.joda.time.Duration.standardSeconds(30));
    } catch (IOException | RuntimeException e) {
      // Already ended (a detached Flink job's mini cluster answers no more): nothing to stop.
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void join(Thread thread, long ms) {
    try {
      thread.join(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** An operator asking the datacenter twin over MQTT which racks are unhealthy. */
  private static final class Operator implements AutoCloseable {
    private final WireCodec codec = WireCodec.withDefaults();
    private final MqttClient client;
    private final String topic;

    Operator(String serverUri, String topic) {
      this.topic = topic;
      try {
        client = new MqttClient(serverUri, "dctwin-demo-operator", new MemoryPersistence());
        MqttConnectOptions connect = new MqttConnectOptions();
        connect.setCleanSession(true);
        connect.setAutomaticReconnect(true);
        client.connect(connect);
      } catch (MqttException e) {
        throw new IllegalStateException("cannot connect to MQTT at " + serverUri + ": " + e, e);
      }
    }

    /**
     * Publishes a question, QoS 1, and waits for the broker's acknowledgement (MqttClient's publish
     * is synchronous).
     *
     * @throws IllegalStateException if the broker did not take it
     */
    void ask(String queryId, long eventTime) {
      byte[] payload =
          codec
              .encodeToString(new GetUnhealthyRacks(queryId, DATACENTER, eventTime))
              .getBytes(StandardCharsets.UTF_8);
      try {
        client.publish(topic, payload, 1, false);
      } catch (MqttException e) {
        throw new IllegalStateException(
            "the question " + queryId + " was not published to MQTT " + topic + ": " + e, e);
      }
    }

    /** {@link #ask}, for a live frame's question: a lost one is said and asked at the next. */
    void askLive(String queryId, long eventTime, PrintStream err) {
      try {
        ask(queryId, eventTime);
      } catch (IllegalStateException e) {
        err.println("demo: " + e.getMessage() + "; asking again at the next frame");
      }
    }

    @Override
    public void close() {
      try {
        client.disconnect();
        client.close();
      } catch (MqttException e) {
        // Closing anyway.
      }
    }
  }

  /** The MQTT to Kafka bridge that carries the operator's queries. */
  private record Bridge(MqttKafkaBridge bridge) implements AutoCloseable {
    static Bridge start(
        String mqttServerUri, String mqttTopic, String kafkaTopic, KafkaClients clients) {
      if (!MqttKafkaBridge.kafkaTopic(mqttTopic).equals(kafkaTopic)) {
        throw new IllegalStateException(mqttTopic + " does not bridge to " + kafkaTopic);
      }
      try {
        return new Bridge(
            new MqttKafkaBridge(
                MqttBroker.anonymous(mqttServerUri),
                "dctwin-demo-bridge-" + Long.toString(System.nanoTime(), 36),
                List.of(mqttTopic),
                clients));
      } catch (MqttException e) {
        throw new IllegalStateException("cannot bridge MQTT to Kafka: " + e, e);
      }
    }

    @Override
    public void close() {
      try {
        bridge.close();
      } catch (MqttException e) {
        // Closing anyway.
      }
    }
  }

  /**
   * The operator web view over the demo's topics and, when the demo has a database, its {@code
   * server_status} table; or none ({@code --view=none}).
   */
  private record WebView(ViewService service) implements AutoCloseable {
    static WebView start(Options options, KafkaClients clients, String prefix, PrintStream out) {
      String listen = options.getView();
      if (listen.equalsIgnoreCase("none")) {
        return new WebView(null);
      }
      ViewService.Settings settings =
          new ViewService.Settings(
              clients,
              ListenAddress.parse(listen),
              options.getKafkaAlertsTopic(),
              prefix + "provisioning",
              options.getKafkaDeadLettersTopic(),
              options.getKafkaTopics(),
              options.getKafkaConsumerGroup(),
              options.getJdbcUrl() == null ? null : JdbcTarget.from(options));
      ViewService service;
      try {
        service = ViewService.start(settings);
      } catch (IllegalStateException e) {
        if (!listen.equals(DEFAULT_VIEW)) {
          throw new UsageException("--view=" + listen + ": " + e.getMessage());
        }
        service = ViewService.start(settings.listeningOn(ListenAddress.parse("127.0.0.1:0")));
      }
      out.printf("view:     %s (the operator web view: open it in a browser)%n", service.url());
      out.flush();
      return new WebView(service);
    }

    String url() {
      return service == null ? null : service.url().toString();
    }

    @Override
    public void close() {
      if (service != null) {
        service.close();
      }
    }
  }
}

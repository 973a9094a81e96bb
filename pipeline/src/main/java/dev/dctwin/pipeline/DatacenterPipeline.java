package dev.dctwin.pipeline;

import dev.dctwin.codec.ParseMessages;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.RawMessage;
import dev.dctwin.domain.Received;
import dev.dctwin.domain.UnhealthyRacks;
import dev.dctwin.models.agents.AssemblyConfig;
import dev.dctwin.pipeline.cli.Cli;
import dev.dctwin.pipeline.cli.UsageException;
import dev.dctwin.pipeline.io.AgentOptions;
import dev.dctwin.pipeline.io.AtEventTime;
import dev.dctwin.pipeline.io.JdbcOptions;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.KafkaOptions;
import dev.dctwin.pipeline.io.KafkaSource;
import dev.dctwin.pipeline.io.MqttBroker;
import dev.dctwin.pipeline.io.MqttOptions;
import dev.dctwin.pipeline.io.MqttSource;
import dev.dctwin.pipeline.io.ParseBySource;
import dev.dctwin.pipeline.io.Preflight;
import dev.dctwin.pipeline.io.ReadJsonLines;
import dev.dctwin.pipeline.io.SchemaMigrations;
import dev.dctwin.pipeline.io.SourceFormats;
import dev.dctwin.pipeline.io.WriteDeadLetters;
import dev.dctwin.pipeline.io.WriteJsonLines;
import dev.dctwin.pipeline.io.WriteToJdbc;
import dev.dctwin.pipeline.io.WriteToKafka;
import dev.dctwin.pipeline.join.Counters;
import dev.dctwin.twins.DatacenterTwins;
import dev.dctwin.twins.TwinsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.SerializableFunction;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Duration;
import org.joda.time.Instant;

/**
 * The datacenter pipeline: sources, parse with dead letters, the three layers of twins, alert
 * sinks. Messages are processed at their event time (the payload's {@code eventTime}).
 *
 * <pre>
 * file | mqtt | kafka | both --> ParseBySource --> AtEventTime --> Twins --> alerts, answers
 *   (wire format or an agent's)       |            (agents' samples |
 *                                     |             become reports) |
 *                                     +------ dead letters <--------+
 * sinks: file (bounded runs), kafka (exactly once where the runner checkpoints), jdbc (upserts)
 * </pre>
 *
 * See {@code pipeline/IO.md} for what each source and sink guarantees.
 */
public final class DatacenterPipeline {
  private DatacenterPipeline() {}

  /** Where messages come from. */
  enum Source {
    FILE,
    MQTT,
    KAFKA,
    BOTH
  }

  /** Where alerts, answers and dead letters go. */
  enum Sink {
    FILE,
    KAFKA,
    JDBC
  }

  /**
   * Mirrors the FlinkRunner's option (same name, type and default, as KafkaIO does) so that the
   * Kafka sinks can tell whether checkpoints run without depending on the Flink runner.
   */
  public interface CheckpointingOptions extends PipelineOptions {
    @Default.Long(-1)
    Long getCheckpointingInterval();

    void setCheckpointingInterval(Long interval);
  }

  /** Flags of {@code dctwin-pipeline.jar run}. */
  public interface Options
      extends MqttOptions, KafkaOptions, AgentOptions, JdbcOptions, CheckpointingOptions {
    @Description(
        "Where messages come from: file (JSON-lines files in --inputDir), mqtt, kafka, or both"
            + " (mqtt and kafka).")
    @Default.String("file")
    String getSource();

    void setSource(String value);

    @Description(
        "Where alerts, answers and dead letters go, a list of: file (--alertsOut, ...; bounded"
            + " runs only), kafka (--kafkaAlertsTopic, ...), jdbc (--jdbcUrl; alerts and dead"
            + " letters). Default: file for --source=file, else kafka plus jdbc when --jdbcUrl is"
            + " set.")
    List<String> getSinks();

    void setSinks(List<String> value);

    @Description(
        "Folder of *.jsonl files (required with --source=file): wire-format messages, or an"
            + " agent's payloads in *.collectd.jsonl, *.telegraf.jsonl, *.otlp.jsonl (OTLP JSON)"
            + " and *.prom.jsonl (prometheus-kafka-adapter JSON), one per line.")
    String getInputDir();

    void setInputDir(String value);

    @Description(
        "Stop reading MQTT and Kafka after this many seconds and finish (a bounded run, for"
            + " tests and replays); default: run until cancelled.")
    Long getMaxReadTimeSeconds();

    void setMaxReadTimeSeconds(Long value);

    @Description(
        "Stop reading Kafka after this many records over all topics and finish (a bounded run;"
            + " KafkaIO divides the count evenly among partitions, see pipeline/IO.md).")
    Long getKafkaMaxRecords();

    void setKafkaMaxRecords(Long value);

    @Description("File of JSON lines to write alerts to (required by the file sink).")
    String getAlertsOut();

    void setAlertsOut(String value);

    @Description(
        "File of JSON lines to write the answers to operator queries to (file sink; none if not"
            + " given).")
    String getAnswersOut();

    void setAnswersOut(String value);

    @Description(
        "The twins' timers fire on multiples of this many milliseconds, so that work due within"
            + " one step is done in one activation; it adds up to this much latency per twin."
            + " Default: 1000 on unbounded input, 60000 on bounded input.")
    Long getTwinTimerAlignmentMs();

    void setTwinTimerAlignmentMs(Long value);

    @Description(
        "Whether every server twin learns a baseline of all its metrics and opens METRIC_ANOMALY"
            + " when they depart from it (transforms/src/main/java/dev/dctwin/models/baseline/"
            + "BASELINE.md).")
    @Default.Boolean(true)
    boolean getLearnedBaseline();

    void setLearnedBaseline(boolean value);

    @Description(
        "Reporting interval of the reports assembled from monitoring agents' samples, in seconds:"
            + " one report per host and interval (transforms/src/main/java/dev/dctwin/models/"
            + "agents/ASSEMBLY.md).")
    @Default.Long(10)
    long getAgentReportIntervalSeconds();

    void setAgentReportIntervalSeconds(long value);

    @Description("Seconds without a report after which a server counts as silent.")
    @Default.Long(60)
    long getSilenceAfterSeconds();

    void setSilenceAfterSeconds(long value);

    @Description(
        "Seconds without a report (counted from the last report or commissioning) after which a"
            + " commissioned server is gone: one SERVER_GONE alert, it leaves its rack and its twin"
            + " forgets it, as if decommissioned. Bounds the state of servers that are never"
            + " decommissioned. Default: 604800 (7 days).")
    @Default.Long(604_800)
    long getServerGoneAfterSeconds();

    void setServerGoneAfterSeconds(long value);

    @Description(
        "Seconds of event time by which a server's last report time may advance before its row in"
            + " server_status is written again for that alone (changes of its incidents,"
            + " readiness or lifecycle are written at once). Bounds the writes of a fleet that"
            + " reports every few seconds. Default: 60.")
    @Default.Long(60)
    long getStatusRefreshSeconds();

    void setStatusRefreshSeconds(long value);

    @Description("File of JSON lines to write dead letters to (file sink; none if not given).")
    String getDeadLettersOut();

    void setDeadLettersOut(String value);

    @Description("Largest accepted message in bytes; larger ones become dead letters.")
    @Default.Integer(WireCodec.DEFAULT_MAX_PAYLOAD_BYTES)
    int getMaxPayloadBytes();

    void setMaxPayloadBytes(int value);

    @Description(
        "Seconds a message's event time may be ahead of the time it is received; later ones are"
            + " dead letters FUTURE_EVENT_TIME (a wrong clock would drag the watermark ahead).")
    @Default.Long(300)
    long getMaxClockSkewSeconds();

    void setMaxClockSkewSeconds(long value);

    @Description(
        "Bytes of its payload a dead letter keeps; it also carries the payload's full length and"
            + " SHA-256.")
    @Default.Integer(DeadLetter.DEFAULT_MAX_KEPT_BYTES)
    int getMaxDeadLetterPayloadBytes();

    void setMaxDeadLetterPayloadBytes(int value);
  }

  /**
   * Runs the pipeline until it ends (bounded input) or forever (streams), then prints a summary.
   */
  static int run(Options options, PrintStream out) {
    return run(options, out, SourceFormats.AGENT_FORMATS);
  }

  /** As {@link #run(Options, PrintStream)}, with the agent formats of {@code formats}. */
  static int run(Options options, PrintStream out, SourceFormats.Registry formats) {
    PipelineResult result = start(options, formats);
    result.waitUntilFinish();
    printSummary(result, options, out);
    return Cli.EXIT_OK;
  }

  /**
   * Checks the configuration and the services (credentials, topics), migrates the database, and
   * starts the pipeline without waiting for it. Configuration errors are {@link
   * IllegalArgumentException}s, unreachable or refusing services {@link IllegalStateException}s,
   * each with a one-line message.
   */
  public static PipelineResult start(Options options) {
    return start(options, SourceFormats.AGENT_FORMATS);
  }

  /** As {@link #start(Options)}, with the agent formats of {@code registry} (tests have theirs). */
  static PipelineResult start(Options options, SourceFormats.Registry registry) {
    Source source = parse(Source.class, "--source", options.getSource());
    Set<Sink> sinks = sinks(options, source);
    boolean bounded = isBounded(options, source);
    SourceFormats formats;
    try {
      formats = SourceFormats.of(options.getTopicFormats(), registry);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    validate(options, source, sinks, bounded);
    if (options.getMqttTrustStore() != null) {
      checkTrustStore(options.getMqttTrustStore());
    }
    MqttBroker.of(options).useTrustStore();
    preflight(options, source, sinks, formats);

    Pipeline pipeline = Pipeline.create(options);
    PCollectionTuple parsed =
        read(pipeline.begin(), options, source, formats)
            .apply(
                "ParseMessages",
                ParseBySource.withMaxPayloadBytes(options.getMaxPayloadBytes())
                    .withFormats(formats, options.getMaxAgentPayloadBytes())
                    .withMaxClockSkew(
                        java.time.Duration.ofSeconds(options.getMaxClockSkewSeconds()))
                    .withMaxDeadLetterBytes(options.getMaxDeadLetterPayloadBytes())
                    .withOrigins());
    // Each message with its record's origin, for the dead letters of the twins that reject it.
    PCollection<Received> messages = parsed.get(ParseMessages.RECEIVED);
    messages =
        source == Source.FILE
            ? messages.apply(
                "AtEventTime",
                WithTimestamps.of((Received r) -> new Instant(r.message().eventTime())))
            : messages.apply("AtEventTime", AtEventTime.create());
    PCollectionTuple twins =
        messages.apply(
            "Twins",
            DatacenterTwins.create().withConfig(twinsConfig(options, !bounded)).withOrigins());
    PCollection<Alert> alerts = twins.get(DatacenterTwins.ALERTS);
    PCollection<UnhealthyRacks> answers = twins.get(DatacenterTwins.ANSWERS);
    PCollectionList<DeadLetter> allDeadLetters =
        PCollectionList.of(parsed.get(ParseMessages.DEAD_LETTERS))
            .and(twins.get(DatacenterTwins.DEAD_LETTERS));
    JdbcTarget jdbc = sinks.contains(Sink.JDBC) ? JdbcTarget.from(options) : null;
    if (jdbc != null) {
      // Alerts and statuses that the database refuses for good go to the dead-letter sinks (Kafka,
      // file, and the dead-letter table, whose own refusals are only logged and counted: no loop).
      allDeadLetters =
          allDeadLetters
              .and(
                  alerts.apply(
                      "AlertsToJdbc", WriteToJdbc.alerts(jdbc, options.getJdbcBatchSize())))
              .and(
                  alerts.apply(
                      "AlertEventsToJdbc",
                      WriteToJdbc.alertEvents(jdbc, options.getJdbcBatchSize())))
              .and(
                  twins
                      .get(DatacenterTwins.SERVER_STATUS)
                      .apply(
                          "ServerStatusToJdbc",
                          WriteToJdbc.serverStatus(jdbc, options.getJdbcBatchSize())));
    }
    PCollection<DeadLetter> deadLetters =
        allDeadLetters.apply("AllDeadLetters", Flatten.pCollections());

    if (sinks.contains(Sink.FILE)) {
      alerts.apply("WriteAlerts", WriteJsonLines.to(options.getAlertsOut()));
      if (options.getAnswersOut() != null) {
        answers.apply("WriteAnswers", WriteJsonLines.to(options.getAnswersOut()));
      }
      if (options.getDeadLettersOut() != null) {
        deadLetters.apply("WriteDeadLetters", WriteDeadLetters.to(options.getDeadLettersOut()));
      }
    }
    if (sinks.contains(Sink.KAFKA)) {
      writeToKafka(options, alerts, answers, deadLetters);
    }
    if (jdbc != null) {
      deadLetters.apply(
          "DeadLettersToJdbc", WriteToJdbc.deadLetters(jdbc, options.getJdbcBatchSize()));
    }
    return pipeline.run();
  }

  private static PCollection<RawMessage> read(
      PBegin begin, Options options, Source source, SourceFormats formats) {
    // Sources pass on at most the largest payload any parser takes, the rest cut (IO.md).
    int maxSourceBytes = Math.max(options.getMaxPayloadBytes(), options.getMaxAgentPayloadBytes());
    int keptBytes = options.getMaxDeadLetterPayloadBytes();
    if (source == Source.FILE) {
      return begin.apply(
          "ReadFiles",
          ReadJsonLines.from(Path.of(options.getInputDir(), "*.jsonl").toString())
              // The simulator writes its answer key next to its output; it is not input.
              .excluding("ground-truth.jsonl")
              .withMaxLineBytes(maxSourceBytes, keptBytes));
    }
    Duration maxReadTime =
        options.getMaxReadTimeSeconds() == null
            ? null
            : Duration.standardSeconds(options.getMaxReadTimeSeconds());
    List<PCollection<RawMessage>> raw = new ArrayList<>();
    if (source == Source.MQTT || source == Source.BOTH) {
      MqttSource mqtt = MqttSource.from(options).withMaxPayloadBytes(maxSourceBytes, keptBytes);
      raw.add(
          begin.apply("ReadMqtt", maxReadTime == null ? mqtt : mqtt.withMaxReadTime(maxReadTime)));
    }
    if (source == Source.KAFKA || source == Source.BOTH) {
      KafkaSource kafka =
          KafkaSource.from(options)
              .withFormats(formats)
              .withMaxPayloadBytes(maxSourceBytes, keptBytes);
      if (maxReadTime != null) {
        kafka = kafka.withMaxReadTime(maxReadTime);
      }
      if (options.getKafkaMaxRecords() != null) {
        kafka = kafka.withMaxRecords(options.getKafkaMaxRecords());
      }
      raw.add(begin.apply("ReadKafka", kafka));
    }
    return raw.size() == 1
        ? raw.get(0)
        : PCollectionList.of(raw).apply("AllSources", Flatten.pCollections());
  }

  private static void writeToKafka(
      Options options,
      PCollection<Alert> alerts,
      PCollection<UnhealthyRacks> answers,
      PCollection<DeadLetter> deadLetters) {
    KafkaClients clients =
        new KafkaClients(options.getKafkaBootstrapServers(), options.getKafkaPropertiesFile());
    boolean exactlyOnce = exactlyOnce(options);
    WriteToKafka<Alert> alertSink =
        WriteToKafka.atLeastOnce(
            clients, options.getKafkaAlertsTopic(), Alert::id, new ToWireJson<>());
    WriteToKafka<UnhealthyRacks> answerSink =
        WriteToKafka.atLeastOnce(
            clients, options.getKafkaAnswersTopic(), UnhealthyRacks::queryId, new ToWireJson<>());
    WriteToKafka<DeadLetter> deadLetterSink =
        WriteToKafka.atLeastOnce(
                clients,
                options.getKafkaDeadLettersTopic(),
                DeadLetter::source,
                WriteDeadLetters::toJson)
            .withHeaders(WriteDeadLetters::kafkaHeadersOfJson);
    if (exactlyOnce) {
      String deployment = options.getDeploymentId();
      int shards = options.getKafkaEosShards();
      alertSink = alertSink.exactlyOnce(deployment, shards);
      answerSink = answerSink.exactlyOnce(deployment, shards);
      deadLetterSink = deadLetterSink.exactlyOnce(deployment, shards);
    }
    alerts.apply("AlertsToKafka", alertSink);
    answers.apply("AnswersToKafka", answerSink);
    deadLetters.apply("DeadLettersToKafka", deadLetterSink);
  }

  /**
   * A message as wire-format JSON. A class rather than {@code codec::encodeToString} per sink: two
   * serializable method references to the same method are told apart by javac's {@code
   * $deserializeLambda$} by the implementation method only, so after deserialization both would
   * cast to the first one's type (answers cast to Alert: ClassCastException).
   */
  private static final class ToWireJson<T extends Message>
      implements SerializableFunction<T, String> {
    private final WireCodec codec = WireCodec.withDefaults();

    @Override
    public String apply(T message) {
      return codec.encodeToString(message);
    }
  }

  /**
   * Whether the Kafka sinks write transactionally. The exactly-once sink ({@code
   * KafkaTransactionalSink}) needs a runner that checkpoints and replays from checkpoints; on the
   * DirectRunner a failure fails the run, and a new run on the same deployment would number its
   * records from 0 again and skip as many as the sink's group says were written, so AUTO falls back
   * to at least once there.
   */
  public static boolean exactlyOnce(Options options) {
    return switch (options.getKafkaDelivery()) {
      case EXACTLY_ONCE -> true;
      case AT_LEAST_ONCE -> false;
      case AUTO -> {
        String runner = options.getRunner().getSimpleName();
        yield runner.contains("Dataflow")
            || (runner.contains("Flink") && options.getCheckpointingInterval() > 0);
      }
    };
  }

  private static Set<Sink> sinks(Options options, Source source) {
    Set<Sink> sinks = EnumSet.noneOf(Sink.class);
    if (options.getSinks() == null || options.getSinks().isEmpty()) {
      if (source == Source.FILE) {
        sinks.add(Sink.FILE);
      } else {
        sinks.add(Sink.KAFKA);
      }
      if (options.getJdbcUrl() != null) {
        sinks.add(Sink.JDBC);
      }
      return sinks;
    }
    for (String sink : options.getSinks()) {
      sinks.add(parse(Sink.class, "--sinks", sink.strip()));
    }
    return sinks;
  }

  private static boolean isBounded(Options options, Source source) {
    return switch (source) {
      case FILE -> true;
      case MQTT -> options.getMaxReadTimeSeconds() != null;
      case KAFKA -> options.getMaxReadTimeSeconds() != null || options.getKafkaMaxRecords() != null;
      case BOTH -> options.getMaxReadTimeSeconds() != null;
    };
  }

  private static void validate(Options options, Source source, Set<Sink> sinks, boolean bounded) {
    if (source == Source.FILE && options.getInputDir() == null) {
      throw new UsageException("--inputDir is required with --source=file");
    }
    if (options.getMaxClockSkewSeconds() < 0) {
      throw new UsageException("--maxClockSkewSeconds must not be negative");
    }
    if (options.getMaxDeadLetterPayloadBytes() < 0) {
      throw new UsageException("--maxDeadLetterPayloadBytes must not be negative");
    }
    if (options.getTwinTimerAlignmentMs() != null && options.getTwinTimerAlignmentMs() <= 0) {
      throw new UsageException(
          "--twinTimerAlignmentMs must be a positive number of milliseconds, not "
              + options.getTwinTimerAlignmentMs());
    }
    if (sinks.contains(Sink.FILE) && options.getAlertsOut() == null) {
      throw new UsageException("--alertsOut is required by the file sink");
    }
    if (sinks.contains(Sink.FILE) && !bounded) {
      throw new UsageException(
          "--sinks=file needs a bounded run: --source=file, or --maxReadTimeSeconds");
    }
    if (options.getAgentReportIntervalSeconds() <= 0) {
      throw new UsageException(
          "--agentReportIntervalSeconds must be positive, not "
              + options.getAgentReportIntervalSeconds());
    }
    if (sinks.contains(Sink.JDBC)) {
      if (options.getJdbcUrl() == null) {
        throw new UsageException("--sinks=jdbc needs --jdbcUrl");
      }
      try {
        JdbcTarget.from(options).dialect();
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
    if (exactlyOnce(options) && sinks.contains(Sink.KAFKA)) {
      if (options.getDeploymentId() == null || options.getDeploymentId().isBlank()) {
        throw new UsageException(
            "exactly-once Kafka sinks need --deploymentId: a name kept across restarts of this"
                + " deployment (their consumer groups are dctwin-<id>-eos-<topic>)");
      }
    }
  }

  /**
   * Fails unless the trust store holds a certificate that the JVM can read with what it is given: a
   * PKCS12 store that keytool made with a password looks empty without {@code
   * javax.net.ssl.trustStorePassword}, and TLS would then fail with a handshake error far from the
   * cause.
   */
  private static void checkTrustStore(String file) {
    String password = System.getProperty("javax.net.ssl.trustStorePassword");
    try (InputStream in = Files.newInputStream(Path.of(file))) {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(in, password == null ? null : password.toCharArray());
      for (String alias : Collections.list(store.aliases())) {
        if (store.isCertificateEntry(alias)) {
          return;
        }
      }
    } catch (IOException | GeneralSecurityException e) {
      throw new UsageException("--mqttTrustStore=" + file + " cannot be read: " + e.getMessage());
    }
    throw new UsageException(
        "--mqttTrustStore="
            + file
            + " holds no certificate readable without a password: use a JKS store, or set"
            + " javax.net.ssl.trustStorePassword (see pipeline/IO.md)");
  }

  private static void preflight(
      Options options, Source source, Set<Sink> sinks, SourceFormats formats) {
    if (source == Source.MQTT || source == Source.BOTH) {
      Preflight.mqtt(options);
    }
    List<String> topics = new ArrayList<>();
    if (source == Source.KAFKA || source == Source.BOTH) {
      topics.addAll(KafkaSource.from(options).withFormats(formats).topics());
    }
    if (sinks.contains(Sink.KAFKA)) {
      topics.add(options.getKafkaAlertsTopic());
      topics.add(options.getKafkaAnswersTopic());
      topics.add(options.getKafkaDeadLettersTopic());
    }
    if (!topics.isEmpty()) {
      Preflight.kafka(
          new KafkaClients(options.getKafkaBootstrapServers(), options.getKafkaPropertiesFile()),
          topics);
    }
    if (sinks.contains(Sink.JDBC)) {
      SchemaMigrations.apply(JdbcTarget.from(options));
    }
  }

  private static <E extends Enum<E>> E parse(Class<E> type, String flag, String value) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UsageException(
          flag
              + "="
              + value
              + " is not one of "
              + EnumSet.allOf(type).toString().toLowerCase(Locale.ROOT));
    }
  }

  /**
   * The twins' configuration from the flags. Silence timers only run on unbounded input: a bounded
   * input ends, its servers do not fall silent (see {@link TwinsConfig#silenceTimers()}).
   */
  static TwinsConfig twinsConfig(Options options, boolean unbounded) {
    TwinsConfig defaults = TwinsConfig.defaults();
    return defaults
        .withAssembly(
            AssemblyConfig.defaults()
                .withIntervalMs(options.getAgentReportIntervalSeconds() * 1000))
        .withHealth(defaults.health().withSilenceAfterMs(options.getSilenceAfterSeconds() * 1000))
        .withSilenceTimers(unbounded)
        .withLearnedBaseline(options.getLearnedBaseline())
        .withServerGoneAfterMs(options.getServerGoneAfterSeconds() * 1000)
        .withStatusRefreshMs(options.getStatusRefreshSeconds() * 1000)
        .withTimerAlignmentMs(
            options.getTwinTimerAlignmentMs() != null
                ? options.getTwinTimerAlignmentMs()
                : unbounded ? 1_000 : 60_000);
  }

  private static void printSummary(PipelineResult result, Options options, PrintStream out) {
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace(ParseMessages.class))
                    .addNameFilter(MetricNameFilter.inNamespace(DatacenterTwins.class))
                    .addNameFilter(MetricNameFilter.inNamespace(WriteToJdbc.class))
                    .build());
    long parsed = 0;
    StringBuilder rejected = new StringBuilder();
    long deadLetters = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      String name = counter.getName().getName();
      long value = Counters.finalValue(counter);
      if (name.equals("parsed")) {
        parsed += value;
      } else if (name.startsWith("dead_letter_") && value > 0) {
        deadLetters += value;
        rejected.append(String.format("%n  %-28s %d", reasonOf(name), value));
      }
    }
    Source source = parse(Source.class, "--source", options.getSource());
    Set<Sink> sinks = sinks(options, source);
    out.printf("messages parsed: %d%n", parsed);
    if (sinks.contains(Sink.FILE)) {
      out.printf(
          "alerts:          %d -> %s%n",
          countLines(options.getAlertsOut()), options.getAlertsOut());
      if (options.getAnswersOut() != null) {
        out.printf(
            "answers:         %d -> %s%n",
            countLines(options.getAnswersOut()), options.getAnswersOut());
      }
    }
    List<String> targets = new ArrayList<>();
    if (sinks.contains(Sink.FILE) && options.getDeadLettersOut() != null) {
      targets.add(options.getDeadLettersOut());
    }
    if (sinks.contains(Sink.KAFKA)) {
      out.printf(
          "alerts, answers -> kafka:%s, kafka:%s%n",
          options.getKafkaAlertsTopic(), options.getKafkaAnswersTopic());
      targets.add("kafka:" + options.getKafkaDeadLettersTopic());
    }
    if (sinks.contains(Sink.JDBC)) {
      out.printf("alerts -> %s%n", JdbcTarget.redact(options.getJdbcUrl()));
      targets.add(JdbcTarget.redact(options.getJdbcUrl()));
    }
    out.printf("dead letters:    %d -> %s%s%n", deadLetters, String.join(", ", targets), rejected);
  }

  private static long countLines(String file) {
    try (var lines = Files.lines(Path.of(file))) {
      return lines.count();
    } catch (IOException e) {
      return 0;
    }
  }

  private static String reasonOf(String counterName) {
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      if (reason.counterName().equals(counterName)) {
        return reason.name();
      }
    }
    return counterName;
  }
}

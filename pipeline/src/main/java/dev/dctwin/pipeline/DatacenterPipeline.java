package dev.dctwin.pipeline;

import dev.dctwin.codec.ParseMessages;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.pipeline.io.ReadJsonLines;
import dev.dctwin.pipeline.io.WriteDeadLetters;
import dev.dctwin.pipeline.io.WriteJsonLines;
import dev.dctwin.twins.DatacenterTwins;
import dev.dctwin.twins.TwinsConfig;
import java.io.PrintStream;
import java.nio.file.Path;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricNameFilter;
import org.apache.beam.sdk.metrics.MetricQueryResults;
import org.apache.beam.sdk.metrics.MetricResult;
import org.apache.beam.sdk.metrics.MetricsFilter;
import org.apache.beam.sdk.options.Default;
import org.apache.beam.sdk.options.Description;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.options.Validation;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.WithTimestamps;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.joda.time.Instant;

/**
 * The datacenter pipeline: sources, parse with dead letters, the three layers of twins, alert
 * sinks. Messages are processed at their event time (the payload's {@code eventTime}).
 */
public final class DatacenterPipeline {
  private DatacenterPipeline() {}

  /** Flags of {@code dctwin-pipeline.jar run}. */
  public interface Options extends PipelineOptions {
    @Description("Where messages come from: file (bounded JSON-lines files in --inputDir).")
    @Default.String("file")
    String getSource();

    void setSource(String value);

    @Description("Folder of *.jsonl files of wire-format messages (with --source=file).")
    @Validation.Required
    String getInputDir();

    void setInputDir(String value);

    @Description("File of JSON lines to write alerts to.")
    @Default.String("alerts.jsonl")
    String getAlertsOut();

    void setAlertsOut(String value);

    @Description("File of JSON lines to write the answers to operator queries to.")
    @Default.String("answers.jsonl")
    String getAnswersOut();

    void setAnswersOut(String value);

    @Description("Seconds without a report after which a server counts as silent.")
    @Default.Long(60)
    long getSilenceAfterSeconds();

    void setSilenceAfterSeconds(long value);

    @Description("File of JSON lines to write dead letters to.")
    @Default.String("dead-letters.jsonl")
    String getDeadLettersOut();

    void setDeadLettersOut(String value);

    @Description("Largest accepted message in bytes; larger ones become dead letters.")
    @Default.Integer(WireCodec.DEFAULT_MAX_PAYLOAD_BYTES)
    int getMaxPayloadBytes();

    void setMaxPayloadBytes(int value);
  }

  static int run(Options options, PrintStream out) {
    if (!options.getSource().equals("file")) {
      throw new UsageException(
          "--source=" + options.getSource() + " is not supported yet: use file");
    }
    Pipeline pipeline = Pipeline.create(options);
    PCollectionTuple parsed =
        pipeline
            .apply(
                "ReadFiles",
                // The simulator writes its answer key next to its output; it is not input.
                ReadJsonLines.from(Path.of(options.getInputDir(), "*.jsonl").toString())
                    .excluding("ground-truth.jsonl"))
            .apply(
                "ParseMessages",
                ParseMessages.create().withMaxPayloadBytes(options.getMaxPayloadBytes()));
    PCollectionTuple twins =
        parsed
            .get(ParseMessages.MESSAGES)
            .apply("AtEventTime", WithTimestamps.of((Message m) -> new Instant(m.eventTime())))
            .apply("Twins", DatacenterTwins.create().withConfig(twinsConfig(options, false)));
    twins
        .get(DatacenterTwins.ALERTS)
        .apply("WriteAlerts", WriteJsonLines.to(options.getAlertsOut()));
    twins
        .get(DatacenterTwins.ANSWERS)
        .apply("WriteAnswers", WriteJsonLines.to(options.getAnswersOut()));
    PCollectionList.of(parsed.get(ParseMessages.DEAD_LETTERS))
        .and(twins.get(DatacenterTwins.DEAD_LETTERS))
        .apply("AllDeadLetters", Flatten.pCollections())
        .apply("WriteDeadLetters", WriteDeadLetters.to(options.getDeadLettersOut()));
    PipelineResult result = pipeline.run();
    result.waitUntilFinish();
    printSummary(result, options, out);
    return Main.EXIT_OK;
  }

  /**
   * The twins' configuration from the flags. Silence timers only run on unbounded input: a file
   * ends, its servers do not fall silent (see {@link TwinsConfig#silenceTimers()}).
   */
  static TwinsConfig twinsConfig(Options options, boolean unbounded) {
    TwinsConfig defaults = TwinsConfig.defaults();
    return defaults
        .withHealth(defaults.health().withSilenceAfterMs(options.getSilenceAfterSeconds() * 1000))
        .withSilenceTimers(unbounded)
        .withTimerAlignmentMs(unbounded ? 1_000 : 60_000);
  }

  private static void printSummary(PipelineResult result, Options options, PrintStream out) {
    MetricQueryResults metrics =
        result
            .metrics()
            .queryMetrics(
                MetricsFilter.builder()
                    .addNameFilter(MetricNameFilter.inNamespace(ParseMessages.class))
                    .addNameFilter(MetricNameFilter.inNamespace(DatacenterTwins.class))
                    .build());
    long parsed = 0;
    StringBuilder rejected = new StringBuilder();
    long deadLetters = 0;
    for (MetricResult<Long> counter : metrics.getCounters()) {
      String name = counter.getName().getName();
      long value = counter.getAttempted();
      if (name.equals("parsed")) {
        parsed += value;
      } else if (name.startsWith("dead_letter_") && value > 0) {
        deadLetters += value;
        rejected.append(String.format("%n  %-28s %d", reasonOf(name), value));
      }
    }
    out.printf("messages parsed: %d%n", parsed);
    out.printf(
        "alerts:          %d -> %s%n", countLines(options.getAlertsOut()), options.getAlertsOut());
    out.printf(
        "answers:         %d -> %s%n",
        countLines(options.getAnswersOut()), options.getAnswersOut());
    out.printf("dead letters:    %d -> %s%s%n", deadLetters, options.getDeadLettersOut(), rejected);
  }

  private static long countLines(String file) {
    try (var lines = java.nio.file.Files.lines(Path.of(file))) {
      return lines.count();
    } catch (java.io.IOException e) {
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

package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.fail;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.io.GenerateSequence;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.JobListener;
import org.apache.flink.core.execution.SavepointFormatType;
import org.joda.time.Duration;
import org.junit.After;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * A savepoint taken before a change of a state's encoding restores after it, on the embedded
 * FlinkRunner. A stateful pipeline keeps a test model, {@link Tally}, with version 1 of its coder
 * and stops with a real Flink savepoint; the same pipeline with version 2 of the coder, which keeps
 * a reader of version 1, restores the savepoint to equal values; version 2 without that reader
 * fails the restore, naming the state and the versions.
 *
 * <p>A restore runs today's classes on the coder instance that the savepoint stored
 * (Java-serialized), so what a build writes and reads is code, here {@link #deployed}, as {@link
 * FormatVersion} requires.
 */
@RunWith(JUnit4.class)
public class SavepointUpgradeFlinkIT {
  private static final int KEYS = 3;

  /** Elements below this go into the state; every later one reports the state. */
  private static final long STORED = 30;

  private static final BlockingQueue<KV<String, Tally>> REPORTS = new LinkedBlockingQueue<>();

  @Rule public final TemporaryFolder folder = new TemporaryFolder();

  private final List<JobClient> jobs = new ArrayList<>();

  /** The test model: how many numbers a key saw, and their sum. */
  record Tally(long count, long sum) {
    Tally plus(long number) {
      return new Tally(count + 1, sum + number);
    }
  }

  /** The builds of the pipeline, deployed one after the other. */
  enum Build {
    V1(FormatVersion.of("Tally", 1)),
    V2(FormatVersion.of("Tally", 2, 1)),
    V2_WITHOUT_READER_OF_V1(FormatVersion.of("Tally", 2));

    final FormatVersion format;

    Build(FormatVersion format) {
      this.format = format;
    }
  }

  /** The build this JVM runs, as a new deployment would run new classes. */
  private static volatile Build deployed = Build.V1;

  /** Version 1: count and sum as 8-byte longs; version 2: as varlongs. */
  static final class TallyCoder extends VersionedCoder<Tally> {
    private static final long serialVersionUID = 1L;

    @Override
    protected FormatVersion format() {
      return deployed.format;
    }

    @Override
    protected void encodeBody(Tally tally, OutputStream out) throws IOException {
      if (format().current() == 1) {
        DataOutputStream data = new DataOutputStream(out);
        data.writeLong(tally.count());
        data.writeLong(tally.sum());
        data.flush();
      } else {
        VarLongCoder.of().encode(tally.count(), out);
        VarLongCoder.of().encode(tally.sum(), out);
      }
    }

    @Override
    protected Tally decodeBody(int version, InputStream in) throws IOException {
      if (version == 1) {
        DataInputStream data = new DataInputStream(in);
        return new Tally(data.readLong(), data.readLong());
      }
      return new Tally(VarLongCoder.of().decode(in), VarLongCoder.of().decode(in));
    }

    @Override
    public void verifyDeterministic() {}
  }

  /** Adds the numbers below {@code storeBelow} to the key's tally; reports it on any other. */
  static final class TallyFn extends DoFn<KV<String, Long>, Void> {
    @StateId("tally")
    private final StateSpec<ValueState<Tally>> tallySpec = StateSpecs.value(new TallyCoder());

    private final long storeBelow;

    TallyFn(long storeBelow) {
      this.storeBelow = storeBelow;
    }

    @ProcessElement
    public void process(
        @Element KV<String, Long> element, @StateId("tally") ValueState<Tally> tally) {
      Tally stored = tally.read();
      long number = element.getValue();
      if (number < storeBelow) {
        tally.write(stored == null ? new Tally(1, number) : stored.plus(number));
      } else {
        REPORTS.add(KV.of(element.getKey(), stored));
      }
    }
  }

  /** Hands the test the client of each job the FlinkRunner submits (registered by class name). */
  public static final class SubmittedJobs implements JobListener {
    static final BlockingQueue<JobClient> CLIENTS = new LinkedBlockingQueue<>();

    @Override
    public void onJobSubmitted(JobClient client, Throwable failure) {
      if (client != null) {
        CLIENTS.add(client);
      }
    }

    @Override
    public void onJobExecuted(JobExecutionResult result, Throwable failure) {}
  }

  @After
  public void cancelJobsAndDeployV1() {
    for (JobClient job : jobs) {
      try {
        job.cancel().get(30, TimeUnit.SECONDS);
      } catch (Exception e) {
        // Already stopped or failed.
      }
    }
    deployed = Build.V1;
  }

  @Test
  public void aSavepointOfVersion1RestoresWithVersion2AndNotWithoutItsReader() throws Exception {
    JobClient v1 = start(Build.V1, STORED, null);
    Map<String, Tally> stored = awaitReports(v1);
    assertThat("what version 1 stored", stored, equalTo(expectedTallies()));
    String savepoint =
        v1.stopWithSavepoint(
                false,
                folder.newFolder("savepoints").toURI().toString(),
                SavepointFormatType.CANONICAL)
            .get(60, TimeUnit.SECONDS);

    JobClient v2 = start(Build.V2, 0, savepoint);
    assertThat("version 2 restored the savepoint of version 1", awaitReports(v2), equalTo(stored));
    v2.cancel().get(60, TimeUnit.SECONDS);

    JobClient withoutReader = start(Build.V2_WITHOUT_READER_OF_V1, 0, savepoint);
    ExecutionException failure =
        assertThrows(
            ExecutionException.class,
            () -> withoutReader.getJobExecutionResult().get(60, TimeUnit.SECONDS));
    assertThat(
        stackTrace(failure),
        containsString(
            "Tally: unknown format version 1; this build reads version 2 (written by an older"
                + " build whose reader is gone, or not a Tally)"));
  }

  /** The tallies of elements 0 .. STORED - 1, by key. */
  private static Map<String, Tally> expectedTallies() {
    Map<String, Tally> tallies = new TreeMap<>();
    for (long number = 0; number < STORED; number++) {
      tallies.merge(key(number), new Tally(1, number), (a, b) -> a.plus(b.sum()));
    }
    return tallies;
  }

  private static String key(long number) {
    return "key-" + number % KEYS;
  }

  /**
   * Runs the pipeline detached on an embedded Flink cluster with {@code build} deployed, restoring
   * {@code savepoint} if there is one. The FlinkRunner takes a savepoint to restore only for a
   * remote cluster, so the embedded one gets it from the Flink configuration.
   */
  private JobClient start(Build build, long storeBelow, String savepoint) throws Exception {
    deployed = build;
    REPORTS.clear();
    File conf = folder.newFolder();
    Files.writeString(
        conf.toPath().resolve("flink-conf.yaml"),
        "execution.job-listeners: "
            + SubmittedJobs.class.getName()
            + "\n"
            + (savepoint == null ? "" : "execution.savepoint.path: " + savepoint + "\n"));
    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setFlinkMaster("[local]");
    options.setFlinkConfDir(conf.getPath());
    options.setStreaming(true);
    options.setParallelism(1);
    options.setAttachedMode(false);
    options.setCheckpointingInterval(60_000L);
    options.setNumberOfExecutionRetries(0);

    Pipeline pipeline = Pipeline.create(options);
    pipeline
        .apply("Numbers", GenerateSequence.from(0).withRate(50, Duration.standardSeconds(1)))
        .apply(
            "ByKey",
            MapElements.into(
                    TypeDescriptors.kvs(TypeDescriptors.strings(), TypeDescriptors.longs()))
                .via((Long number) -> KV.of(key(number), number)))
        .apply("Tally", ParDo.of(new TallyFn(storeBelow)));
    pipeline.run();
    JobClient job = SubmittedJobs.CLIENTS.poll(60, TimeUnit.SECONDS);
    if (job == null) {
      fail("no job submitted within 60 s");
    }
    jobs.add(job);
    return job;
  }

  /** The first report of every key. */
  private static Map<String, Tally> awaitReports(JobClient job) throws Exception {
    Map<String, Tally> first = new TreeMap<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (first.size() < KEYS) {
      KV<String, Tally> report = REPORTS.poll(100, TimeUnit.MILLISECONDS);
      if (report != null) {
        first.putIfAbsent(report.getKey(), report.getValue());
      } else if (System.nanoTime() > deadline
          || job.getJobStatus().get().isGloballyTerminalState()) {
        fail("reports of " + first.keySet() + " only; job " + job.getJobStatus().get());
      }
    }
    return first;
  }

  private static String stackTrace(Throwable failure) {
    StringWriter trace = new StringWriter();
    failure.printStackTrace(new PrintWriter(trace));
    return trace.toString();
  }
}

package dev.dctwin.twins;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.is;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.RecordCoder;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MetricSample;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.golden.GoldenBytes;
import dev.dctwin.models.ServerTwin;
import dev.dctwin.models.agents.AssemblerState;
import dev.dctwin.models.agents.AssemblyConfig;
import dev.dctwin.testing.KeyedDoFnHarness;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.testing.PAssert;
import org.apache.beam.sdk.testing.TestPipeline;
import org.apache.beam.sdk.testing.TestStream;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Instant;
import org.junit.Rule;
import org.junit.Test;

/** The report assembly on the DirectRunner: on its own, and inside the twins. */
public class AssembleReportsTest {
  private static final long T0 = SampleMessages.T0;
  private static final long S = 1_000;
  private static final Map<String, String> ETH0 = Map.of("device", "eth0");

  @Rule public final transient TestPipeline pipeline = TestPipeline.create();

  private static MetricSample sample(
      String name, Map<String, String> labels, double value, long time, MetricSample.Kind kind) {
    return new MetricSample(name, labels, value, time, kind);
  }

  private static TimestampedValue<KV<String, Message>> at(String host, MetricSample... samples) {
    long newest = 0;
    for (MetricSample sample : samples) {
      newest = Math.max(newest, sample.time());
    }
    return TimestampedValue.of(
        KV.of(host, new AgentSamples(host, newest, List.of(samples))), new Instant(newest));
  }

  private static MetricSample octets(double value, long time) {
    return sample("network.octetsIn", ETH0, value, time, MetricSample.Kind.COUNTER);
  }

  private static MetricSample gauge(String name, double value, long time) {
    return sample(name, Map.of(), value, time, MetricSample.Kind.GAUGE);
  }

  @Test
  public void assemblesRatesResetsLateSamplesAndTheGaugeCapPerHost() {
    KvCoder<String, Message> coder = KvCoder.of(StringUtf8Coder.of(), MessageCoder.of());
    CommissionServer commission = new CommissionServer("dc1-r01-s01", "r1", "dc1", T0, "h1");
    TestStream<KV<String, Message>> stream =
        TestStream.create(coder)
            .advanceWatermarkTo(new Instant(T0 - 10 * S))
            .addElements(TimestampedValue.of(KV.of("h1", commission), new Instant(T0)))
            .addElements(at("h1", octets(1_000, T0 + 1 * S)))
            .addElements(at("h1", octets(2_000, T0 + 11 * S)))
            // An agent restart: the counter starts again from 0.
            .addElements(at("h1", octets(500, T0 + 21 * S)))
            .addElements(
                at(
                    "h1",
                    gauge("a", 1, T0 + 51 * S),
                    gauge("b", 2, T0 + 51 * S),
                    gauge("c", 3, T0 + 51 * S),
                    gauge("d", 4, T0 + 51 * S),
                    gauge("e", 5, T0 + 51 * S)))
            .addElements(at("h2", gauge("load", 1, T0 + 51 * S)))
            .advanceWatermarkTo(new Instant(T0 + 65 * S))
            // Late: the report of its interval (ending at +60 s) has left.
            .addElements(at("h1", gauge("late", 7, T0 + 55 * S)))
            // Too late: more than 3 intervals before the last report.
            .addElements(at("h1", gauge("late", 8, T0 + 15 * S)))
            .advanceWatermarkToInfinity();

    PCollectionTuple assembled =
        pipeline
            .apply(stream)
            .apply(
                ParDo.of(
                        new AssembleReportsFn(
                            AssemblyConfig.defaults().withMaxGauges(3),
                            ServerTwin.DEFAULT_GONE_AFTER_MS))
                    .withOutputTags(
                        AssembleReportsFn.REPORTS,
                        TupleTagList.of(AssembleReportsFn.DEAD_LETTERS)));
    PCollection<KV<String, Message>> reports =
        assembled.get(AssembleReportsFn.REPORTS).setCoder(coder);
    PCollection<DeadLetter> deadLetters =
        assembled.get(AssembleReportsFn.DEAD_LETTERS).setCoder(RecordCoder.of(DeadLetter.class));

    PAssert.that(reports)
        .satisfies(
            all -> {
              List<ServerMetricReport> list = new ArrayList<>();
              for (KV<String, Message> report : all) {
                assertThat(
                    report.getKey(), equalTo(((ServerMetricReport) report.getValue()).serverId()));
                list.add((ServerMetricReport) report.getValue());
              }
              list.sort(
                  Comparator.comparing(ServerMetricReport::serverId)
                      .thenComparingLong(ServerMetricReport::eventTime));
              assertThat(
                  list.stream().map(r -> r.serverId() + "@" + (r.eventTime() - T0) / S).toList(),
                  contains(
                      "dc1-r01-s01@20",
                      "dc1-r01-s01@30",
                      "dc1-r01-s01@60",
                      "dc1-r01-s01@70",
                      "h2@60"));
              assertThat(list.get(0).network().octetsIn(), closeTo(100, 1e-9));
              assertThat("since the reset", list.get(1).network().octetsIn(), closeTo(50, 1e-9));
              assertThat(list.get(2).gauges(), equalTo(Map.of("a", 1.0, "b", 2.0, "c", 3.0)));
              assertThat(list.get(3).gauges(), equalTo(Map.of("late", 7.0)));
              return null;
            });
    PAssert.that(deadLetters)
        .satisfies(
            all -> {
              List<DeadLetter> list = new ArrayList<>();
              all.forEach(list::add);
              list.sort(Comparator.comparing(DeadLetter::reason));
              assertThat(list, hasSize(2));
              assertThat(list.get(0).reason(), is(DeadLetterReason.TOO_MANY_METRICS));
              assertThat(list.get(0).detail(), containsString("2 gauges of host h1"));
              assertThat(list.get(0).source(), equalTo("assembly:h1"));
              assertThat(list.get(1).reason(), is(DeadLetterReason.LATE_SAMPLE));
              try {
                AgentSamples payload =
                    (AgentSamples) WireCodec.withDefaults().decode(list.get(1).payload(), null);
                assertThat(payload.samples(), contains(gauge("late", 8, T0 + 15 * S)));
              } catch (dev.dctwin.codec.InvalidMessageException e) {
                throw new AssertionError(e);
              }
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  /**
   * An agent's cpu.time counters of a busy server, under a host name that a commissioning maps to
   * the server, open CPU_SATURATION on the server twin; an unknown host's reports are dead letters
   * of the server twin.
   */
  @Test
  public void theServerTwinOpensCpuSaturationFromAnAgentsCpuTime() {
    String server = "dc1-r01-s01";
    TestStream.Builder<Message> stream =
        TestStream.create(MessageCoder.of())
            .advanceWatermarkTo(new Instant(T0 - 10 * S))
            .addElements(
                timestamped(new CommissionServer(server, "dc1-r01", "dc1", T0 - 5 * S, "node-1")));
    double user = 1e5;
    double system = 2e4;
    double idle = 5e5;
    for (int step = 0; step < 36; step++) {
      long time = T0 + step * 10 * S + 500;
      List<MetricSample> samples = new ArrayList<>();
      for (String cpu : List.of("0", "1")) {
        samples.add(cpuTime(cpu, "user", user, time));
        samples.add(cpuTime(cpu, "system", system, time));
        samples.add(cpuTime(cpu, "idle", idle, time));
      }
      // 98 % busy: per 10 s and core, 9.3 s user, 0.5 s system, 0.2 s idle.
      user += 9.3;
      system += 0.5;
      idle += 0.2;
      stream =
          stream.addElements(
              timestamped(new AgentSamples("node-1", time, samples)),
              timestamped(
                  new AgentSamples("node-x", time, List.of(gauge("node_load1", 0.5, time)))));
      if (step % 6 == 5) {
        stream = stream.advanceWatermarkTo(new Instant(time));
      }
    }
    stream =
        stream.addElements(
            timestamped(new DecommissionServer(server, "dc1-r01", "dc1", T0 + 400 * S)));

    PCollectionTuple twins =
        pipeline.apply(stream.advanceWatermarkToInfinity()).apply(DatacenterTwins.create());
    PAssert.that(twins.get(DatacenterTwins.ALERTS))
        .satisfies(
            all -> {
              List<Alert> opened =
                  StreamSupport.stream(all.spliterator(), false)
                      .filter(alert -> alert.status() == AlertStatus.OPENED)
                      .toList();
              assertThat(opened.toString(), opened, hasSize(1));
              Alert alert = opened.get(0);
              assertThat(alert.level(), is(Level.SERVER));
              assertThat(alert.entity(), equalTo(server));
              assertThat(alert.incidentType(), is(IncidentType.CPU_SATURATION));
              assertThat(alert.context(), containsString("CPU busy 98.0 %"));
              return null;
            });
    PAssert.that(twins.get(DatacenterTwins.DEAD_LETTERS))
        .satisfies(
            all -> {
              List<DeadLetter> list = new ArrayList<>();
              all.forEach(list::add);
              // node-x: a report per interval, of a server that is not commissioned.
              assertThat(list, hasSize(36));
              for (DeadLetter deadLetter : list) {
                assertThat(deadLetter.reason(), is(DeadLetterReason.UNCOMMISSIONED));
                assertThat(deadLetter.source(), equalTo("twin:node-x"));
              }
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  /**
   * A decommissioning that names the host reaches its assembly through the twins' router: the
   * host's next report carries its host name, a dead letter of the server twin under that name (not
   * of the decommissioned server, which the report would name if the mapping had stayed).
   */
  @Test
  public void aDecommissioningNamingTheHostUnmapsItInTheTwins() {
    String server = "dc1-r01-s01";
    TestStream<Message> stream =
        TestStream.create(MessageCoder.of())
            .advanceWatermarkTo(new Instant(T0 - 10 * S))
            .addElements(timestamped(new CommissionServer(server, "dc1-r01", "dc1", T0, "node-1")))
            .addElements(
                timestamped(new AgentSamples("node-1", T0 + S, List.of(gauge("load", 1, T0 + S)))))
            .addElements(
                timestamped(
                    new DecommissionServer(server, "dc1-r01", "dc1", T0 + 20 * S, "node-1")))
            .addElements(
                timestamped(
                    new AgentSamples(
                        "node-1", T0 + 21 * S, List.of(gauge("load", 2, T0 + 21 * S)))))
            .advanceWatermarkToInfinity();

    PCollectionTuple twins =
        pipeline
            .apply(stream)
            .apply(
                DatacenterTwins.create()
                    .withConfig(TwinsConfig.defaults().withLearnedBaseline(false)));
    PAssert.that(twins.get(DatacenterTwins.DEAD_LETTERS))
        .satisfies(
            all -> {
              List<String> letters = new ArrayList<>();
              all.forEach(letter -> letters.add(letter.reason() + " " + letter.source()));
              assertThat(letters, contains("UNCOMMISSIONED twin:node-1"));
              return null;
            });
    pipeline.run().waitUntilFinish();
  }

  /**
   * The DoFn on its own, its cells inspected: of a thousand hosts commissioned with one message of
   * samples each, the half decommissioned an hour later leave no state then; the others keep their
   * mapping until 7 days after their interval, as the server twin keeps their server, and nothing
   * after: no key, no timer.
   */
  @Test
  public void theStateOfDecommissionedAndForgottenHostsIsCleared() {
    AssembleReportsFn fn =
        new AssembleReportsFn(AssemblyConfig.defaults(), ServerTwin.DEFAULT_GONE_AFTER_MS);
    fn.setup();
    KeyedDoFnHarness<String, Message, KV<String, Message>> assembly =
        new KeyedDoFnHarness<>(
            fn,
            KvCoder.of(StringUtf8Coder.of(), MessageCoder.of()),
            AssembleReportsFn.REPORTS,
            List.of(AssembleReportsFn.DEAD_LETTERS));
    int hosts = 1_000;
    long decommissioned = T0 + 3_600 * S;
    for (int i = 0; i < hosts; i++) {
      String host = "node-" + i;
      String server = "s" + i;
      assembly.process(host, new CommissionServer(server, "r", "dc1", T0 - S, host), T0 - S);
      assembly.process(
          host, new AgentSamples(host, T0 + S, List.of(gauge("load", 1, T0 + S))), T0 + S);
      if (i % 2 == 0) {
        assembly.process(
            host, new DecommissionServer(server, "r", "dc1", decommissioned, host), decommissioned);
      }
    }
    assembly.advanceWatermark(decommissioned - 1);
    assertThat("hosts with their mapping", assembly.keysWithState(), equalTo(hosts));
    assembly.advanceWatermark(decommissioned + 1);
    assertThat("hosts not decommissioned", assembly.keysWithState(), equalTo(hosts / 2));

    long expiry = T0 + 10 * S + ServerTwin.DEFAULT_GONE_AFTER_MS;
    assembly.advanceWatermark(expiry - 1);
    assertThat(assembly.keysWithState(), equalTo(hosts / 2));
    assembly.advanceWatermark(expiry + 1);
    assertThat("hosts with state", assembly.keysWithState(), equalTo(0));
    assertThat("timers", assembly.pendingTimers(), equalTo(0));
    assertThat(
        "one report each", assembly.outputs(AssembleReportsFn.REPORTS), equalTo((long) hosts));
  }

  /**
   * The assembly's own state cell; its pending bag holds messages, pinned by MessageCoder's.
   * Version 2 added when the mapping was last confirmed; a state of version 1 has none.
   */
  @Test
  public void theAssemblerStateIsPinned() {
    GoldenBytes.assertPinned(
        "RecordCoder-AssemblerState",
        2,
        RecordCoder.of(AssemblerState.class),
        assemblerState(T0 + 60 * S));
    GoldenBytes.assertDecodes(
        "RecordCoder-AssemblerState",
        1,
        RecordCoder.of(AssemblerState.class),
        assemblerState(null));
  }

  private static AssemblerState assemblerState(Long mappingSeen) {
    return new AssemblerState(
        "dc1-r01-s01",
        T0 + 60 * S,
        Map.of(
            "network.octetsIn{device=\"eth0\"}",
            new AssemblerState.Series(T0 + 51 * S, 1.5e12, 1.25e6),
            "http_requests",
            new AssemblerState.Series(T0 + 52 * S, 30, Double.NaN)),
        mappingSeen);
  }

  private static MetricSample cpuTime(String cpu, String state, double seconds, long time) {
    return sample(
        "cpu.time", Map.of("cpu", cpu, "state", state), seconds, time, MetricSample.Kind.COUNTER);
  }

  private static TimestampedValue<Message> timestamped(Message message) {
    return TimestampedValue.of(message, new Instant(message.eventTime()));
  }
}

package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.RecordCoder;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.models.agents.AssemblerState;
import dev.dctwin.models.agents.AssemblyConfig;
import dev.dctwin.models.agents.AssemblyStep;
import dev.dctwin.models.agents.ReportAssembler;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.coders.VarLongCoder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.StateSpecs;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.Timer;
import org.apache.beam.sdk.state.TimerSpec;
import org.apache.beam.sdk.state.TimerSpecs;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TupleTag;
import org.joda.time.Instant;

/**
 * The report assembly of one host, keyed by the agents' host name: keeps the host's agent samples
 * and the commissionings and decommissionings that name it until event time passes their reporting
 * interval's end (or their own time), then runs the {@link ReportAssembler} and sends the reports,
 * keyed by server id, to the server twins
 * (transforms/src/main/java/dev/dctwin/models/agents/ASSEMBLY.md).
 *
 * <p>One event-time timer per host, at the end of the earliest interval with pending samples: the
 * watermark passing it means the interval is complete, whatever order the samples came in, so a
 * replay gives the same reports.
 */
final class AssembleReportsFn extends DoFn<KV<String, Message>, KV<String, Message>> {
  static final TupleTag<KV<String, Message>> REPORTS = new TupleTag<>() {};
  static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  // The host's inputs until their interval ends: a bag takes each message without reading or
  // rewriting what already waits (an agent may send a message per metric).
  @StateId("pending")
  private final StateSpec<BagState<Message>> pendingSpec = StateSpecs.bag(MessageCoder.of());

  // What the host keeps between reports: its server and when that was last confirmed, its last
  // report, its counters' last samples.
  @StateId("assembler")
  private final StateSpec<ValueState<AssemblerState>> assemblerSpec =
      StateSpecs.value(RecordCoder.of(AssemblerState.class));

  // When the timer is set: Beam cannot read a timer back, and a new input must not move an
  // earlier flush later.
  @StateId("wakeUpAt")
  private final StateSpec<ValueState<Long>> wakeUpAtSpec = StateSpecs.value(VarLongCoder.of());

  @TimerId("flush")
  private final TimerSpec flushSpec = TimerSpecs.timer(TimeDomain.EVENT_TIME);

  private static final WireCodec CODEC = WireCodec.withDefaults();

  private final AssemblyConfig config;
  private final long mappingTtlMs;
  private final Counter reports = Metrics.counter(DatacenterTwins.class, "assembled_reports");
  private final Counter lateMerged =
      Metrics.counter(DatacenterTwins.class, "assembly_late_samples_merged");
  private final Counter superseded =
      Metrics.counter(DatacenterTwins.class, "assembly_superseded_samples");
  private final Counter notFinite =
      Metrics.counter(DatacenterTwins.class, "assembly_samples_not_finite");
  private final Counter resets = Metrics.counter(DatacenterTwins.class, "assembly_counter_resets");
  private final Counter wraps = Metrics.counter(DatacenterTwins.class, "assembly_counter_wraps");
  private final Counter gaps = Metrics.counter(DatacenterTwins.class, "assembly_rate_gaps");
  private final Map<DeadLetterReason, Counter> deadLettersByReason =
      new EnumMap<>(DeadLetterReason.class);
  private transient ReportAssembler model;

  /**
   * @param mappingTtlMs how long a host's server is remembered without a commissioning or a sample
   *     of the host: the server twins' {@link TwinsConfig#serverGoneAfterMs()}
   */
  AssembleReportsFn(AssemblyConfig config, long mappingTtlMs) {
    this.config = config;
    this.mappingTtlMs = mappingTtlMs;
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      deadLettersByReason.put(reason, Metrics.counter(DatacenterTwins.class, reason.counterName()));
    }
  }

  @Setup
  public void setup() {
    model = new ReportAssembler(config, mappingTtlMs);
  }

  @ProcessElement
  public void processElement(
      @Element KV<String, Message> element,
      @StateId("pending") BagState<Message> pending,
      @StateId("wakeUpAt") ValueState<Long> wakeUpAt,
      @TimerId("flush") Timer flush) {
    Message input = element.getValue();
    pending.add(input);
    long due = model.dueTime(input);
    Long scheduled = wakeUpAt.read();
    if (scheduled == null || due < scheduled) {
      flush.set(new Instant(due));
      wakeUpAt.write(due);
    }
  }

  @OnTimer("flush")
  public void onFlush(
      OnTimerContext context,
      @Key String host,
      @StateId("pending") BagState<Message> pending,
      @StateId("assembler") ValueState<AssemblerState> assembler,
      @StateId("wakeUpAt") ValueState<Long> wakeUpAt,
      @TimerId("flush") Timer flush,
      MultiOutputReceiver out) {
    long now = context.fireTimestamp().getMillis();
    List<Message> inputs = new ArrayList<>();
    pending.read().forEach(inputs::add);
    AssemblerState stored = assembler.read();
    AssemblyStep step =
        model.flush(host, stored == null ? AssemblerState.empty() : stored, inputs, now);

    for (ServerMetricReport report : step.reports()) {
      reports.inc();
      out.get(REPORTS).output(KV.of(report.serverId(), report));
    }
    for (AssemblyStep.Rejected rejection : step.rejected()) {
      deadLettersByReason.get(rejection.reason()).inc();
      out.get(DEAD_LETTERS)
          .output(
              DeadLetter.of(
                  "assembly:" + host,
                  rejection.reason(),
                  rejection.detail(),
                  CODEC.encode(rejection.payload()),
                  System.currentTimeMillis()));
    }
    AssemblyStep.Counts counts = step.counts();
    lateMerged.inc(counts.lateMerged());
    superseded.inc(counts.superseded());
    notFinite.inc(counts.notFinite());
    resets.inc(counts.resets());
    wraps.inc(counts.wraps());
    gaps.inc(counts.gaps());

    if (!step.pending().equals(inputs)) {
      pending.clear();
      step.pending().forEach(pending::add);
    }
    if (step.state() == null) {
      assembler.clear();
    } else {
      assembler.write(step.state());
    }
    // When nothing is due, the timer that fired is forgotten, not cleared (see EventTimeBuffer).
    if (step.wakeUpAt().isPresent()) {
      long next = step.wakeUpAt().getAsLong();
      flush.set(new Instant(next));
      wakeUpAt.write(next);
    } else {
      wakeUpAt.clear();
    }
  }
}

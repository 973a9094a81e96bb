package dev.dctwin.twins;

import dev.dctwin.codec.MessageCoder;
import dev.dctwin.codec.ReceivedCoder;
import dev.dctwin.codec.RecordCoder;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.AgentSamples;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.GetUnhealthyRacks;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.Received;
import dev.dctwin.domain.ServerIncidents;
import dev.dctwin.domain.ServerStatusUpdate;
import dev.dctwin.domain.UnhealthyRacks;
import dev.dctwin.models.ServerTwin;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.apache.beam.sdk.values.TypeDescriptor;
import org.apache.beam.sdk.values.TypeDescriptors;

/**
 * The three layers of digital twins as one transform. Input: metric reports, monitoring agents'
 * samples (assembled into reports per host and interval first), the BMC's sensor readings (attached
 * by the server twin to the reports that follow them), provisioning events and operator queries and
 * maintenance windows, timestamped with their event time. Output: {@link #ALERTS} at server, rack
 * and datacenter level, marked when in maintenance, {@link #ANSWERS} to queries, every server's
 * {@link #SERVER_STATUS} when it changes, and {@link #DEAD_LETTERS} (reports and readings of
 * uncommissioned servers, out-of-order reports, maintenance of unknown servers, late or surplus
 * agent samples, messages that are not an input of the twins).
 *
 * <p>{@link #withOrigins()} takes the messages {@link dev.dctwin.codec.ParseMessages#withOrigins()}
 * gives, with the origin of their records: then the dead letters of the routing and of the server
 * twins, each of which rejects one input message, name its origin too.
 *
 * <pre>
 * samples, (de)commissionings naming a host --> AssembleReports (by host) --reports--+
 *                                                                                    v
 * messages --route--> ServerTwin (by server) --incidents--> RackTwin (by rack)
 *              |          | server windows, statuses        |  server alerts ----------+
 *              |          |                                 v  rack changes            |
 *              +--queries-|---------------------> DataCenterTwin (by datacenter)       |
 *              |          |                           rack + datacenter alerts --------+
 *              |          v                           answers --> ANSWERS              v
 *              +--rack and datacenter windows--> Maintenance (by datacenter) <-- all alerts
 *                                                    marked alerts --> ALERTS
 * </pre>
 */
public final class DatacenterTwins extends PTransform<PCollection<Message>, PCollectionTuple> {
  public static final TupleTag<Alert> ALERTS = new TupleTag<>() {};
  public static final TupleTag<UnhealthyRacks> ANSWERS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  /** Every server's status when it changes, for the {@code server_status} table. */
  public static final TupleTag<ServerStatusUpdate> SERVER_STATUS = new TupleTag<>() {};

  private static final TupleTag<KV<String, Message>> TO_ASSEMBLY = new TupleTag<>() {};
  private static final TupleTag<KV<String, Received>> TO_SERVERS = new TupleTag<>() {};
  private static final TupleTag<KV<String, Message>> TO_DATACENTERS = new TupleTag<>() {};
  private static final TupleTag<KV<String, Message>> TO_MAINTENANCE = new TupleTag<>() {};
  private static final TupleTag<DeadLetter> NOT_FOR_TWINS = new TupleTag<>() {};

  private final TwinsConfig config;

  private DatacenterTwins(TwinsConfig config) {
    this.config = config;
  }

  public static DatacenterTwins create() {
    return new DatacenterTwins(TwinsConfig.defaults());
  }

  public DatacenterTwins withConfig(TwinsConfig newConfig) {
    return new DatacenterTwins(newConfig);
  }

  /** The twins of messages with their origins, for dead letters that name them. */
  public WithOrigins withOrigins() {
    return new WithOrigins(config);
  }

  /** {@link DatacenterTwins} of {@link Received} messages: the same steps and outputs. */
  public static final class WithOrigins
      extends PTransform<PCollection<Received>, PCollectionTuple> {
    private final TwinsConfig config;

    private WithOrigins(TwinsConfig config) {
      this.config = config;
    }

    @Override
    public PCollectionTuple expand(PCollection<Received> received) {
      return twins(received, config);
    }
  }

  @Override
  public PCollectionTuple expand(PCollection<Message> messages) {
    return twins(
        messages
            .apply(
                "OfUnknownOrigin",
                MapElements.into(TypeDescriptor.of(Received.class))
                    .via((Message message) -> new Received(message, null)))
            .setCoder(ReceivedCoder.of()),
        config);
  }

  private static PCollectionTuple twins(PCollection<Received> messages, TwinsConfig config) {
    KvCoder<String, Message> keyedMessages = KvCoder.of(StringUtf8Coder.of(), MessageCoder.of());
    KvCoder<String, Received> keyedReceived = KvCoder.of(StringUtf8Coder.of(), ReceivedCoder.of());
    RecordCoder<Alert> alertCoder = RecordCoder.of(Alert.class);
    RecordCoder<DeadLetter> deadLetterCoder = RecordCoder.of(DeadLetter.class);

    PCollectionTuple routed =
        messages.apply(
            "RouteToTwins",
            ParDo.of(new RouteFn())
                .withOutputTags(
                    TO_SERVERS,
                    TupleTagList.of(TO_DATACENTERS)
                        .and(TO_MAINTENANCE)
                        .and(TO_ASSEMBLY)
                        .and(NOT_FOR_TWINS)));
    routed.get(TO_SERVERS).setCoder(keyedReceived);
    routed.get(TO_ASSEMBLY).setCoder(keyedMessages);
    routed.get(TO_DATACENTERS).setCoder(keyedMessages);
    routed.get(TO_MAINTENANCE).setCoder(keyedMessages);
    routed.get(NOT_FOR_TWINS).setCoder(deadLetterCoder);

    PCollectionTuple assembled =
        routed
            .get(TO_ASSEMBLY)
            .apply(
                "AssembleReports",
                ParDo.of(new AssembleReportsFn(config.assembly(), config.serverGoneAfterMs()))
                    .withOutputTags(
                        AssembleReportsFn.REPORTS,
                        TupleTagList.of(AssembleReportsFn.DEAD_LETTERS)));
    assembled.get(AssembleReportsFn.REPORTS).setCoder(keyedMessages);
    assembled.get(AssembleReportsFn.DEAD_LETTERS).setCoder(deadLetterCoder);

    // An assembled report merges samples of many messages: it has no single origin.
    PCollection<KV<String, Received>> reports =
        assembled
            .get(AssembleReportsFn.REPORTS)
            .apply(
                "OfNoSingleOrigin",
                MapElements.into(
                        TypeDescriptors.kvs(
                            TypeDescriptors.strings(), TypeDescriptor.of(Received.class)))
                    .via(
                        (KV<String, Message> report) ->
                            KV.of(report.getKey(), new Received(report.getValue(), null))))
            .setCoder(keyedReceived);
    PCollectionTuple servers =
        PCollectionList.of(routed.get(TO_SERVERS))
            .and(reports)
            .apply("MessagesAndAssembledReports", Flatten.pCollections())
            .apply(
                "ServerTwins",
                ParDo.of(new ServerTwinFn(config))
                    .withOutputTags(
                        ServerTwinFn.TO_RACK,
                        TupleTagList.of(ServerTwinFn.DEAD_LETTERS)
                            .and(ServerTwinFn.TO_MAINTENANCE)
                            .and(ServerTwinFn.SERVER_STATUS)));
    servers
        .get(ServerTwinFn.TO_RACK)
        .setCoder(KvCoder.of(StringUtf8Coder.of(), RecordCoder.of(ServerIncidents.class)));
    servers.get(ServerTwinFn.DEAD_LETTERS).setCoder(deadLetterCoder);
    servers.get(ServerTwinFn.TO_MAINTENANCE).setCoder(keyedMessages);
    servers.get(ServerTwinFn.SERVER_STATUS).setCoder(RecordCoder.of(ServerStatusUpdate.class));

    PCollectionTuple racks =
        servers
            .get(ServerTwinFn.TO_RACK)
            .apply(
                "RackTwins",
                ParDo.of(new RackTwinFn(config))
                    .withOutputTags(
                        RackTwinFn.SERVER_ALERTS, TupleTagList.of(RackTwinFn.TO_DATACENTER)));
    racks.get(RackTwinFn.SERVER_ALERTS).setCoder(alertCoder);
    racks.get(RackTwinFn.TO_DATACENTER).setCoder(keyedMessages);

    PCollectionTuple datacenters =
        PCollectionList.of(racks.get(RackTwinFn.TO_DATACENTER))
            .and(routed.get(TO_DATACENTERS))
            .apply("RackChangesAndQueries", Flatten.pCollections())
            .apply(
                "DataCenterTwins",
                ParDo.of(new DataCenterTwinFn(config))
                    .withOutputTags(
                        DataCenterTwinFn.ALERTS, TupleTagList.of(DataCenterTwinFn.ANSWERS)));
    datacenters.get(DataCenterTwinFn.ALERTS).setCoder(alertCoder);
    datacenters.get(DataCenterTwinFn.ANSWERS).setCoder(RecordCoder.of(UnhealthyRacks.class));

    PCollection<KV<String, Message>> alertsByDatacenter =
        PCollectionList.of(racks.get(RackTwinFn.SERVER_ALERTS))
            .and(datacenters.get(DataCenterTwinFn.ALERTS))
            .apply("AllAlerts", Flatten.pCollections())
            .apply("ByDatacenter", ParDo.of(new KeyByDatacenterFn()))
            .setCoder(keyedMessages);
    PCollection<Alert> alerts =
        PCollectionList.of(alertsByDatacenter)
            .and(routed.get(TO_MAINTENANCE))
            .and(servers.get(ServerTwinFn.TO_MAINTENANCE))
            .apply("AlertsAndWindows", Flatten.pCollections())
            .apply("Maintenance", ParDo.of(new MaintenanceFn(config)))
            .setCoder(alertCoder);
    PCollection<DeadLetter> deadLetters =
        PCollectionList.of(routed.get(NOT_FOR_TWINS))
            .and(assembled.get(AssembleReportsFn.DEAD_LETTERS))
            .and(servers.get(ServerTwinFn.DEAD_LETTERS))
            .apply("AllDeadLetters", Flatten.pCollections());

    return PCollectionTuple.of(ALERTS, alerts)
        .and(ANSWERS, datacenters.get(DataCenterTwinFn.ANSWERS))
        .and(DEAD_LETTERS, deadLetters)
        .and(SERVER_STATUS, servers.get(ServerTwinFn.SERVER_STATUS));
  }

  /** Every alert to its datacenter's maintenance calendar. */
  static final class KeyByDatacenterFn extends DoFn<Alert, KV<String, Message>> {
    @ProcessElement
    public void processElement(@Element Alert alert, OutputReceiver<KV<String, Message>> out) {
      out.output(KV.of(alert.datacenterId(), alert));
    }
  }

  /** Sends each message to the twin that owns it; the server twins get its origin with it. */
  static final class RouteFn extends DoFn<Received, KV<String, Received>> {
    private static final WireCodec CODEC = WireCodec.withDefaults();
    private final Counter notForTwins =
        Metrics.counter(DatacenterTwins.class, DeadLetterReason.UNEXPECTED_TYPE.counterName());

    @ProcessElement
    public void processElement(@Element Received received, MultiOutputReceiver out) {
      Message message = received.message();
      String serverId = ServerTwin.serverIdOf(message);
      if (message instanceof CommissionServer commission && commission.hostname() != null) {
        // The host's assembly learns which server its reports go to.
        out.get(TO_ASSEMBLY).output(KV.of(commission.hostname(), message));
      } else if (message instanceof DecommissionServer decommission
          && decommission.hostname() != null) {
        // ... and forgets it.
        out.get(TO_ASSEMBLY).output(KV.of(decommission.hostname(), message));
      }
      if (message instanceof AgentSamples samples) {
        out.get(TO_ASSEMBLY).output(KV.of(samples.host(), message));
      } else if (serverId != null) {
        out.get(TO_SERVERS).output(KV.of(serverId, received));
      } else if (message instanceof GetUnhealthyRacks query) {
        out.get(TO_DATACENTERS).output(KV.of(query.datacenterId(), message));
      } else if (message instanceof MaintenanceWindow window) {
        // Rack and datacenter windows: the wire format requires their datacenter.
        out.get(TO_MAINTENANCE).output(KV.of(window.datacenterId(), message));
      } else {
        notForTwins.inc();
        out.get(NOT_FOR_TWINS)
            .output(
                DeadLetter.of(
                    "twins",
                    DeadLetterReason.UNEXPECTED_TYPE,
                    "'" + message.type().wireName() + "' is not an input of the twins",
                    CODEC.encode(message),
                    System.currentTimeMillis(),
                    received.origin(),
                    DeadLetter.DEFAULT_MAX_KEPT_BYTES));
      }
    }
  }
}

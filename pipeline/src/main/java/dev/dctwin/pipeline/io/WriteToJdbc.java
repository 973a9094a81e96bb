package dev.dctwin.pipeline.io;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.codec.VersionedCoder;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.FieldLimits;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.ServerStatusUpdate;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.KvCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
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
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.joda.time.Duration;
import org.joda.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerts, server statuses and dead letters into the tables of {@code db/<dialect>/V*.sql}: batched,
 * one transaction per batch, idempotent statements (an upsert keyed by incident id; one keyed by
 * server id that keeps the latest status; dead letters keyed by a content hash), so that the
 * at-least-once delivery of a replay or a retried batch leaves each incident once, in its latest
 * state.
 *
 * <p>A database outage stops nothing ({@link Write}): a batch that meets a transient error ({@link
 * TransientSqlErrors}: a lost or refused connection, a serialization conflict, a server short of
 * resources) is retried for a few seconds, then its rows wait in a backlog in Beam state, retried
 * on a timer with backoff, while the rest of the job (the Kafka sinks above all) goes on; new rows
 * follow them there without touching the database until it answers again. Only a backlog beyond
 * {@code --jdbcMaxBacklogRows} blocks, for up to {@code --jdbcMaxOutageSeconds}. Any other error
 * splits the batch ({@link JdbcBatchWriter}): its rows are written one by one, with the same
 * statement, so that the good rows land exactly as they would have, and a row that the database
 * refuses for good (a value too long for its column, a constraint: {@link
 * TransientSqlErrors#isRecordError}) leaves as a dead letter {@code SINK_REJECTED} with the
 * database's error (counter {@code dead_letter_sink_rejected}), and the job goes on. An error that
 * no row of the batch escapes and that is not about a row (a missing table or privilege) fails the
 * bundle: the database, not the data, needs fixing.
 *
 * <p>Dead letters fit their columns before they are written ({@link JdbcColumnLimits#fit}), so the
 * dead-letter table refuses none for its sizes; one it refuses anyway is logged and counted ({@code
 * dead_letters_unwritable}), never sent around again.
 *
 * <p>Not JdbcIO's writer: it can only retry a batch or fail the bundle. See pipeline/IO.md.
 */
public final class WriteToJdbc {
  private static final Logger LOG = LoggerFactory.getLogger(WriteToJdbc.class);

  /** Backlog shards per table: each holds up to {@code --jdbcMaxBacklogRows / 4} rows. */
  static final int BACKLOG_SHARDS = 4;

  /** Waiting of a non-blocking write for a transient error to pass, per batch. */
  private static final Duration QUICK_RETRIES = Duration.standardSeconds(2);

  /**
   * Waiting of a connection for the database to accept it again: none, one connection attempt per
   * write attempt, so that {@link #QUICK_RETRIES} bounds the wait of a non-blocking write.
   */
  private static final Duration RECONNECT_WAIT = Duration.ZERO;

  /** The first and the longest wait between two tries of an unreachable database. */
  private static final Duration FIRST_RETRY = Duration.standardSeconds(2);

  private static final Duration LONGEST_RETRY = Duration.standardSeconds(30);

  private static final WireCodec CODEC = WireCodec.withDefaults();

  private WriteToJdbc() {}

  /** Alerts into {@code alerts}; the rows the database refuses come out as dead letters. */
  public static PTransform<PCollection<Alert>, PCollection<DeadLetter>> alerts(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new Write<>(
        new WriteFn<>(
            target,
            "alerts",
            dialect.upsertAlert(target.table("alerts")),
            (Alert alert, PreparedStatement statement) -> bindAlert(dialect, alert, statement),
            new AlertRejected("alerts"),
            batchSize));
  }

  /**
   * Every alert as a row of the append-only {@code alert_events}: inserted once per incident and
   * transition, a repeated one is ignored. The rows the database refuses come out as dead letters.
   */
  public static PTransform<PCollection<Alert>, PCollection<DeadLetter>> alertEvents(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new Write<>(
        new WriteFn<>(
            target,
            "alert_events",
            dialect.insertAlertEvent(target.table("alert_events")),
            (Alert alert, PreparedStatement statement) -> bindAlertEvent(dialect, alert, statement),
            new AlertRejected("alert_events"),
            batchSize));
  }

  /**
   * Server statuses into {@code server_status}: one row per server, overwritten only by a status
   * that is not older ({@link JdbcDialect#upsertServerStatus}). The rows the database refuses come
   * out as dead letters.
   */
  public static PTransform<PCollection<ServerStatusUpdate>, PCollection<DeadLetter>> serverStatus(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new Write<>(
        new WriteFn<>(
            target,
            "server_status",
            dialect.upsertServerStatus(target.table("server_status")),
            (ServerStatusUpdate status, PreparedStatement statement) ->
                bindServerStatus(dialect, status, statement),
            new ServerStatusRejected(),
            batchSize));
  }

  /** Dead letters into {@code dead_letters}; one the database refuses is logged and counted. */
  public static PTransform<PCollection<DeadLetter>, PDone> deadLetters(
      JdbcTarget target, long batchSize) {
    JdbcDialect dialect = target.dialect();
    return new WriteDeadLetterRows(
        new Write<>(
            new WriteFn<>(
                target,
                "dead_letters",
                dialect.insertDeadLetter(target.table("dead_letters")),
                (DeadLetter letter, PreparedStatement statement) ->
                    bindDeadLetter(dialect, letter, statement),
                null,
                batchSize)));
  }

  /** Dead letters into their table; the writer refuses to send any around again. */
  private static final class WriteDeadLetterRows
      extends PTransform<PCollection<DeadLetter>, PDone> {
    private final Write<DeadLetter> write;

    WriteDeadLetterRows(Write<DeadLetter> write) {
      this.write = write;
    }

    @Override
    public PDone expand(PCollection<DeadLetter> letters) {
      letters.apply("Rows", write);
      return PDone.in(letters.getPipeline());
    }
  }

  static void bindAlert(JdbcDialect dialect, Alert alert, PreparedStatement statement)
      throws SQLException {
    boolean resolved = alert.status() == AlertStatus.RESOLVED;
    int i = 0;
    statement.setString(++i, alert.incidentId());
    statement.setString(++i, alert.status().name());
    statement.setString(++i, alert.level().name());
    statement.setString(++i, alert.entity());
    statement.setString(++i, alert.datacenterId());
    statement.setString(++i, alert.rackId());
    statement.setString(++i, alert.incidentType().name());
    statement.setString(++i, alert.incidentType().category().name());
    statement.setString(++i, alert.severity().name());
    statement.setString(++i, alert.rootCause() == null ? null : alert.rootCause().name());
    statement.setString(++i, alert.explainedBy());
    statement.setString(++i, alert.context());
    dialect.setTime(statement, ++i, alert.openedAt());
    dialect.setTime(statement, ++i, resolved ? alert.eventTime() : null);
    dialect.setTime(statement, ++i, alert.eventTime());
    statement.setString(++i, resolved ? null : alert.id());
    statement.setString(++i, resolved ? alert.id() : null);
  }

  static void bindAlertEvent(JdbcDialect dialect, Alert alert, PreparedStatement statement)
      throws SQLException {
    int i = 0;
    statement.setString(++i, alert.incidentId());
    statement.setString(++i, alert.status().name());
    dialect.setTime(statement, ++i, alert.eventTime());
    statement.setString(++i, alert.level().name());
    statement.setString(++i, alert.entity());
    statement.setString(++i, alert.datacenterId());
    statement.setString(++i, alert.rackId());
    statement.setString(++i, alert.incidentType().name());
    statement.setString(++i, alert.incidentType().category().name());
    statement.setString(++i, alert.severity().name());
    statement.setString(++i, alert.rootCause() == null ? null : alert.rootCause().name());
    statement.setString(++i, alert.explainedBy());
    statement.setBoolean(++i, alert.inMaintenance());
    statement.setString(++i, alert.context());
    dialect.setTime(statement, ++i, alert.openedAt());
  }

  static void bindServerStatus(
      JdbcDialect dialect, ServerStatusUpdate status, PreparedStatement statement)
      throws SQLException {
    int i = 0;
    statement.setString(++i, status.serverId());
    statement.setString(++i, status.rackId());
    statement.setString(++i, status.datacenterId());
    statement.setString(++i, status.lifecycle().name());
    statement.setInt(++i, status.openIncidents().size());
    statement.setString(++i, incidentTypes(status));
    dialect.setTime(statement, ++i, status.lastReportTime());
    if (status.baselineReady() == null) {
      statement.setNull(++i, Types.BOOLEAN);
    } else {
      statement.setBoolean(++i, status.baselineReady());
    }
    dialect.setTime(statement, ++i, status.baselineExpectedReadyAt());
    dialect.setTime(statement, ++i, status.eventTime());
  }

  /** The open incident types by name, comma-separated: the same text for the same set. */
  static String incidentTypes(ServerStatusUpdate status) {
    return status.openIncidents().stream()
        .map(IncidentType::name)
        .sorted()
        .collect(Collectors.joining(","));
  }

  static void bindDeadLetter(JdbcDialect dialect, DeadLetter letter, PreparedStatement statement)
      throws SQLException {
    int i = 0;
    statement.setString(++i, deadLetterId(letter));
    statement.setString(
        ++i, JdbcColumnLimits.fit(letter.source(), JdbcColumnLimits.DEAD_LETTER_SOURCE));
    statement.setString(++i, letter.reason().name());
    statement.setString(
        ++i, JdbcColumnLimits.fit(letter.detail(), JdbcColumnLimits.DEAD_LETTER_DETAIL));
    statement.setBytes(++i, letter.payload());
    dialect.setTime(statement, ++i, letter.receivedAt());
    MessageOrigin origin = letter.origin();
    // The letter cut topic and file to these sizes already; fit also drops NUL characters.
    statement.setString(
        ++i,
        origin == null
            ? null
            : JdbcColumnLimits.fit(origin.topic(), FieldLimits.DEAD_LETTER_ORIGIN));
    statement.setObject(++i, origin == null ? null : origin.partition(), Types.INTEGER);
    statement.setObject(++i, origin == null ? null : origin.offset(), Types.BIGINT);
    statement.setString(
        ++i,
        origin == null
            ? null
            : JdbcColumnLimits.fit(origin.file(), FieldLimits.DEAD_LETTER_ORIGIN));
    statement.setObject(++i, origin == null ? null : origin.line(), Types.BIGINT);
    statement.setLong(++i, letter.payloadLength());
    statement.setString(++i, letter.payloadSha256());
  }

  /** The same letter (a retried or replayed bundle) always gets the same id. */
  static String deadLetterId(DeadLetter letter) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(letter.source().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(Long.toString(letter.receivedAt()).getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(letter.payload());
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  /** Binds one row's parameters. */
  interface Binder<T> extends Serializable {
    void bind(T element, PreparedStatement statement) throws SQLException;
  }

  /** The dead letter of a row that the database refused for good. */
  interface Rejected<T> extends Serializable {
    DeadLetter deadLetter(T element, String error);
  }

  /** An alert as a dead letter: its wire JSON, its table and entity, the database's error. */
  private static final class AlertRejected implements Rejected<Alert> {
    private final String table;

    AlertRejected(String table) {
      this.table = table;
    }

    @Override
    public DeadLetter deadLetter(Alert alert, String error) {
      byte[] payload;
      try {
        payload = CODEC.encode(alert);
      } catch (RuntimeException e) {
        payload = alert.toString().getBytes(StandardCharsets.UTF_8);
      }
      return DeadLetter.of(
          "jdbc:" + table + ":" + alert.entity(),
          DeadLetterReason.SINK_REJECTED,
          "the database refused the row of incident " + alert.incidentId() + " for good: " + error,
          payload,
          System.currentTimeMillis());
    }
  }

  /** A server status as a dead letter: its record as text, the server, the database's error. */
  private static final class ServerStatusRejected implements Rejected<ServerStatusUpdate> {
    @Override
    public DeadLetter deadLetter(ServerStatusUpdate status, String error) {
      return DeadLetter.of(
          "jdbc:server_status:" + status.serverId(),
          DeadLetterReason.SINK_REJECTED,
          "the database refused the status of server "
              + status.serverId()
              + " at "
              + status.eventTime()
              + " for good: "
              + error,
          status.toString().getBytes(StandardCharsets.UTF_8),
          System.currentTimeMillis());
    }
  }

  /**
   * The sink of one table in two steps: {@link WriteFn} writes each bundle's rows as they come and
   * hands the rows that meet an unreachable database to {@link BacklogFn}, keyed by a shard, which
   * holds them in its state and retries them on a timer. Both output the dead letters of refused
   * rows. Why two steps and not one stateful step: pipeline/IO.md.
   */
  private static final class Write<T> extends PTransform<PCollection<T>, PCollection<DeadLetter>> {
    private final WriteFn<T> fn;

    Write(WriteFn<T> fn) {
      this.fn = fn;
    }

    @Override
    public PCollection<DeadLetter> expand(PCollection<T> input) {
      Coder<T> rowCoder = input.getCoder();
      if (!(rowCoder instanceof VersionedCoder)) {
        throw new IllegalArgumentException(
            "the rows of "
                + fn.table
                + " wait in Beam state during a database outage, so their coder must carry a"
                + " version (a VersionedCoder such as RecordCoder), not "
                + rowCoder);
      }
      RecordCoder<DeadLetter> letterCoder = RecordCoder.of(DeadLetter.class);
      PCollectionTuple written =
          input.apply(
              "JdbcWrite",
              ParDo.of(fn.withRowCoder(rowCoder))
                  .withOutputTags(WriteFn.REFUSED, TupleTagList.of(fn.deferredTag())));
      PCollection<DeadLetter> refusedLater =
          written
              .get(fn.deferredTag())
              .setCoder(KvCoder.of(VarIntCoder.of(), rowCoder))
              .apply("JdbcBacklog", ParDo.of(new BacklogFn<>(fn, rowCoder)))
              .setCoder(letterCoder);
      return PCollectionList.of(written.get(WriteFn.REFUSED).setCoder(letterCoder))
          .and(refusedLater)
          .apply("JdbcRefused", Flatten.pCollections());
    }
  }

  /**
   * Writes a bundle's rows in batches of {@code batchSize}, each in one transaction, and outputs
   * the dead letters of the rows that the database refused for good (see the class comment).
   *
   * <p>It never waits out an outage: a batch that still meets an unreachable database after a few
   * seconds of retries goes to the backlog ({@link BacklogFn}, output {@link #deferredTag()}), and
   * so do the rows of the next {@link OutageBackoff} wait, without touching the database.
   */
  static final class WriteFn<T> extends DoFn<T, DeadLetter> {
    static final TupleTag<DeadLetter> REFUSED = new TupleTag<>("refused") {};

    private final Counter rowsWritten = Metrics.counter(WriteToJdbc.class, "rows_written");
    private final Counter retries = Metrics.counter(WriteToJdbc.class, "retries");
    private final Counter batchesSplit = Metrics.counter(WriteToJdbc.class, "batches_split");
    private final Counter rejected =
        Metrics.counter(WriteToJdbc.class, DeadLetterReason.SINK_REJECTED.counterName());
    private final Counter unwritable =
        Metrics.counter(WriteToJdbc.class, "dead_letters_unwritable");
    private final Counter deferred = Metrics.counter(WriteToJdbc.class, "rows_deferred");
    private final Counter backlogRows = Metrics.counter(WriteToJdbc.class, "backlog_rows");

    private final JdbcTarget target;
    private final String table;
    private final String statement;
    private final Binder<T> binder;
    private final Rejected<T> rejection;
    private final long batchSize;
    private final TupleTag<KV<Integer, T>> deferredTag;
    private Coder<T> rowCoder;

    private transient Transactions<T> transactions;
    private transient JdbcBatchWriter<Pending<T>> writer;
    private transient OutageBackoff outage;
    private transient List<Pending<T>> pending;

    /** Dead letters of this bundle, output when it finishes, each in its row's window. */
    private transient List<Pending<DeadLetter>> refused;

    /** Rows of this bundle for the backlog, output when it finishes, each in its window. */
    private transient List<Pending<KV<Integer, T>>> postponed;

    /** A row with the timestamp and window its dead letter would have. */
    private record Pending<V>(V value, Instant timestamp, BoundedWindow window) {}

    WriteFn(
        JdbcTarget target,
        String table,
        String statement,
        Binder<T> binder,
        Rejected<T> rejection,
        long batchSize) {
      if (batchSize < 1) {
        throw new IllegalArgumentException("--jdbcBatchSize must be at least 1, not " + batchSize);
      }
      this.target = target;
      this.table = table;
      this.statement = statement;
      this.binder = binder;
      this.rejection = rejection;
      this.batchSize = batchSize;
      this.deferredTag = new TupleTag<>("deferred-" + table);
    }

    TupleTag<KV<Integer, T>> deferredTag() {
      return deferredTag;
    }

    /** The coder of the rows, whose bytes choose a row's backlog shard. */
    WriteFn<T> withRowCoder(Coder<T> coder) {
      this.rowCoder = coder;
      return this;
    }

    @Setup
    public void setup() {
      transactions = new Transactions<>(target, statement, binder);
      writer =
          new JdbcBatchWriter<>(
              table,
              rows -> transactions.write(rows.stream().map(Pending::value).toList()),
              batchSize,
              QUICK_RETRIES.getMillis(),
              Thread::sleep);
      outage = new OutageBackoff(FIRST_RETRY.getMillis(), LONGEST_RETRY.getMillis());
    }

    @StartBundle
    public void startBundle() {
      pending = new ArrayList<>();
      refused = new ArrayList<>();
      postponed = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element T row, @Timestamp Instant timestamp, BoundedWindow window)
        throws InterruptedException {
      pending.add(new Pending<>(row, timestamp, window));
      if (pending.size() >= batchSize) {
        flush();
      }
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws InterruptedException {
      flush();
      for (Pending<DeadLetter> letter : refused) {
        context.output(REFUSED, letter.value(), letter.timestamp(), letter.window());
      }
      refused.clear();
      for (Pending<KV<Integer, T>> row : postponed) {
        context.output(deferredTag, row.value(), row.timestamp(), row.window());
      }
      postponed.clear();
    }

    @Teardown
    public void teardown() {
      if (transactions != null) {
        transactions.close();
      }
    }

    private void flush() throws InterruptedException {
      if (pending.isEmpty()) {
        return;
      }
      List<Pending<T>> batch = pending;
      pending = new ArrayList<>();
      if (!outage.mayTry(System.currentTimeMillis())) {
        postpone(batch);
        return;
      }
      JdbcBatchWriter.Outcome<Pending<T>> outcome = writer.write(batch);
      rowsWritten.inc(outcome.written());
      retries.inc(outcome.retries());
      batchesSplit.inc(outcome.batchesSplit());
      for (JdbcBatchWriter.Refusal<Pending<T>> refusal : outcome.refused()) {
        reject(refusal.row(), refusal.error());
      }
      if (outcome.complete()) {
        if (outage.succeeded()) {
          LOG.info("{} can be written to again; its backlog follows on its timers", table);
        }
        return;
      }
      if (outage.failed(System.currentTimeMillis())) {
        LOG.warn(
            "cannot write to {} ({}): its rows wait in the backlog, retried with backoff, without"
                + " stopping the job (up to {} rows, then writes block)",
            table,
            TransientSqlErrors.describe(outcome.outage()),
            target.maxBacklogRows());
      }
      postpone(outcome.deferred());
    }

    private void postpone(List<Pending<T>> rows) {
      for (Pending<T> row : rows) {
        postponed.add(
            new Pending<>(
                KV.of(backlogShard(rowCoder, row.value()), row.value()),
                row.timestamp(),
                row.window()));
      }
      deferred.inc(rows.size());
      backlogRows.inc(rows.size());
    }

    private void reject(Pending<T> row, String error) {
      if (rejection == null) {
        unwritable.inc();
        LOG.error("a row for {} cannot be written and is dropped: {}", table, error);
        return;
      }
      rejected.inc();
      refused.add(
          new Pending<>(rejection.deadLetter(row.value(), error), row.timestamp(), row.window()));
    }
  }

  /**
   * The backlog of one table: the rows that met an unreachable database, per shard in a {@link
   * BagState} (the rows' own versioned coder), retried together on a processing-time timer with
   * {@link OutageBackoff}'s exponential waits; new rows join the backlog without touching the
   * database while it is not empty. When it holds {@code --jdbcMaxBacklogRows / SHARDS} rows, the
   * next row writes the whole backlog blocking, retrying for up to {@code --jdbcMaxOutageSeconds}
   * (backpressure: the sources wait, and Kafka keeps the input), and fails the bundle after that.
   * At the end of a bounded run ({@code @OnWindowExpiration}) the backlog is written the same way.
   */
  static final class BacklogFn<T> extends DoFn<KV<Integer, T>, DeadLetter> {
    private final Counter rowsWritten = Metrics.counter(WriteToJdbc.class, "rows_written");
    private final Counter retries = Metrics.counter(WriteToJdbc.class, "retries");
    private final Counter backlogRetries = Metrics.counter(WriteToJdbc.class, "backlog_retries");
    private final Counter backlogRows = Metrics.counter(WriteToJdbc.class, "backlog_rows");
    private final Counter blockingWrites =
        Metrics.counter(WriteToJdbc.class, "backlog_full_blocking_writes");
    private final Counter batchesSplit = Metrics.counter(WriteToJdbc.class, "batches_split");
    private final Counter rejected =
        Metrics.counter(WriteToJdbc.class, DeadLetterReason.SINK_REJECTED.counterName());
    private final Counter unwritable =
        Metrics.counter(WriteToJdbc.class, "dead_letters_unwritable");

    @StateId("rows")
    private final StateSpec<BagState<T>> rowsSpec;

    /**
     * How many rows {@code rows} holds (Beam's standard coder: see transforms/STATE-VERSIONS.md).
     */
    @StateId("size")
    private final StateSpec<ValueState<Long>> sizeSpec = StateSpecs.value(VarLongCoder.of());

    /** Failed retries of the backlog in a row, for the backoff. */
    @StateId("failures")
    private final StateSpec<ValueState<Integer>> failuresSpec = StateSpecs.value(VarIntCoder.of());

    @TimerId("retry")
    private final TimerSpec retrySpec = TimerSpecs.timer(TimeDomain.PROCESSING_TIME);

    private final JdbcTarget target;
    private final String table;
    private final String statement;
    private final Binder<T> binder;
    private final Rejected<T> rejection;
    private final long batchSize;
    private final long maxRowsPerShard;

    private transient Transactions<T> transactions;
    private transient OutageBackoff backoff;

    BacklogFn(WriteFn<T> write, Coder<T> rowCoder) {
      this.target = write.target;
      this.table = write.table;
      this.statement = write.statement;
      this.binder = write.binder;
      this.rejection = write.rejection;
      this.batchSize = write.batchSize;
      this.maxRowsPerShard = Math.max(1, target.maxBacklogRows() / BACKLOG_SHARDS);
      this.rowsSpec = StateSpecs.bag(rowCoder);
    }

    @Setup
    public void setup() {
      transactions = new Transactions<>(target, statement, binder);
      backoff = new OutageBackoff(FIRST_RETRY.getMillis(), LONGEST_RETRY.getMillis());
    }

    @Teardown
    public void teardown() {
      if (transactions != null) {
        transactions.close();
      }
    }

    @ProcessElement
    public void process(
        @Element KV<Integer, T> element,
        @StateId("rows") BagState<T> rows,
        @StateId("size") ValueState<Long> size,
        @StateId("failures") ValueState<Integer> failures,
        @TimerId("retry") Timer retry,
        OutputReceiver<DeadLetter> out)
        throws InterruptedException {
      long held = size.read() == null ? 0 : size.read();
      if (held < maxRowsPerShard) {
        rows.add(element.getValue());
        size.write(held + 1);
        if (held == 0) {
          failures.write(0);
          retry
              .withNoOutputTimestamp()
              .offset(Duration.millis(backoff.delayAfter(1)))
              .setRelative();
        }
        return;
      }
      blockingWrites.inc();
      LOG.warn(
          "the backlog of {} (shard {}) holds {} rows, its limit (--jdbcMaxBacklogRows {}):"
              + " writing it blocking, for up to {} s",
          table,
          element.getKey(),
          held,
          target.maxBacklogRows(),
          target.maxOutage().getStandardSeconds());
      List<T> all = new ArrayList<>();
      rows.read().forEach(all::add);
      all.add(element.getValue());
      writeBlocking(all, out);
      backlogRows.dec(held + 1);
      rows.clear();
      size.clear();
      failures.clear();
      retry.clear();
    }

    @OnTimer("retry")
    public void onRetry(
        @Key Integer shard,
        @StateId("rows") BagState<T> rows,
        @StateId("size") ValueState<Long> size,
        @StateId("failures") ValueState<Integer> failures,
        @TimerId("retry") Timer retry,
        OutputReceiver<DeadLetter> out)
        throws InterruptedException {
      List<T> held = new ArrayList<>();
      rows.read().forEach(held::add);
      if (held.isEmpty()) {
        return;
      }
      JdbcBatchWriter.Outcome<T> outcome = writer(QUICK_RETRIES).write(held);
      account(outcome, out);
      backlogRows.dec(held.size() - outcome.deferred().size());
      if (outcome.complete()) {
        int failed = failures.read() == null ? 0 : failures.read();
        LOG.info(
            "{} is reachable again: wrote the {} rows of its backlog shard {} after {} failed"
                + " retries",
            table,
            held.size(),
            shard,
            failed);
        rows.clear();
        size.clear();
        failures.clear();
        return;
      }
      backlogRetries.inc();
      int failed = (failures.read() == null ? 0 : failures.read()) + 1;
      failures.write(failed);
      if (outcome.deferred().size() < held.size()) {
        rows.clear();
        outcome.deferred().forEach(rows::add);
        size.write((long) outcome.deferred().size());
      }
      retry
          .withNoOutputTimestamp()
          .offset(Duration.millis(backoff.delayAfter(failed + 1)))
          .setRelative();
    }

    /** The end of a bounded run: the backlog is written before the run may finish. */
    @OnWindowExpiration
    public void onExpiration(
        @StateId("rows") BagState<T> rows,
        @StateId("size") ValueState<Long> size,
        OutputReceiver<DeadLetter> out)
        throws InterruptedException {
      List<T> held = new ArrayList<>();
      rows.read().forEach(held::add);
      if (!held.isEmpty()) {
        writeBlocking(held, out);
        backlogRows.dec(held.size());
      }
      rows.clear();
      size.clear();
    }

    private void writeBlocking(List<T> rows, OutputReceiver<DeadLetter> out)
        throws InterruptedException {
      JdbcBatchWriter.Outcome<T> outcome = writer(target.maxOutage()).write(rows);
      account(outcome, out);
      if (!outcome.complete()) {
        throw new IllegalStateException(
            "cannot write to "
                + table
                + " after retrying for up to "
                + target.maxOutage().getStandardSeconds()
                + " s: "
                + TransientSqlErrors.describe(outcome.outage())
                + " (the bundle fails and is retried)",
            outcome.outage());
      }
    }

    private JdbcBatchWriter<T> writer(Duration retryBudget) {
      return new JdbcBatchWriter<>(
          table, transactions::write, batchSize, retryBudget.getMillis(), Thread::sleep);
    }

    private void account(JdbcBatchWriter.Outcome<T> outcome, OutputReceiver<DeadLetter> out) {
      rowsWritten.inc(outcome.written());
      retries.inc(outcome.retries());
      batchesSplit.inc(outcome.batchesSplit());
      for (JdbcBatchWriter.Refusal<T> refusal : outcome.refused()) {
        if (rejection == null) {
          unwritable.inc();
          LOG.error("a row for {} cannot be written and is dropped: {}", table, refusal.error());
          continue;
        }
        rejected.inc();
        DeadLetter letter = rejection.deadLetter(refusal.row(), refusal.error());
        // Timers of this step hold no watermark (an outage must not hold the job's): the letter
        // is stamped with the time it was refused, and the step allows any skew.
        out.outputWithTimestamp(letter, new Instant(letter.receivedAt()));
      }
    }

    // Deprecated because outputs behind the input's timestamp may be late; in the global window
    // nothing downstream drops them, and a retry timer has no input timestamp to stay ahead of.
    @SuppressWarnings("deprecation")
    @Override
    public Duration getAllowedTimestampSkew() {
      return Duration.millis(Long.MAX_VALUE);
    }
  }

  /** The backlog shard of a row: a stable hash of its encoding, so that shards share the load. */
  static <T> int backlogShard(Coder<T> coder, T row) {
    try {
      return Math.floorMod(
          Arrays.hashCode(CoderUtils.encodeToByteArray(coder, row)), BACKLOG_SHARDS);
    } catch (CoderException e) {
      throw new IllegalStateException("cannot encode a row for the backlog", e);
    }
  }

  /** One transaction per batch on a connection kept across batches and reconnected when lost. */
  private static final class Transactions<T> {
    private final DataSource dataSource;
    private final String statement;
    private final Binder<T> binder;
    private Connection connection;

    Transactions(JdbcTarget target, String statement, Binder<T> binder) {
      // Reconnecting waits only briefly: an outage is waited out by the backlog, not by a thread.
      this.dataSource = target.withMaxOutage(RECONNECT_WAIT).dataSource();
      this.statement = statement;
      this.binder = binder;
    }

    void write(List<T> rows) throws SQLException {
      if (connection == null) {
        connection = dataSource.getConnection();
        connection.setAutoCommit(false);
      }
      Connection connection = this.connection;
      try (PreparedStatement prepared = connection.prepareStatement(statement)) {
        for (T row : rows) {
          binder.bind(row, prepared);
          prepared.addBatch();
        }
        prepared.executeBatch();
        connection.commit();
      } catch (SQLException e) {
        try {
          connection.rollback();
        } catch (SQLException rollbackFailed) {
          e.addSuppressed(rollbackFailed);
        }
        throw e;
      }
    }

    void close() {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          // Closing only releases what is left.
        }
        connection = null;
      }
    }
  }
}

package dev.dctwin.pipeline.io;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.domain.ServerMetricReport;
import dev.dctwin.pipeline.DatacenterPipeline;
import dev.dctwin.pipeline.testing.DirectPipelines;
import dev.dctwin.pipeline.testing.LocalKafka;
import dev.dctwin.pipeline.testing.LocalServices;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * What the IO tests share: the local services of {@code runner-configs/local/services.sh}, unique
 * names per run, and the small scenario of the issue: 10 servers of one rack reporting every 10 s,
 * one failing disk.
 */
final class IoTestSupport {
  static final String POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/postgres";
  static final String POSTGRES_USER = "postgres";
  static final String MARIADB_URL = "jdbc:mariadb://127.0.0.1:3306/";
  static final String MARIADB_USER = "root";
  static final String MOSQUITTO = "tcp://127.0.0.1:1883";
  static final String SASL_USER = "dctwin-" + UUID.randomUUID();
  static final String SASL_PASSWORD = "kafka-" + UUID.randomUUID();
  static final String RACK = "dc1-r01";
  static final int SERVERS = 10;

  static {
    // The broker and every Kafka client log their whole configuration at INFO; keep test output
    // readable. slf4j-simple reads these when each logger is created.
    for (String noisy :
        new String[] {
          "org.apache.kafka", "kafka", "state.change.logger", "org.apache.beam.sdk.io.kafka"
        }) {
      System.setProperty("org.slf4j.simpleLogger.log." + noisy, "warn");
    }
  }

  private IoTestSupport() {}

  /** The local services' broker; creates this JVM's SCRAM user on its SASL listener once. */
  static synchronized LocalKafka kafka() {
    LocalKafka kafka = LocalKafka.require();
    if (!scramUserCreated) {
      kafka.createScramUser(SASL_USER, SASL_PASSWORD);
      scramUserCreated = true;
    }
    return kafka;
  }

  private static boolean scramUserCreated;

  /** See {@link DirectPipelines#cancel}. */
  static void cancel(PipelineResult... results) {
    DirectPipelines.cancel(results);
  }

  /** A short name unique to this run, usable in topic, table and schema names. */
  static String runId() {
    return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
  }

  /** Fails in CI, skips loudly elsewhere, when a local service is down. */
  static void assumeServiceUp(String name, int port) {
    LocalServices.require(name, port);
  }

  static DatacenterPipeline.Options options(String... args) {
    PipelineOptionsFactory.register(DatacenterPipeline.Options.class);
    // blockOnRun=false: the DirectRunner's run() returns at once, so a test can feed a stream.
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = "--blockOnRun=false";
    return PipelineOptionsFactory.fromArgs(all)
        .withValidation()
        .as(DatacenterPipeline.Options.class);
  }

  static Connection connect(String url, String user) throws SQLException {
    return DriverManager.getConnection(url, user, null);
  }

  static void dropSchema(String url, String user, String schema) {
    try (Connection connection = connect(url, user);
        Statement statement = connection.createStatement()) {
      statement.execute(
          url.startsWith("jdbc:postgresql")
              ? "DROP SCHEMA IF EXISTS " + schema + " CASCADE"
              : "DROP DATABASE IF EXISTS " + schema);
    } catch (SQLException e) {
      System.err.println("could not drop " + schema + ": " + e.getMessage());
    }
  }

  /** A row of the alerts table, as the tests compare it. */
  record AlertRow(
      String incidentId,
      String status,
      String entity,
      String incidentType,
      long openedAt,
      Long resolvedAt) {}

  static List<AlertRow> alertRows(String url, String user, String schema) throws SQLException {
    List<AlertRow> rows = new ArrayList<>();
    boolean postgres = url.startsWith("jdbc:postgresql");
    String epoch =
        postgres
            ? "(EXTRACT(EPOCH FROM %s) * 1000)::BIGINT"
            : "TIMESTAMPDIFF(MICROSECOND, '1970-01-01 00:00:00', %s) DIV 1000";
    try (Connection connection = connect(url, user);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT incident_id, status, entity, incident_type, "
                    + String.format(epoch, "opened_at")
                    + ", "
                    + String.format(epoch, "resolved_at")
                    + " FROM "
                    + schema
                    + ".alerts ORDER BY opened_at, incident_id")) {
      while (result.next()) {
        long resolved = result.getLong(6);
        Long resolvedAt = result.wasNull() ? null : resolved;
        rows.add(
            new AlertRow(
                result.getString(1),
                result.getString(2),
                result.getString(3),
                result.getString(4),
                result.getLong(5),
                resolvedAt));
      }
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("exist")) {
        return rows; // not migrated yet
      }
      throw e;
    }
    return rows;
  }

  /** (reason, source) of each dead letter in the table. */
  static List<String> deadLetterRows(String url, String user, String schema) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = connect(url, user);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT reason, source FROM " + schema + ".dead_letters ORDER BY reason, source")) {
      while (result.next()) {
        rows.add(result.getString(1) + " " + result.getString(2));
      }
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("exist")) {
        return rows;
      }
      throw e;
    }
    return rows;
  }

  /** The payloads of a dead-letter table, as UTF-8 text. */
  static List<String> deadLetterPayloads(String url, String user, String schema)
      throws SQLException {
    List<String> payloads = new ArrayList<>();
    try (Connection connection = connect(url, user);
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery("SELECT payload FROM " + schema + ".dead_letters")) {
      while (result.next()) {
        payloads.add(new String(result.getBytes(1), java.nio.charset.StandardCharsets.UTF_8));
      }
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("exist")) {
        return payloads;
      }
      throw e;
    }
    return payloads;
  }

  static String serverId(int i) {
    return String.format("%s-s%02d", RACK, i);
  }

  static List<Message> commissions(long start) {
    List<Message> messages = new ArrayList<>();
    for (int i = 1; i <= SERVERS; i++) {
      messages.add(new CommissionServer(serverId(i), RACK, "dc1", start - 60_000));
    }
    return messages;
  }

  /**
   * Every 10 s from {@code start} for {@code minutes}, a report of each server; {@code failing}
   * reports one failed disk from {@code failFrom} until {@code failUntil} (event time, exclusive).
   */
  static List<ServerMetricReport> reports(
      long start, int minutes, String failing, long failFrom, long failUntil) {
    List<ServerMetricReport> reports = new ArrayList<>();
    for (long t = start; t < start + minutes * 60_000L; t += 10_000) {
      for (int i = 1; i <= SERVERS; i++) {
        ServerMetricReport report = SampleMessages.report(serverId(i), t);
        if (serverId(i).equals(failing) && t >= failFrom && t < failUntil) {
          report = withFailedDisk(report);
        }
        reports.add(report);
      }
    }
    return reports;
  }

  static ServerMetricReport withFailedDisk(ServerMetricReport report) {
    return report.withDisk(report.disk().withFailedDevices(1));
  }

  /** An opened DISK_FAILURE alert of a server of {@link #RACK}, as the sinks' tests write it. */
  static Alert diskFailure(String server, long openedAt) {
    return new Alert(
        Alert.incidentId(Level.SERVER, server, IncidentType.DISK_FAILURE, openedAt),
        AlertStatus.OPENED,
        Level.SERVER,
        server,
        "dc1",
        RACK,
        IncidentType.DISK_FAILURE,
        IncidentType.DISK_FAILURE.defaultSeverity(),
        openedAt,
        openedAt,
        null,
        null,
        "test");
  }

  static String json(Message message) {
    return WireCodec.withDefaults().encodeToString(message);
  }

  /** The wire form without {@code type}, as a single-type topic may carry it. */
  static String jsonWithoutType(Message message) {
    return json(message).replaceFirst("^\\{\"type\":\"[a-z_]+\",", "{");
  }

  static void send(KafkaProducer<String, String> producer, String topic, String key, String value) {
    producer.send(new ProducerRecord<>(topic, key, value));
  }

  /** A QoS 1 publisher with a clean session. */
  static final class MqttPublisher implements AutoCloseable {
    private final MqttClient client;

    MqttPublisher(String uri) throws MqttException {
      client = new MqttClient(uri, "dctwin-test-" + UUID.randomUUID(), new MemoryPersistence());
      MqttConnectOptions options = new MqttConnectOptions();
      options.setCleanSession(true);
      options.setMaxInflight(1_000);
      client.connect(options);
    }

    void publish(String topic, String payload) throws MqttException {
      client.publish(topic, payload.getBytes(StandardCharsets.UTF_8), 1, false);
    }

    @Override
    public void close() throws MqttException {
      try {
        client.disconnect();
      } finally {
        client.close();
      }
    }
  }
}

package dev.dctwin.pipeline.io;

import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.MARIADB_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_URL;
import static dev.dctwin.pipeline.io.IoTestSupport.POSTGRES_USER;
import static dev.dctwin.pipeline.io.IoTestSupport.RACK;
import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.joda.time.Duration;
import org.junit.After;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The alert statements against the real PostgreSQL and MariaDB: an incident's OPENED and RESOLVED
 * alerts, written in any order and with repeats (as the sink's backlog may after an outage), leave
 * the same {@code alerts} and {@code alert_events} rows, column by column, as the order of a
 * failure-free run.
 */
@RunWith(JUnit4.class)
public class AlertUpsertOrderIT {
  private static final long OPENED_AT = 1_763_719_200_000L;
  private static final long RESOLVED_AT = OPENED_AT + 600_000;

  private final String run = IoTestSupport.runId();
  private final List<String> schemas = new ArrayList<>();

  @Before
  public void setUp() {
    IoTestSupport.assumeServiceUp("postgresql", 5432);
    IoTestSupport.assumeServiceUp("mariadb", 3306);
  }

  @After
  public void tearDown() {
    for (String schema : schemas) {
      IoTestSupport.dropSchema(POSTGRES_URL, POSTGRES_USER, schema);
      IoTestSupport.dropSchema(MARIADB_URL, MARIADB_USER, schema);
    }
  }

  /** A rack incident's two alerts as the rack correlation emits them: the contexts differ. */
  private static Alert rackAlert(AlertStatus status, long eventTime, String context) {
    return new Alert(
        Alert.incidentId(Level.RACK, RACK, IncidentType.TOR_SWITCH, OPENED_AT),
        status,
        Level.RACK,
        RACK,
        "dc1",
        RACK,
        IncidentType.TOR_SWITCH,
        IncidentType.TOR_SWITCH.defaultSeverity(),
        OPENED_AT,
        eventTime,
        IncidentType.TOR_SWITCH,
        null,
        context);
  }

  @Test
  public void anIncidentsAlertsInAnyOrderLeaveTheSameRows() throws Exception {
    Alert opened =
        rackAlert(AlertStatus.OPENED, OPENED_AT + 5_000, "3 of 10 servers: NIC_PACKET_LOSS");
    Alert resolved = rackAlert(AlertStatus.RESOLVED, RESOLVED_AT, "1 of 10 servers still affected");
    List<List<Alert>> orders =
        List.of(
            List.of(opened, resolved), // a failure-free run
            List.of(resolved, opened),
            List.of(opened, resolved, opened),
            List.of(resolved, opened, resolved),
            List.of(resolved, resolved, opened, opened));
    for (String[] database :
        new String[][] {{POSTGRES_URL, POSTGRES_USER}, {MARIADB_URL, MARIADB_USER}}) {
      List<Map<String, String>> reference = null;
      for (int i = 0; i < orders.size(); i++) {
        String schema = run + "_order" + i;
        if (!schemas.contains(schema)) {
          schemas.add(schema);
        }
        JdbcTarget target = target(database[0], database[1], schema);
        SchemaMigrations.apply(target);
        write(target, orders.get(i));
        List<Map<String, String>> rows = rows(target, "alerts", JdbcDialect.ALERT_COLUMNS);
        rows.addAll(rows(target, "alert_events", JdbcDialect.ALERT_EVENT_COLUMNS));
        if (reference == null) {
          reference = rows;
          // The reference itself: the RESOLVED state with the opening's own columns.
          assertThat(reference.size(), equalTo(3));
          assertThat(reference.get(0).get("status"), equalTo("RESOLVED"));
          assertThat(reference.get(0).get("context"), equalTo(opened.context()));
          assertThat(reference.get(0).get("opened_alert_id"), equalTo(opened.id()));
          assertThat(reference.get(0).get("resolved_alert_id"), equalTo(resolved.id()));
        } else {
          for (int row = 0; row < reference.size(); row++) {
            for (String column : reference.get(row).keySet()) {
              assertThat(
                  database[0]
                      + " order "
                      + orders.get(i).stream().map(Alert::status).toList()
                      + " row "
                      + row
                      + " column "
                      + column,
                  rows.get(row).get(column),
                  equalTo(reference.get(row).get(column)));
            }
          }
          assertThat(rows.size(), equalTo(reference.size()));
        }
      }
    }
  }

  private static JdbcTarget target(String url, String user, String schema) {
    return new JdbcTarget(
        url, user, new Secret(null, JdbcOptions.PASSWORD_ENV), schema, Duration.standardSeconds(5));
  }

  /** Each alert in its own transaction, as rows from the backlog and from new bundles are. */
  private static void write(JdbcTarget target, List<Alert> alerts) throws SQLException {
    JdbcDialect dialect = target.dialect();
    try (Connection connection = target.connect();
        PreparedStatement upsert =
            connection.prepareStatement(dialect.upsertAlert(target.table("alerts")));
        PreparedStatement event =
            connection.prepareStatement(dialect.insertAlertEvent(target.table("alert_events")))) {
      connection.setAutoCommit(true);
      for (Alert alert : alerts) {
        WriteToJdbc.bindAlert(dialect, alert, upsert);
        upsert.executeUpdate();
        WriteToJdbc.bindAlertEvent(dialect, alert, event);
        event.executeUpdate();
      }
    }
  }

  /** Every row of a table, each column as the driver renders it, in a stable order. */
  private static List<Map<String, String>> rows(JdbcTarget target, String table, String columns)
      throws SQLException {
    List<Map<String, String>> rows = new ArrayList<>();
    try (Connection connection = target.connect();
        Statement statement = connection.createStatement();
        ResultSet result =
            statement.executeQuery(
                "SELECT " + columns + " FROM " + target.table(table) + " ORDER BY " + columns)) {
      int count = result.getMetaData().getColumnCount();
      while (result.next()) {
        Map<String, String> row = new LinkedHashMap<>();
        for (int c = 1; c <= count; c++) {
          row.put(result.getMetaData().getColumnLabel(c).toLowerCase(), result.getString(c));
        }
        rows.add(row);
      }
    }
    return rows;
  }
}

package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.sql.BatchUpdateException;
import java.sql.SQLException;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** Which SQL errors are retried, which make a row a dead letter, and which are neither. */
@RunWith(JUnit4.class)
public class TransientSqlErrorsTest {
  private static SQLException state(String sqlState) {
    return new SQLException("error " + sqlState, sqlState);
  }

  private static SQLException mariadb(String sqlState, int code) {
    return new SQLException("error " + code, sqlState, code);
  }

  @Test
  public void connectionConflictResourceAndShutdownErrorsAreRetried() {
    for (String sqlState :
        new String[] {"08006", "08001", "40001", "40P01", "53300", "53100", "57P01", "57014"}) {
      assertThat(sqlState, TransientSqlErrors.isTransient(state(sqlState)), equalTo(true));
      assertThat(sqlState, TransientSqlErrors.isRecordError(state(sqlState)), equalTo(false));
    }
    assertThat(TransientSqlErrors.isTransient(mariadb("40001", 1213)), equalTo(true));
    assertThat(TransientSqlErrors.isTransient(mariadb("HY000", 1205)), equalTo(true));
  }

  @Test
  public void dataIntegrityAndSizeErrorsAreTheRowsFault() {
    for (String sqlState :
        new String[] {"22001", "22003", "22021", "23502", "23505", "23514", "54000"}) {
      assertThat(sqlState, TransientSqlErrors.isRecordError(state(sqlState)), equalTo(true));
      assertThat(sqlState, TransientSqlErrors.isTransient(state(sqlState)), equalTo(false));
    }
    // MariaDB: "Incorrect string value" comes with the generic HY000.
    assertThat(TransientSqlErrors.isRecordError(mariadb("HY000", 1366)), equalTo(true));
    assertThat(TransientSqlErrors.isRecordError(mariadb("22001", 1406)), equalTo(true));
  }

  @Test
  public void databaseErrorsAreNeither() {
    for (String sqlState : new String[] {"42P01", "42501", "28P01", "3F000"}) {
      assertThat(sqlState, TransientSqlErrors.isTransient(state(sqlState)), equalTo(false));
      assertThat(sqlState, TransientSqlErrors.isRecordError(state(sqlState)), equalTo(false));
    }
  }

  @Test
  public void aBatchErrorIsJudgedByTheErrorBehindIt() {
    BatchUpdateException batch = new BatchUpdateException("batch entry 3 failed", null, 0, null);
    batch.setNextException(state("22001"));
    assertThat(TransientSqlErrors.isRecordError(batch), equalTo(true));
    assertThat(TransientSqlErrors.describe(batch), equalTo("SQLSTATE 22001: error 22001"));

    BatchUpdateException lost = new BatchUpdateException("batch entry 0 failed", null, 0, null);
    lost.setNextException(state("08006"));
    assertThat(TransientSqlErrors.isTransient(lost), equalTo(true));
  }
}

package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The batch rules of the JDBC sink against a fake database: what is written, refused, deferred for
 * an outage, and how long a write waits.
 */
@RunWith(JUnit4.class)
public class JdbcBatchWriterTest {
  private static final SQLException CONNECTION_REFUSED =
      new SQLException("Connection refused", "08001");
  private static final SQLException TOO_LONG = new SQLException("value too long", "22001");
  private static final SQLException NO_TABLE = new SQLException("no such table", "42P01");

  /** A database of integers that refuses some rows for good and can be unreachable. */
  private static final class FakeDatabase implements JdbcBatchWriter.Transaction<Integer> {
    final List<Integer> stored = new ArrayList<>();
    final Set<Integer> refusedRows = new HashSet<>();
    SQLException everyWrite;
    int transactions;

    /** The database goes down after this many transactions (never when negative). */
    int downAfter = -1;

    @Override
    public void write(List<Integer> rows) throws SQLException {
      transactions++;
      if (downAfter >= 0 && transactions > downAfter) {
        throw CONNECTION_REFUSED;
      }
      if (everyWrite != null) {
        throw everyWrite;
      }
      for (Integer row : rows) {
        if (refusedRows.contains(row)) {
          throw TOO_LONG;
        }
      }
      stored.addAll(rows);
    }
  }

  private final List<Long> sleeps = new ArrayList<>();

  private JdbcBatchWriter<Integer> writer(FakeDatabase database, int batchSize, long budgetMs) {
    return new JdbcBatchWriter<>("alerts", database, batchSize, budgetMs, sleeps::add);
  }

  private static List<Integer> rows(int count) {
    return IntStream.range(0, count).boxed().toList();
  }

  @Test
  public void writesAllRowsInBatchesOfTheBatchSize() throws Exception {
    FakeDatabase database = new FakeDatabase();
    JdbcBatchWriter.Outcome<Integer> outcome = writer(database, 4, 0).write(rows(10));
    assertThat(outcome.written(), equalTo(10));
    assertThat(outcome.complete(), equalTo(true));
    assertThat(database.stored, equalTo(rows(10)));
    assertThat(database.transactions, equalTo(3));
  }

  @Test
  public void anOutageDefersTheFailedBatchAndEveryLaterOneWithoutTryingThem() throws Exception {
    FakeDatabase database = new FakeDatabase();
    database.downAfter = 1;
    JdbcBatchWriter.Outcome<Integer> outcome = writer(database, 4, 0).write(rows(10));
    assertThat(outcome.written(), equalTo(4));
    assertThat(outcome.deferred(), equalTo(rows(10).subList(4, 10)));
    assertThat(outcome.outage(), equalTo(CONNECTION_REFUSED));
    assertThat(database.transactions, equalTo(2));
    assertThat(sleeps, equalTo(List.of()));
  }

  @Test
  public void transientErrorsAreRetriedWithinTheBudgetOnly() throws Exception {
    FakeDatabase database = new FakeDatabase();
    database.everyWrite = CONNECTION_REFUSED;
    JdbcBatchWriter.Outcome<Integer> outcome = writer(database, 10, 2_000).write(rows(3));
    assertThat(outcome.deferred(), equalTo(rows(3)));
    // 200 + 400 + 800 ms fit into 2 s; the next wait, 1.6 s, would not.
    assertThat(sleeps, equalTo(List.of(200L, 400L, 800L)));
    assertThat(outcome.retries(), equalTo(3));
    assertThat(database.transactions, equalTo(4));
  }

  @Test
  public void aDatabaseBackWithinTheBudgetWritesEverything() throws Exception {
    FakeDatabase database = new FakeDatabase();
    database.everyWrite = CONNECTION_REFUSED;
    JdbcBatchWriter<Integer> writer =
        new JdbcBatchWriter<>(
            "alerts",
            database,
            10,
            2_000,
            millis -> {
              sleeps.add(millis);
              database.everyWrite = null;
            });
    JdbcBatchWriter.Outcome<Integer> outcome = writer.write(rows(3));
    assertThat(outcome.complete(), equalTo(true));
    assertThat(database.stored, equalTo(rows(3)));
    assertThat(outcome.retries(), equalTo(1));
  }

  @Test
  public void aRowRefusedForGoodIsSplitOffAndTheOthersAreWritten() throws Exception {
    FakeDatabase database = new FakeDatabase();
    database.refusedRows.add(5);
    JdbcBatchWriter.Outcome<Integer> outcome = writer(database, 4, 0).write(rows(10));
    assertThat(outcome.written(), equalTo(9));
    assertThat(outcome.batchesSplit(), equalTo(1));
    assertThat(outcome.refused().size(), equalTo(1));
    assertThat(outcome.refused().get(0).row(), equalTo(5));
    assertThat(outcome.refused().get(0).error(), containsString("SQLSTATE 22001"));
    assertThat(outcome.complete(), equalTo(true));
    assertThat(database.stored, equalTo(List.of(0, 1, 2, 3, 4, 6, 7, 8, 9)));
  }

  @Test
  public void anOutageWhileSplittingDefersTheRowsNotWrittenYet() throws Exception {
    FakeDatabase database = new FakeDatabase();
    database.refusedRows.add(1);
    // 1: the batch fails for row 1; 2: row 0 written; 3: row 1 refused; then the database is gone.
    database.downAfter = 3;
    JdbcBatchWriter.Outcome<Integer> outcome = writer(database, 4, 0).write(rows(6));
    assertThat(database.stored, equalTo(List.of(0)));
    // Row 1's refusal is not final while the others wait: the later attempt splits again.
    assertThat(outcome.refused(), equalTo(List.of()));
    assertThat(outcome.deferred(), equalTo(List.of(1, 2, 3, 4, 5)));
  }

  @Test
  public void anErrorAboutTheDatabaseThatNoRowEscapesFails() {
    FakeDatabase database = new FakeDatabase();
    database.everyWrite = NO_TABLE;
    IllegalStateException failure =
        assertThrows(IllegalStateException.class, () -> writer(database, 4, 0).write(rows(3)));
    assertThat(failure.getMessage(), containsString("cannot write to alerts: SQLSTATE 42P01"));
  }
}

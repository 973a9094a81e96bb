package dev.dctwin.pipeline.io;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * How {@link WriteToJdbc} writes a list of rows: in batches of {@code batchSize}, one transaction
 * each, retrying a transient error ({@link TransientSqlErrors#isTransient}) with exponential
 * backoff for up to {@code retryBudgetMs} of waiting per batch. Plain Java, so that its rules are
 * tested without a database or a runner.
 *
 * <ul>
 *   <li>A transient error that outlasts the budget stops the write: the batch and every row after
 *       it come back as {@link Outcome#deferred()}, for a later attempt (the database is gone, and
 *       trying the next batches would only wait again).
 *   <li>Any other error splits the batch: its rows are written one by one, so that the good ones
 *       land exactly as the batch would have written them. A row that fails for its own sake
 *       ({@link TransientSqlErrors#isRecordError}) is {@link Outcome#refused()}. An error that no
 *       row of the batch escapes and that is not about a row (a missing table or privilege) throws:
 *       the database, not the data, needs fixing, and refusing every row would empty the table.
 *   <li>A transient error while splitting defers the batch's rows that were not written yet, and
 *       the rest: a later attempt splits them again.
 * </ul>
 *
 * <p>Every statement of the sink is an idempotent, order-insensitive merge, so a deferred row may
 * be written later, after newer ones, and a row written twice changes nothing.
 */
final class JdbcBatchWriter<E> {
  private static final long FIRST_WAIT_MS = 200;
  private static final long LONGEST_WAIT_MS = 5_000;

  /** Writes rows in one transaction, rolled back when it throws. */
  interface Transaction<E> {
    void write(List<E> rows) throws SQLException;
  }

  /** Waits between retries (a test waits for nothing). */
  interface Sleeper {
    void sleep(long millis) throws InterruptedException;
  }

  /** A row the database refused for good, with its error. */
  record Refusal<E>(E row, String error) {}

  /**
   * What became of the rows: {@code written} of them are in the database, {@code refused} never
   * will be, {@code deferred} wait for the database ({@code outage} is why, null when none).
   */
  record Outcome<E>(
      int written,
      int retries,
      int batchesSplit,
      List<Refusal<E>> refused,
      List<E> deferred,
      SQLException outage) {
    boolean complete() {
      return deferred.isEmpty();
    }
  }

  private final String table;
  private final Transaction<E> transaction;
  private final int batchSize;
  private final long retryBudgetMs;
  private final Sleeper sleeper;

  JdbcBatchWriter(
      String table,
      Transaction<E> transaction,
      long batchSize,
      long retryBudgetMs,
      Sleeper sleeper) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("--jdbcBatchSize must be at least 1, not " + batchSize);
    }
    this.table = table;
    this.transaction = transaction;
    this.batchSize = (int) Math.min(batchSize, Integer.MAX_VALUE);
    this.retryBudgetMs = retryBudgetMs;
    this.sleeper = sleeper;
  }

  Outcome<E> write(List<E> rows) throws InterruptedException {
    Progress progress = new Progress();
    List<Refusal<E>> refused = new ArrayList<>();
    for (int from = 0; from < rows.size(); from += batchSize) {
      List<E> batch = rows.subList(from, Math.min(from + batchSize, rows.size()));
      SQLException batchError = attempt(batch, progress);
      if (batchError == null) {
        progress.written += batch.size();
        continue;
      }
      if (TransientSqlErrors.isTransient(batchError)) {
        return progress.outcome(refused, rows.subList(from, rows.size()), batchError);
      }
      progress.batchesSplit++;
      List<E> failedRows = new ArrayList<>();
      List<SQLException> errors = new ArrayList<>();
      boolean anyWritten = false;
      for (int i = 0; i < batch.size(); i++) {
        SQLException rowError = attempt(List.of(batch.get(i)), progress);
        if (rowError == null) {
          progress.written++;
          anyWritten = true;
        } else if (TransientSqlErrors.isTransient(rowError)) {
          List<E> deferred = new ArrayList<>(failedRows);
          deferred.addAll(rows.subList(from + i, rows.size()));
          return progress.outcome(refused, deferred, rowError);
        } else {
          failedRows.add(batch.get(i));
          errors.add(rowError);
        }
      }
      for (SQLException error : errors) {
        if (!anyWritten && !TransientSqlErrors.isRecordError(error)) {
          throw new IllegalStateException(
              "cannot write to "
                  + table
                  + ": "
                  + TransientSqlErrors.describe(error)
                  + " (no row of the batch could be written, and the error is not about a row:"
                  + " the bundle fails and is retried)",
              error);
        }
      }
      for (int i = 0; i < failedRows.size(); i++) {
        refused.add(new Refusal<>(failedRows.get(i), TransientSqlErrors.describe(errors.get(i))));
      }
    }
    return progress.outcome(refused, List.of(), null);
  }

  /** Writes the rows in one transaction; returns the error that retrying did not cure, or null. */
  private SQLException attempt(List<E> rows, Progress progress) throws InterruptedException {
    long waited = 0;
    long wait = FIRST_WAIT_MS;
    while (true) {
      try {
        transaction.write(rows);
        return null;
      } catch (SQLException e) {
        if (!TransientSqlErrors.isTransient(e) || waited + wait > retryBudgetMs) {
          return e;
        }
        progress.retries++;
        sleeper.sleep(wait);
        waited += wait;
        wait = Math.min(wait * 2, LONGEST_WAIT_MS);
      }
    }
  }

  private final class Progress {
    int written;
    int retries;
    int batchesSplit;

    Outcome<E> outcome(List<Refusal<E>> refused, List<E> deferred, SQLException outage) {
      return new Outcome<>(written, retries, batchesSplit, refused, List.copyOf(deferred), outage);
    }
  }
}

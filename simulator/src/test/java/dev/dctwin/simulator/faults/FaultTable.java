package dev.dctwin.simulator.faults;

import java.util.List;

/** The fault suite's table, in Markdown: one row per fault. */
final class FaultTable {
  /** One fault's outcome; {@code notes} say why a row did not pass. */
  record Row(
      String fault,
      String restarts,
      String alertsLost,
      String alertsDuplicated,
      String deadLetters,
      boolean passed,
      String notes) {}

  private FaultTable() {}

  static String markdown(List<Row> rows) {
    StringBuilder table =
        new StringBuilder(
            "| fault | restarts | alerts lost | alerts duplicated | dead letters | verdict |\n"
                + "|---|---|---|---|---|---|\n");
    for (Row row : rows) {
      table
          .append("| ")
          .append(
              String.join(
                  " | ",
                  row.fault(),
                  row.restarts(),
                  row.alertsLost(),
                  row.alertsDuplicated(),
                  row.deadLetters(),
                  row.passed() ? "PASS" : "FAIL: " + row.notes()))
          .append(" |\n");
    }
    return table.toString();
  }
}

package dev.dctwin.simulator.bench;

import java.util.Locale;

/**
 * One row of the bench's summary: a measured value, its goal and verdict, and the Kafka ceiling for
 * the same work beside it. A figure whose benchmark did not get all its input into Kafka or did not
 * see all its output is INVALID with the reason, and shows no value: a rate over an incomplete run
 * is not a rate.
 *
 * @param value the measured value; ignored when {@code invalid} is set
 * @param goal null for a figure without a goal
 * @param ceiling Kafka alone's value for the same work in the same unit, NaN if none
 * @param invalid why the figure is not valid, or null
 */
record Figure(
    String benchmark,
    String name,
    double value,
    String unit,
    Goal goal,
    double ceiling,
    String invalid) {

  /** A bound on a figure: at least or at most {@code bound}. */
  record Goal(boolean atLeast, double bound, String unit) {
    static Goal atLeast(double bound, String unit) {
      return new Goal(true, bound, unit);
    }

    static Goal atMost(double bound, String unit) {
      return new Goal(false, bound, unit);
    }

    boolean met(double value) {
      // NaN compares false both ways: a figure without a value never passes.
      return atLeast ? value >= bound : value <= bound;
    }

    String text() {
      return (atLeast ? "≥ " : "≤ ") + number(bound) + " " + unit;
    }
  }

  static Figure measured(
      String benchmark, String name, double value, String unit, Goal goal, double ceiling) {
    return new Figure(benchmark, name, value, unit, goal, ceiling, null);
  }

  static Figure invalid(String benchmark, String name, String unit, Goal goal, String reason) {
    return new Figure(benchmark, name, Double.NaN, unit, goal, Double.NaN, reason);
  }

  /** {@code measured}, or INVALID with {@code reason} when that is not null. */
  static Figure of(
      String benchmark,
      String name,
      double value,
      String unit,
      Goal goal,
      double ceiling,
      String reason) {
    return reason == null
        ? measured(benchmark, name, value, unit, goal, ceiling)
        : invalid(benchmark, name, unit, goal, reason);
  }

  /** PASS, FAIL, INVALID, or - for a figure without a goal. */
  String verdict() {
    if (invalid != null) {
      return "INVALID";
    }
    if (goal == null) {
      return "-";
    }
    return goal.met(value) ? "PASS" : "FAIL";
  }

  String valueCell() {
    if (invalid != null) {
      return "INVALID: " + invalid;
    }
    return Double.isNaN(value) || Double.isInfinite(value) ? "n/a" : number(value) + " " + unit;
  }

  String ceilingCell() {
    return invalid != null || Double.isNaN(ceiling) ? "-" : number(ceiling) + " " + unit;
  }

  /** dctwin's value as a fraction of the ceiling. */
  String fractionCell() {
    if (invalid != null || Double.isNaN(ceiling) || Double.isNaN(value) || ceiling <= 0) {
      return "-";
    }
    return String.format(Locale.ROOT, "%.1f %%", 100 * value / ceiling);
  }

  /** figure | value | goal | PASS/FAIL | Kafka ceiling | fraction. */
  String[] cells() {
    return new String[] {
      benchmark + ": " + name,
      valueCell(),
      goal == null ? "-" : goal.text(),
      verdict(),
      ceilingCell(),
      fractionCell()
    };
  }

  static String number(double value) {
    if (Math.abs(value) >= 100 || value == Math.rint(value)) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }
}

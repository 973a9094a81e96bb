package dev.dctwin.simulator;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.AlertStatus;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Compares the pipeline's alerts with the ground truth of a fleet run.
 *
 * <p>Alerts are de-duplicated by {@link Alert#id()} (sinks deliver at least once). Definitions:
 *
 * <ul>
 *   <li>A <b>page</b> is an OPENED alert with {@code explainedBy == null}: what reaches a human.
 *   <li>An OPENED alert <b>matches</b> a fault when it concerns the fault's entity or something
 *       below it (a server fault: that server; a rack fault: the rack or any of its servers; a
 *       datacenter fault: anything in it) and its {@code openedAt} lies within {@code [start, end +
 *       grace]} (grace 3 minutes by default: incidents open after a few reports, silence after 60
 *       s, held alerts after 30 s more). It matches a benign window when it is a server alert of
 *       that server within the same bounds.
 *   <li><b>recall</b> = detected faults / faults, where a fault is detected when a page at the
 *       fault's own level matches it (a rack fault must be paged as a rack incident, not as forty
 *       server incidents). Benign windows are not faults.
 *   <li><b>precision</b> = pages that match some fault / all pages.
 *   <li><b>root_cause_accuracy</b> = faults matched by a page at their level whose {@code
 *       incidentType} or {@code rootCause} is the fault's {@code expectedIncident} / faults.
 *   <li><b>latency</b>, per detected fault: the {@code eventTime} of its first matching page at its
 *       level (by event time) minus the fault's start, in seconds; {@code latency_p50_s}, {@code
 *       latency_p95_s} (nearest rank: the value at rank ceil(p * n) of the n sorted latencies) and
 *       {@code latency_max_s}.
 *   <li><b>compression</b>, over the rack and datacenter faults: the alerts a naive per-server
 *       alerting would page, i.e. the distinct (entity, incidentType) of the OPENED server alerts
 *       matching those faults, explained or not, plus those of the OPENED rack alerts matching the
 *       datacenter faults, divided by the distinct pages matching those faults.
 *   <li><b>benign_false_alerts</b> = pages that match a benign window and no fault.
 * </ul>
 *
 * A figure whose denominator is zero (no faults, no pages, nothing detected, no rack or datacenter
 * fault) is null. An alert without {@code rackId} or {@code datacenterId} gets them from the
 * simulator's id scheme ({@code dc1-r01-s01}).
 */
final class Scorer {
  static final long DEFAULT_GRACE_MS = 3 * 60_000;

  private final long graceMs;

  Scorer(long graceMs) {
    if (graceMs < 0) {
      throw new IllegalArgumentException("grace must not be negative");
    }
    this.graceMs = graceMs;
  }

  /** The outcome for one fault. */
  record FaultOutcome(
      Fault fault,
      boolean detected,
      boolean rootCauseCorrect,
      Double latencySeconds,
      Alert firstPage,
      int matchingPages,
      int matchingAlerts) {}

  /** All figures; see the class comment. Ratios are null when undefined. */
  record Score(
      Double recall,
      Double precision,
      Double rootCauseAccuracy,
      Double latencyP50Seconds,
      Double latencyP95Seconds,
      Double latencyMaxSeconds,
      Double compression,
      int benignFalseAlerts,
      int faults,
      int benignWindows,
      int detected,
      int pages,
      int pagesMatchingFaults,
      int naiveAlerts,
      int correlatedPages,
      List<FaultOutcome> outcomes,
      List<Alert> unmatchedPages) {}

  Score score(List<Fault> groundTruth, List<Alert> alerts) {
    List<Alert> opened = new ArrayList<>();
    Set<String> seen = new LinkedHashSet<>();
    for (Alert alert : alerts) {
      if (alert.status() == AlertStatus.OPENED && seen.add(alert.id())) {
        opened.add(alert);
      }
    }
    List<Alert> pages = opened.stream().filter(alert -> alert.explainedBy() == null).toList();
    List<Fault> faults = groundTruth.stream().filter(fault -> !fault.benign()).toList();
    List<Fault> benign = groundTruth.stream().filter(Fault::benign).toList();

    List<FaultOutcome> outcomes = new ArrayList<>();
    List<Double> latencies = new ArrayList<>();
    int detected = 0;
    int rootCauses = 0;
    for (Fault fault : faults) {
      List<Alert> matching = pages.stream().filter(page -> matches(page, fault)).toList();
      List<Alert> atLevel =
          matching.stream()
              .filter(page -> page.level() == fault.level())
              .sorted(
                  Comparator.comparingLong(Alert::eventTime)
                      .thenComparingLong(Alert::openedAt)
                      .thenComparing(Alert::id))
              .toList();
      boolean found = !atLevel.isEmpty();
      boolean rightCause = atLevel.stream().anyMatch(page -> names(page, fault.expectedIncident()));
      Double latency = null;
      if (found) {
        detected++;
        latency = (atLevel.get(0).eventTime() - fault.start()) / 1000.0;
        latencies.add(latency);
      }
      if (rightCause) {
        rootCauses++;
      }
      int alertsMatching = (int) opened.stream().filter(alert -> matches(alert, fault)).count();
      outcomes.add(
          new FaultOutcome(
              fault,
              found,
              rightCause,
              latency,
              found ? atLevel.get(0) : null,
              matching.size(),
              alertsMatching));
    }

    int pagesMatching = 0;
    int benignFalse = 0;
    List<Alert> unmatched = new ArrayList<>();
    for (Alert page : pages) {
      boolean real = faults.stream().anyMatch(fault -> matches(page, fault));
      if (real) {
        pagesMatching++;
      } else {
        unmatched.add(page);
        if (benign.stream().anyMatch(window -> matchesBenign(page, window))) {
          benignFalse++;
        }
      }
    }

    List<Fault> grouped = faults.stream().filter(fault -> fault.level() != Level.SERVER).toList();
    Set<String> naive = new LinkedHashSet<>();
    Set<String> groupPages = new LinkedHashSet<>();
    for (Alert alert : opened) {
      for (Fault fault : grouped) {
        if (!matches(alert, fault)) {
          continue;
        }
        boolean counted =
            alert.level() == Level.SERVER
                || (alert.level() == Level.RACK && fault.level() == Level.DATACENTER);
        if (counted) {
          naive.add(alert.level() + "|" + alert.entity() + "|" + alert.incidentType());
        }
        if (alert.explainedBy() == null) {
          groupPages.add(alert.id());
        }
      }
    }
    Double compression =
        grouped.isEmpty() || groupPages.isEmpty()
            ? null
            : round((double) naive.size() / groupPages.size(), 4);

    List<Double> sorted = latencies.stream().sorted().toList();
    return new Score(
        ratio(detected, faults.size()),
        ratio(pagesMatching, pages.size()),
        ratio(rootCauses, faults.size()),
        percentile(sorted, 0.50),
        percentile(sorted, 0.95),
        sorted.isEmpty() ? null : sorted.get(sorted.size() - 1),
        compression,
        benignFalse,
        faults.size(),
        benign.size(),
        detected,
        pages.size(),
        pagesMatching,
        naive.size(),
        groupPages.size(),
        outcomes,
        unmatched);
  }

  /** Whether {@code alert} concerns the fault's entity or something below it, in time. */
  boolean matches(Alert alert, Fault fault) {
    if (alert.openedAt() < fault.start() || alert.openedAt() > fault.end() + graceMs) {
      return false;
    }
    return switch (fault.level()) {
      case SERVER -> alert.level() == Level.SERVER && alert.entity().equals(fault.entity());
      case RACK ->
          (alert.level() == Level.SERVER || alert.level() == Level.RACK)
              && fault.entity().equals(rackOf(alert));
      case DATACENTER -> fault.entity().equals(datacenterOf(alert));
    };
  }

  private boolean matchesBenign(Alert alert, Fault window) {
    return alert.level() == Level.SERVER
        && alert.entity().equals(window.entity())
        && alert.openedAt() >= window.start()
        && alert.openedAt() <= window.end() + graceMs;
  }

  private static String rackOf(Alert alert) {
    if (alert.rackId() != null) {
      return alert.rackId();
    }
    if (alert.level() == Level.RACK) {
      return alert.entity();
    }
    int dash = alert.entity().lastIndexOf('-');
    return dash < 0 ? null : alert.entity().substring(0, dash);
  }

  private static String datacenterOf(Alert alert) {
    if (alert.datacenterId() != null) {
      return alert.datacenterId();
    }
    int dash = alert.entity().indexOf('-');
    return dash < 0 ? alert.entity() : alert.entity().substring(0, dash);
  }

  private static Double ratio(int numerator, int denominator) {
    return denominator == 0 ? null : round((double) numerator / denominator, 4);
  }

  /** Nearest rank: the value at rank ceil(p * n) of the sorted values. */
  static Double percentile(List<Double> sorted, double p) {
    if (sorted.isEmpty()) {
      return null;
    }
    int rank = (int) Math.ceil(p * sorted.size());
    return sorted.get(Math.max(0, rank - 1));
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** The figures in the order and with the names of the score's JSON line. */
  static Map<String, Object> figures(Score score) {
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("recall", score.recall());
    figures.put("precision", score.precision());
    figures.put("root_cause_accuracy", score.rootCauseAccuracy());
    figures.put("latency_p50_s", score.latencyP50Seconds());
    figures.put("latency_p95_s", score.latencyP95Seconds());
    figures.put("latency_max_s", score.latencyMaxSeconds());
    figures.put("compression", score.compression());
    figures.put("benign_false_alerts", score.benignFalseAlerts());
    return figures;
  }

  private static boolean names(Alert page, IncidentType type) {
    return page.incidentType() == type || page.rootCause() == type;
  }
}

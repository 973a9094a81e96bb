package dev.dctwin.models.agents;

import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerMetricReport;
import java.util.List;
import java.util.OptionalLong;

/**
 * What one {@link ReportAssembler#flush} did.
 *
 * @param state the host's state to keep, or null when there is nothing worth keeping
 * @param reports the reports of the intervals that ended, in event-time order
 * @param rejected what becomes a dead letter, with the message to keep as its payload
 * @param pending the inputs that are not due yet, to keep waiting
 * @param wakeUpAt when to flush again: the earliest pending input's due time, else when the series
 *     expire; empty when nothing needs a flush
 * @param counts what happened to samples that are not in a report, for counters
 */
public record AssemblyStep(
    AssemblerState state,
    List<ServerMetricReport> reports,
    List<Rejected> rejected,
    List<Message> pending,
    OptionalLong wakeUpAt,
    Counts counts) {

  public record Rejected(DeadLetterReason reason, String detail, Message payload) {}

  /**
   * @param lateMerged samples of an interval already reported, merged into the next report
   * @param superseded samples of a counter or delta series not newer than its last one (a duplicate
   *     or an older sample whose increase the next one's already counts)
   * @param notFinite samples without a finite value (a Prometheus staleness marker is NaN)
   * @param resets counters that went down and count again from 0
   * @param wraps counters that went down because they wrapped around 2^32 or 2^64
   * @param gaps counter samples too long after the one before to give a rate
   */
  public record Counts(
      int lateMerged, int superseded, int notFinite, int resets, int wraps, int gaps) {}
}

package dev.dctwin.domain;

/**
 * Operators put a server, a rack or a datacenter into maintenance from {@code start} (inclusive) to
 * {@code end} (exclusive): incidents of the entity and of everything below it that open in the
 * window are still detected and recorded, but marked {@link Alert#inMaintenance()} and not paged. A
 * later window of the same entity replaces this one: sending it again with an earlier {@code end}
 * ends it early.
 *
 * @param level SERVER, RACK or DATACENTER
 * @param entity the server, rack or datacenter id
 * @param datacenterId the entity's datacenter: required for a rack, the entity itself for a
 *     datacenter; for a server the twin fills it in from the server's commissioning
 * @param rackId the rack of a server window, filled in by the server twin; otherwise null
 * @param start the first ms of the window
 * @param end the first ms after the window
 * @param reason why, for people; optional
 * @param by who asked, for people; optional
 * @param eventTime when it was asked
 */
public record MaintenanceWindow(
    Level level,
    String entity,
    String datacenterId,
    String rackId,
    long start,
    long end,
    String reason,
    String by,
    long eventTime)
    implements Message {

  /** The longest window taken: longer ones are unit errors or forgotten windows. */
  public static final long MAX_DURATION_MS = 30L * 24 * 3_600_000;

  @Override
  public MessageType type() {
    return MessageType.MAINTENANCE;
  }

  /** Whether {@code time} lies in the window. */
  public boolean covers(long time) {
    return start <= time && time < end;
  }

  /** This window located by the server twin: the rack and datacenter of its server. */
  public MaintenanceWindow locatedIn(String newRackId, String newDatacenterId) {
    return new MaintenanceWindow(
        level, entity, newDatacenterId, newRackId, start, end, reason, by, eventTime);
  }
}

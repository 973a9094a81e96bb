package dev.dctwin.simulator;

/**
 * What a fault does to one server's reports with {@code start <= eventTime < end}. {@code
 * magnitude} is in the unit of the effect: a loss fraction, a steal percentage, a temperature rise,
 * a voltage, a latency in ms, a number of failed devices; unused for {@link Type#SILENT}.
 */
record Effect(Type type, long start, long end, double magnitude) {

  enum Type {
    FAILED_DISK,
    PACKET_LOSS,
    CPU_STEAL,
    UNCORRECTED_ECC,
    INLET_RISE,
    VOLTAGE,
    DISK_LATENCY,
    SILENT
  }

  boolean activeAt(long eventTime) {
    return start <= eventTime && eventTime < end;
  }
}

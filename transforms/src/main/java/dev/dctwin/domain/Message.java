package dev.dctwin.domain;

/**
 * Anything that travels on a dctwin topic. The wire {@code type} of each is its {@link #type()}.
 */
public sealed interface Message
    permits ServerMetricReport,
        BmcSensorReading,
        CommissionServer,
        DecommissionServer,
        GetUnhealthyRacks,
        UnhealthyRacks,
        Alert,
        Measurement,
        MaintenanceWindow,
        AgentSamples {

  MessageType type();

  /** Event time of the message in epoch milliseconds. */
  long eventTime();
}

package dev.dctwin.domain;

/**
 * What the baseboard management controller reports over IPMI: supply voltage in volts, inlet
 * temperature in degrees Celsius, airflow in cubic feet per minute and input power in watts.
 */
public record SensorReadings(
    double voltage, double temperature, double airflow, double inputPower) {}

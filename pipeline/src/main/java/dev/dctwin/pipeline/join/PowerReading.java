package dev.dctwin.pipeline.join;

/**
 * The mechanical power of one axis of one machine, from a torque and a speed measurement that the
 * ordered join paired: {@code power = 2π/60 · torque · speed} (watts, from newton metres and
 * revolutions per minute). Times are the two measurements' phenomenon times, epoch ms.
 */
public record PowerReading(
    String thing,
    String axis,
    long torqueTime,
    double torque,
    long speedTime,
    double speed,
    double power) {

  public static PowerReading of(
      String thing, String axis, long torqueTime, double torque, long speedTime, double speed) {
    return new PowerReading(
        thing, axis, torqueTime, torque, speedTime, speed, 2 * Math.PI / 60 * torque * speed);
  }
}

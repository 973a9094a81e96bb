package dev.dctwin.codec.agents;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * dctwin's canonical sample names (the table of {@code transforms/AGENTS.md}) and the rules the
 * decoders share to reach them.
 */
final class Canonical {
  static final String CPU_TIME = "cpu.time";
  static final String CPU_PERCENT = "cpu.percent";
  static final String OCTETS_IN = "network.octetsIn";
  static final String OCTETS_OUT = "network.octetsOut";
  static final String PACKETS_IN = "network.packetsIn";
  static final String PACKETS_OUT = "network.packetsOut";
  static final String ERRORS_IN = "network.errorsIn";
  static final String ERRORS_OUT = "network.errorsOut";
  static final String DROPPED_IN = "network.droppedIn";
  static final String DROPPED_OUT = "network.droppedOut";
  static final String MEMORY_USED = "memory.used";
  static final String MEMORY_FREE = "memory.free";
  static final String MEMORY_CACHED = "memory.cached";
  static final String MEMORY_BUFFERED = "memory.buffered";
  static final String MEMORY_SLAB = "memory.slab";
  static final String MEMORY_TOTAL = "memory.total";
  static final String MEMORY_CORRECTED = "memory.correctedErrors";
  static final String MEMORY_UNCORRECTED = "memory.uncorrectedErrors";
  static final String DISK_IO_TIME = "disk.ioTime";
  static final String DISK_WEIGHTED_IO_TIME = "disk.weightedIoTime";
  static final String DISK_MERGED_READ = "disk.mergedRead";
  static final String DISK_MERGED_WRITE = "disk.mergedWrite";
  static final String DISK_OCTETS_READ = "disk.octetsRead";
  static final String DISK_OCTETS_WRITE = "disk.octetsWrite";
  static final String DISK_OPS_READ = "disk.opsRead";
  static final String DISK_OPS_WRITE = "disk.opsWrite";
  static final String DISK_READ_TIME_TOTAL = "disk.readTimeTotal";
  static final String DISK_WRITE_TIME_TOTAL = "disk.writeTimeTotal";
  static final String DISK_TIME_READ = "disk.timeRead";
  static final String DISK_TIME_WRITE = "disk.timeWrite";
  static final String DISK_FAILED_DEVICES = "disk.failedDevices";
  static final String SENSORS_VOLTAGE = "sensors.voltage";
  static final String SENSORS_TEMPERATURE = "sensors.temperature";
  static final String SENSORS_AIRFLOW = "sensors.airflow";
  static final String SENSORS_INPUT_POWER = "sensors.inputPower";

  /**
   * The label of memory.slab when an agent reports it in a reclaimable and an unreclaimable part.
   */
  static final String SLAB_PART = "part";

  private static final Map<String, String> CPU_STATES =
      Map.ofEntries(
          Map.entry("user", "user"),
          Map.entry("system", "system"),
          Map.entry("idle", "idle"),
          Map.entry("nice", "nice"),
          Map.entry("interrupt", "interrupt"),
          Map.entry("irq", "interrupt"),
          Map.entry("softirq", "softirq"),
          Map.entry("steal", "steal"),
          Map.entry("wait", "wait"),
          Map.entry("iowait", "wait"));

  private static final Map<String, String> PROCESS_STATES =
      Map.ofEntries(
          Map.entry("running", "processes.running"),
          Map.entry("sleeping", "processes.sleeping"),
          Map.entry("blocked", "processes.blocked"),
          Map.entry("paging", "processes.paging"),
          Map.entry("stopped", "processes.stopped"),
          Map.entry("zombies", "processes.zombies"),
          Map.entry("zombie", "processes.zombies"),
          Map.entry("defunct", "processes.zombies"));

  /**
   * Devices that are not whole disks: partitions, loop and RAM disks. Summing them with their disk
   * would count its traffic twice. The default device exclusion of node_exporter's diskstats.
   */
  private static final Pattern NOT_WHOLE_DISK =
      Pattern.compile("^(z?ram|loop|fd|(h|s|v|xv)d[a-z]|nvme\\d+n\\d+p)\\d+$");

  // What the BMC sensor names of SensorReadings' quantities look like (transforms/AGENTS.md).
  private static final Pattern INLET = Pattern.compile("inlet|intake|ambient");
  private static final Pattern TWELVE_VOLT_RAIL = Pattern.compile("(^|[^0-9.])12(\\.0+)?[ _]?v");
  private static final Pattern SERVER_POWER =
      Pattern.compile("consum|power[ _]?meter|sys(tem)?[ _]?(power|pwr)|total[ _]?(power|pwr)");
  private static final Pattern ONE_SUPPLY = Pattern.compile("ps[ _]?u?[ _]?\\d|supply[ _]?\\d");

  /** Device names seen, so that the pattern runs once per name: a fleet has few. */
  private static final Map<String, Boolean> WHOLE_DISKS = new ConcurrentHashMap<>();

  private static final int MAX_KNOWN_DEVICES = 10_000;

  private Canonical() {}

  /**
   * The canonical CPU state of an agent's state name (Linux {@code /proc/stat} columns as the
   * agents spell them), or null if it has none (guest, guest_nice, active).
   */
  static String cpuState(String state) {
    if (state == null) {
      return null;
    }
    String canonical = CPU_STATES.get(state);
    return canonical != null ? canonical : CPU_STATES.get(state.toLowerCase(Locale.ROOT));
  }

  /** The canonical name of a process count in this state, or null. */
  static String processState(String state) {
    if (state == null) {
      return null;
    }
    String canonical = PROCESS_STATES.get(state);
    return canonical != null ? canonical : PROCESS_STATES.get(state.toLowerCase(Locale.ROOT));
  }

  /** The loopback interface, whose traffic never leaves the host. */
  static boolean isLoopback(String device) {
    return "lo".equals(device);
  }

  /** Whether the typed disk fields should count this device. */
  static boolean isWholeDisk(String device) {
    if (device == null || device.isEmpty()) {
      return false;
    }
    Boolean known = WHOLE_DISKS.get(device);
    if (known == null) {
      known = !NOT_WHOLE_DISK.matcher(device).matches();
      if (WHOLE_DISKS.size() < MAX_KNOWN_DEVICES) {
        WHOLE_DISKS.put(device, known);
      }
    }
    return known;
  }

  /**
   * The canonical sensor name of a BMC reading, or null where the reading is not clearly the one
   * {@link dev.dctwin.domain.SensorReadings} means: supply voltage is the 12 V rail, temperature is
   * the inlet (intake, ambient), input power is the whole server's (not a single supply's), airflow
   * is in cubic feet per minute.
   *
   * @param quantity one of {@code temperature}, {@code voltage}, {@code power}, {@code airflow}
   * @param sensor the BMC's name of the sensor
   */
  static String sensor(String quantity, String sensor) {
    if (sensor == null) {
      return null;
    }
    String name = sensor.toLowerCase(Locale.ROOT);
    return switch (quantity) {
      case "temperature" -> INLET.matcher(name).find() ? SENSORS_TEMPERATURE : null;
      case "voltage" -> TWELVE_VOLT_RAIL.matcher(name).find() ? SENSORS_VOLTAGE : null;
      case "power" ->
          SERVER_POWER.matcher(name).find() && !ONE_SUPPLY.matcher(name).find()
              ? SENSORS_INPUT_POWER
              : null;
      case "airflow" -> SENSORS_AIRFLOW;
      default -> null;
    };
  }
}

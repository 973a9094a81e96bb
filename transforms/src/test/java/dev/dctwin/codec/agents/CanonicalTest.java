package dev.dctwin.codec.agents;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The naming rules of transforms/AGENTS.md that all decoders share. */
@RunWith(JUnit4.class)
public class CanonicalTest {
  @Test
  public void bmcSensorsGetCanonicalNamesOnlyWhereClear() {
    for (String inlet : new String[] {"Inlet Temp", "ambient_temp", "Chassis Intake Temp"}) {
      assertThat(inlet, Canonical.sensor("temperature", inlet), equalTo("sensors.temperature"));
    }
    for (String other : new String[] {"CPU1 Temp", "Exhaust Temp", "DIMM A1"}) {
      assertThat(other, Canonical.sensor("temperature", other), equalTo(null));
    }
    for (String rail : new String[] {"12V", "P12V", "+12 V", "planar_12v", "PS1 12.0V"}) {
      assertThat(rail, Canonical.sensor("voltage", rail), equalTo("sensors.voltage"));
    }
    for (String other : new String[] {"VRM1 Voltage", "planar_3.3v", "112V", "12.5V", "P1V2"}) {
      assertThat(other, Canonical.sensor("voltage", other), equalTo(null));
    }
    for (String server :
        new String[] {"Pwr Consumption", "Power Meter", "System Power", "SYS_PWR", "Total Power"}) {
      assertThat(server, Canonical.sensor("power", server), equalTo("sensors.inputPower"));
    }
    for (String one : new String[] {"PS1 Input Power", "PSU2_PIN", "avg_power", "CPU Power"}) {
      assertThat(one, Canonical.sensor("power", one), equalTo(null));
    }
    assertThat(Canonical.sensor("airflow", "System Airflow"), equalTo("sensors.airflow"));
    assertThat(Canonical.sensor("fanspeed", "Fan1"), equalTo(null));
    assertThat(Canonical.sensor("temperature", null), equalTo(null));
  }

  @Test
  public void partitionsAndVirtualDevicesAreNoWholeDisks() {
    for (String disk : new String[] {"sda", "vdb", "xvda", "nvme0n1", "md0", "dm-0"}) {
      assertThat(disk, Canonical.isWholeDisk(disk), equalTo(true));
    }
    for (String part : new String[] {"sda1", "nvme0n1p2", "loop3", "ram0", "zram0", "", null}) {
      assertThat(part, Canonical.isWholeDisk(part), equalTo(false));
    }
  }

  @Test
  public void cpuAndProcessStatesInTheAgentsSpellings() {
    assertThat(Canonical.cpuState("iowait"), equalTo("wait"));
    assertThat(Canonical.cpuState("irq"), equalTo("interrupt"));
    assertThat(Canonical.cpuState("IDLE"), equalTo("idle"));
    assertThat(Canonical.cpuState("guest"), equalTo(null));
    assertThat(Canonical.processState("defunct"), equalTo("processes.zombies"));
    assertThat(Canonical.processState("daemon"), equalTo(null));
  }
}

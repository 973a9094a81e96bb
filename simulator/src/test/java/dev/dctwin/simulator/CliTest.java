package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import org.junit.Test;

/** The command line: help, usage errors and the benchmark's report. */
public class CliTest {

  @Test
  public void helpListsTheSubcommands() {
    SimulatorRun cli = SimulatorRun.run("--help");
    assertThat(cli.exitCode, is(0));
    for (String command : new String[] {"fleet", "score", "replay", "fleet-bench"}) {
      assertThat(cli.out, containsString(command));
    }
    SimulatorRun fleetHelp = SimulatorRun.run("fleet", "--help");
    assertThat(fleetHelp.exitCode, is(0));
    assertThat(fleetHelp.out, containsString("--embed-sensors"));
  }

  @Test
  public void usageErrorsExitWithTwo() {
    assertThat(SimulatorRun.run().exitCode, is(2));
    assertThat(SimulatorRun.run("fleet").exitCode, is(2));
    assertThat(SimulatorRun.run("fleet", "--out=/tmp/x", "--duration=soon").exitCode, is(2));
    SimulatorRun badFault = SimulatorRun.run("fleet", "--out=/tmp/x", "--faults=DISK_MELTDOWN");
    assertThat(badFault.exitCode, is(2));
    assertThat(badFault.err, containsString("unknown fault kind"));
    assertThat(SimulatorRun.run("score", "--alerts=a.jsonl").exitCode, is(2));
  }

  @Test
  public void benchmarkReportsReportsPerMinute() {
    SimulatorRun cli = SimulatorRun.run("fleet-bench", "--reports=3000");
    assertThat(cli.err, cli.exitCode, is(0));
    assertThat(cli.out, containsString("3,000 metric reports"));
    assertThat(cli.out, containsString("reports/minute"));
  }
}

package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.is;

import org.junit.Test;

/** The command line: help, usage errors and the benchmark's report. */
public class CliTest {

  @Test
  public void helpListsTheSubcommands() {
    Cli cli = Cli.run("--help");
    assertThat(cli.exitCode, is(0));
    for (String command : new String[] {"fleet", "score", "replay", "fleet-bench"}) {
      assertThat(cli.out, containsString(command));
    }
    Cli fleetHelp = Cli.run("fleet", "--help");
    assertThat(fleetHelp.exitCode, is(0));
    assertThat(fleetHelp.out, containsString("--embed-sensors"));
  }

  @Test
  public void usageErrorsExitWithTwo() {
    assertThat(Cli.run().exitCode, is(2));
    assertThat(Cli.run("fleet").exitCode, is(2));
    assertThat(Cli.run("fleet", "--out=/tmp/x", "--duration=soon").exitCode, is(2));
    Cli badFault = Cli.run("fleet", "--out=/tmp/x", "--faults=DISK_MELTDOWN");
    assertThat(badFault.exitCode, is(2));
    assertThat(badFault.err, containsString("unknown fault kind"));
    assertThat(Cli.run("score", "--alerts=a.jsonl").exitCode, is(2));
  }

  @Test
  public void benchmarkReportsReportsPerMinute() {
    Cli cli = Cli.run("fleet-bench", "--reports=3000");
    assertThat(cli.err, cli.exitCode, is(0));
    assertThat(cli.out, containsString("3,000 metric reports"));
    assertThat(cli.out, containsString("reports/minute"));
  }
}

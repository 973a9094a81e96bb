package dev.dctwin.pipeline.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The command line of {@link Submit}, without a cluster: what it refuses before submitting. */
@RunWith(JUnit4.class)
public class SubmitTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int submit(String... args) {
    return Submit.run(
        args,
        new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  public void helpExitsZero() {
    assertThat(submit("--help"), equalTo(0));
    assertThat(out.toString(StandardCharsets.UTF_8), containsString("usage: Submit"));
  }

  @Test
  public void anEmbeddedFlinkIsNoClusterToSubmitTo() {
    // [local] would run the streaming job inside this JVM while Submit returns and exits.
    assertThat(submit("--runner=FlinkRunner", "--flinkMaster=[local]"), equalTo(2));
    assertThat(
        err.toString(StandardCharsets.UTF_8),
        containsString("--flinkMaster must be a cluster's REST address host:port, not [local]"));
  }

  @Test
  public void badFlagsAreAUsageError() {
    assertThat(
        submit("--runner=FlinkRunner", "--flinkMaster=127.0.0.1:8081", "--source=carrier-pigeon"),
        equalTo(2));
    assertThat(err.toString(StandardCharsets.UTF_8), containsString("--source=carrier-pigeon"));
  }
}

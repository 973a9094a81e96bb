package dev.dctwin.pipeline.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The command line of {@link Submit}, without a cluster: what it refuses before submitting, and
 * what it stages.
 */
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

  @Test
  public void eachSubmissionStagesItsOwnJarOfAClassesDirectory() throws Exception {
    Path classes = Files.createTempDirectory("classes");
    Files.createDirectories(classes.resolve("dev/dctwin"));
    Files.writeString(classes.resolve("dev/dctwin/Job.class"), "bytes");
    Path jar = Files.createTempFile("dependency", ".jar");
    String staged = "--filesToStage=" + classes + "," + jar;

    List<String> first = Submit.withDirectoriesPackaged(List.of("--runner=FlinkRunner", staged));
    List<String> second = Submit.withDirectoriesPackaged(List.of(staged));

    String[] files = first.get(1).substring("--filesToStage=".length()).split(",");
    assertThat(first.get(0), equalTo("--runner=FlinkRunner"));
    assertThat(files[1], equalTo(jar.toString()));
    try (ZipFile zip = new ZipFile(files[0])) {
      assertThat(zip.getEntry("dev/dctwin/Job.class"), notNullValue());
    }
    assertThat(second.get(0), not(containsString(files[0])));
  }
}

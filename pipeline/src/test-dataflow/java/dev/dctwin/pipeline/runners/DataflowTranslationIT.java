package dev.dctwin.pipeline.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The datacenter pipeline, built from {@code runner-configs/dataflow.flags} (plus a project,
 * region and bucket that need not exist), passes the DataflowRunner's option validation and
 * translation into a streaming job with Streaming Engine, submitted through {@link Submit} (the
 * Flex Template launcher's entry point). Nothing reaches Google Cloud: the DataflowRunner writes
 * the job as a classic template to a local file ({@code --templateLocation}) instead of
 * submitting it, paths are not checked against Cloud Storage ({@code NoopPathValidator}), no
 * credentials are needed ({@code NoopCredentialFactory}) and nothing is uploaded ({@link
 * OfflineStager}).
 *
 * <p>Part of the {@code dataflow-runner} profile only ({@code src/test-dataflow}): as a test
 * dependency of the default build, the DataflowRunner would change the versions of some 25
 * libraries (Guava, gax, gRPC, ...) in the default dctwin-pipeline.jar, since Maven mediates
 * versions across scopes. Run it with {@code mvn -B -Pdataflow-runner -pl pipeline verify
 * -Dtest=DataflowTranslationIT} (after {@code mvn -B install -pl transforms -DskipTests}).
 */
@RunWith(JUnit4.class)
public class DataflowTranslationIT {
  @ClassRule public static final TemporaryFolder TEMP = new TemporaryFolder();

  private static DataflowTestServices services;

  @BeforeClass
  public static void startServices() throws Exception {
    services = DataflowTestServices.start("DataflowTranslationIT");
  }

  @AfterClass
  public static void stopServices() {
    if (services != null) {
      services.close();
    }
  }

  @Test
  public void translatesIntoAStreamingDataflowJobWithoutGoogleCloud() throws Exception {
    Path template = TEMP.getRoot().toPath().resolve("dctwin-template.json");
    List<String> flags = new ArrayList<>(flagsFile("runner-configs/dataflow.flags"));
    flags.addAll(
        List.of(
            "--project=dctwin-offline-check",
            "--region=europe-west1",
            "--jobName=dctwin-" + services.run(),
            "--tempLocation=gs://dctwin-offline-check/tmp",
            "--gcpTempLocation=gs://dctwin-offline-check/tmp",
            "--stagingLocation=gs://dctwin-offline-check/staging",
            "--templateLocation=" + template,
            "--pathValidatorClass=org.apache.beam.sdk.extensions.gcp.storage.NoopPathValidator",
            "--credentialFactoryClass=org.apache.beam.sdk.extensions.gcp.auth.NoopCredentialFactory",
            "--stagerClass=" + OfflineStager.class.getName(),
            // One small jar: the runner would otherwise zip this JVM's class folders.
            "--filesToStage=" + emptyJar()));
    flags.addAll(services.pipelineFlags());

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        Submit.run(
            flags.toArray(String[]::new),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));

    assertThat(err.toString(StandardCharsets.UTF_8), exit, equalTo(0));
    assertTrue("the DataflowRunner wrote the job specification", Files.exists(template));
    String json = Files.readString(template, StandardCharsets.UTF_8);
    JsonNode job = new ObjectMapper().readTree(json);
    assertThat(job.path("type").asText(), equalTo("JOB_TYPE_STREAMING"));
    List<String> experiments = new ArrayList<>();
    job.path("environment").path("experiments").forEach(e -> experiments.add(e.asText()));
    assertThat(experiments, hasItem("enable_streaming_engine"));
    for (String transform :
        List.of(
            "ReadKafka",
            "Twins/ServerTwins",
            "Twins/RackTwins",
            "Twins/DataCenterTwins",
            "AlertsToKafka",
            "AlertsToJdbc")) {
      assertThat("the job specification has " + transform, json, containsString(transform));
    }
  }

  /** The flags of a runner-configs file, as the README and terraform read it. */
  private static List<String> flagsFile(String relative) throws IOException {
    Path file = FlinkClusterScripts.findRepo().resolve(relative);
    return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
        .map(String::strip)
        .filter(line -> !line.isEmpty() && !line.startsWith("#"))
        .toList();
  }

  private static Path emptyJar() throws IOException {
    Path jar = TEMP.getRoot().toPath().resolve("empty.jar");
    Manifest manifest = new Manifest();
    manifest.getMainAttributes().putValue("Manifest-Version", "1.0");
    try (OutputStream out = Files.newOutputStream(jar);
        JarOutputStream ignored = new JarOutputStream(out, manifest)) {
      // A manifest only.
    }
    return jar;
  }
}

package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.io.mqtt.MqttIO;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.runners.TransformHierarchy;
import org.apache.beam.sdk.util.construction.PipelineOptionsTranslation;
import org.junit.Rule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The MQTT password stays out of the job graph: the pipeline's transforms (sources and DoFns
 * within) as Java serialization writes them for a runner, and its options, hold the password file's
 * path but not its content. The same check finds the password in a graph built with MqttIO's own
 * {@code withPassword}, which is what the source did before.
 */
@RunWith(JUnit4.class)
public class MqttPasswordNotInGraphTest {
  @Rule public final TemporaryFolder folder = new TemporaryFolder();
  private final String password = "mqtt-secret-" + UUID.randomUUID();

  private static boolean contains(byte[] haystack, String needle) {
    return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
  }

  /**
   * Every transform of the pipeline, composite and primitive, Java-serialized as a runner ships it
   * (runners Snappy-compress these bytes, which would hide a string from a plain search), and the
   * options as the portable proto carries them.
   */
  private static byte[] graph(Pipeline pipeline) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<IOException> errors = new ArrayList<>();
    pipeline.traverseTopologically(
        new Pipeline.PipelineVisitor.Defaults() {
          @Override
          public CompositeBehavior enterCompositeTransform(TransformHierarchy.Node node) {
            if (node.getTransform() != null) {
              write(node.getTransform());
            }
            return CompositeBehavior.ENTER_TRANSFORM;
          }

          @Override
          public void visitPrimitiveTransform(TransformHierarchy.Node node) {
            write(node.getTransform());
          }

          private void write(Object transform) {
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
              out.writeObject(transform);
            } catch (IOException e) {
              errors.add(e);
            }
          }
        });
    if (!errors.isEmpty()) {
      throw errors.get(0);
    }
    bytes.write(PipelineOptionsTranslation.toProto(pipeline.getOptions()).toByteArray());
    return bytes.toByteArray();
  }

  @Test
  public void thePasswordFileIsInTheGraphButNotThePassword() throws Exception {
    Path file = folder.newFile("mqtt-password").toPath();
    Files.writeString(file, password + "\n");
    MqttOptions options =
        PipelineOptionsFactory.fromArgs(
                "--mqttServerUri=ssl://127.0.0.1:8883",
                "--mqttTopics=a/metrics,b/sensors",
                "--mqttUsername=dctwin",
                "--mqttPasswordFile=" + file)
            .as(MqttOptions.class);
    Pipeline pipeline = Pipeline.create(options);
    pipeline.apply(MqttSource.from(options));

    byte[] graph = graph(pipeline);
    assertThat(contains(graph, file.toString()), equalTo(true));
    assertThat(contains(graph, password), equalTo(false));
  }

  @Test
  public void theCheckFindsAPasswordGivenAsAValue() throws Exception {
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    pipeline.apply(
        MqttIO.read()
            .withConnectionConfiguration(
                MqttIO.ConnectionConfiguration.create("tcp://127.0.0.1:1883", "a/metrics")
                    .withUsername("dctwin")
                    .withPassword(password)));
    assertThat(contains(graph(pipeline), password), equalTo(true));
  }
}

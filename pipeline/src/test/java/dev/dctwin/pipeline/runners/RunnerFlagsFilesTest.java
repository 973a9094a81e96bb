package dev.dctwin.pipeline.runners;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;

import dev.dctwin.pipeline.DatacenterPipeline;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.runners.direct.DirectRunner;
import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The flags files of {@code runner-configs/} are what the README, the scripts and terraform pass to
 * the pipeline as they are: each line must be a flag the pipeline knows, with a valid value. (The
 * Dataflow file needs the DataflowRunner on the classpath: DataflowTranslationIT.)
 */
@RunWith(JUnit4.class)
public class RunnerFlagsFilesTest {
  private static final Path RUNNER_CONFIGS =
      FlinkClusterScripts.findRepo().resolve("runner-configs");

  @Test
  public void directFlagsRunTheDirectRunner() throws IOException {
    DatacenterPipeline.Options options = parse("direct.flags");
    assertThat(options.getRunner(), equalTo(DirectRunner.class));
  }

  @Test
  public void flinkEmbeddedFlagsRunALocalCheckpointedFlink() throws IOException {
    FlinkPipelineOptions flink = parse("flink-embedded.flags").as(FlinkPipelineOptions.class);
    assertThat(flink.getRunner(), equalTo(FlinkRunner.class));
    assertThat(flink.getFlinkMaster(), equalTo("[local]"));
    assertThat(flink.getCheckpointingInterval() > 0, equalTo(true));
    assertThat(flink.getObjectReuse(), equalTo(true));
    assertThat(flink.getMaxBundleTimeMills(), equalTo(100L));
  }

  @Test
  public void flinkClusterFlagsCheckpointExactlyOnceOnRocksDb() throws IOException {
    FlinkPipelineOptions flink = parse("flink-cluster.flags").as(FlinkPipelineOptions.class);
    assertThat(flink.getRunner(), equalTo(FlinkRunner.class));
    assertThat(flink.getFlinkMaster(), equalTo("127.0.0.1:8081"));
    assertThat(flink.getCheckpointingMode(), equalTo("EXACTLY_ONCE"));
    assertThat(flink.getStateBackend(), equalTo("rocksdb"));
    assertThat(flink.getCheckpointingInterval() > 0, equalTo(true));
    assertThat(flink.getObjectReuse(), equalTo(true));
    assertThat(flink.getMaxBundleTimeMills(), equalTo(100L));
  }

  @Test
  public void everyLineIsACommentOrOneFlag() throws IOException {
    List<String> wrong = new ArrayList<>();
    try (var files = Files.list(RUNNER_CONFIGS)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".flags")).toList()) {
        for (String line : Files.readAllLines(file)) {
          if (!line.isBlank() && !line.startsWith("#") && !line.matches("--[A-Za-z]+=\\S+")) {
            wrong.add(file.getFileName() + ": " + line);
          }
        }
      }
    }
    assertThat(wrong, empty());
  }

  static List<String> flags(String file) throws IOException {
    return Files.readAllLines(RUNNER_CONFIGS.resolve(file)).stream()
        .filter(line -> !line.isBlank() && !line.startsWith("#"))
        .toList();
  }

  private static DatacenterPipeline.Options parse(String file) throws IOException {
    PipelineOptionsFactory.register(DatacenterPipeline.Options.class);
    return PipelineOptionsFactory.fromArgs(flags(file).toArray(String[]::new))
        .withValidation()
        .as(DatacenterPipeline.Options.class);
  }
}

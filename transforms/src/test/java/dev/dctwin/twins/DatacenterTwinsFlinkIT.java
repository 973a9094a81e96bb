package dev.dctwin.twins;

import org.apache.beam.runners.flink.FlinkPipelineOptions;
import org.apache.beam.runners.flink.FlinkRunner;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The twin scenarios on an embedded Flink cluster in streaming mode. */
@RunWith(JUnit4.class)
public class DatacenterTwinsFlinkIT extends TwinScenarios {
  @Override
  protected TestPipeline createPipeline() {
    FlinkPipelineOptions options = PipelineOptionsFactory.as(FlinkPipelineOptions.class);
    options.setRunner(FlinkRunner.class);
    options.setFlinkMaster("[local]");
    options.setStreaming(true);
    options.setParallelism(1);
    return TestPipeline.fromOptions(options);
  }
}

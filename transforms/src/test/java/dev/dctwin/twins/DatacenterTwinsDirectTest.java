package dev.dctwin.twins;

import org.apache.beam.sdk.testing.TestPipeline;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The twin scenarios on the DirectRunner. */
@RunWith(JUnit4.class)
public class DatacenterTwinsDirectTest extends TwinScenarios {
  @Override
  protected TestPipeline createPipeline() {
    return TestPipeline.create();
  }
}

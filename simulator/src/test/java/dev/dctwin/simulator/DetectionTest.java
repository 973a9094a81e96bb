package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;

import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Alert;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;

/**
 * The default scenario against the project's own models: every fault is detected at its level with
 * the right cause, every page belongs to a fault, and no benign spike pages. This is what makes the
 * scenario both realistic and fair: the faults cross the models' thresholds, the noise stays below
 * them.
 */
public class DetectionTest {

  @Test
  public void defaultScenarioIsDetectedExactlyByTheReferenceModels() throws Exception {
    // The second run also takes servers out for maintenance, which must not page either.
    for (FleetConfig config :
        List.of(
            FleetConfig.defaults(1).withEmbedSensors(true),
            FleetConfig.defaults(2).withEmbedSensors(true).withChurn(6))) {
      long seed = config.seed();
      Topology topology = Topology.of(1, 4, 40);
      Scenario scenario = ScenarioPlanner.plan(config, topology);
      assertThat(scenario.warnings(), is(empty()));
      ReferenceTwins twins = new ReferenceTwins();
      WireCodec codec = WireCodec.withDefaults();
      new FleetGenerator(config, topology, scenario)
          .run(
              new MessageSink() {
                @Override
                public void send(Topic topic, String key, long eventTime, String json)
                    throws IOException {
                  try {
                    twins.accept(codec.decode(json.getBytes(StandardCharsets.UTF_8), null));
                  } catch (InvalidMessageException e) {
                    throw new AssertionError("invalid message " + json + ": " + e.getMessage());
                  }
                }

                @Override
                public void close() {}
              });
      // Past the 30 s holds, short of the 60 s after which every server would fall silent.
      twins.advanceTo(config.end() + 45_000);
      List<Alert> alerts = twins.alerts();
      Scorer.Score score = new Scorer(Scorer.DEFAULT_GRACE_MS).score(scenario.faults(), alerts);
      String context = "seed " + seed + ": " + Scorer.figures(score) + " " + score.unmatchedPages();
      assertThat(context, twins.uncommissionedReports(), is(0));
      assertThat(context, score.recall(), is(1.0));
      assertThat(context, score.precision(), is(1.0));
      assertThat(context, score.rootCauseAccuracy(), is(1.0));
      assertThat(context, score.benignFalseAlerts(), is(0));
      assertThat(context, score.compression(), greaterThan(20.0));
      assertThat(context, score.latencyMaxSeconds(), lessThan(120.0));
    }
  }
}

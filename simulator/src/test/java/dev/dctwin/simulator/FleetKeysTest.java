package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;

import dev.dctwin.codec.MessageKeys;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.Message;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import org.junit.Test;

/**
 * Every record the fleet sends is keyed as {@link MessageKeys} keys its message: the provisioning
 * topic is compacted in the deployments and refuses a record without a key.
 */
public class FleetKeysTest {

  @Test
  public void everyRecordOfTheFleetHasItsMessagesKey() throws Exception {
    FleetConfig config = FleetConfig.defaults(3).withChurn(4);
    Topology topology = Topology.of(1, 2, 8);
    Scenario scenario = ScenarioPlanner.plan(config, topology);
    WireCodec codec = WireCodec.withDefaults();
    Map<Topic, Integer> records = new EnumMap<>(Topic.class);
    int[] decommissions = new int[1];
    new FleetGenerator(config, topology, scenario)
        .run(
            new MessageSink() {
              @Override
              public void send(Topic topic, String key, long eventTime, String json)
                  throws java.io.IOException {
                Message message;
                try {
                  message = codec.decode(json.getBytes(StandardCharsets.UTF_8), null);
                } catch (dev.dctwin.codec.InvalidMessageException e) {
                  throw new AssertionError(json, e);
                }
                assertThat(json, key, notNullValue());
                assertThat(json, key, equalTo(MessageKeys.kafkaKey(message)));
                records.merge(topic, 1, Integer::sum);
                if (message instanceof DecommissionServer) {
                  decommissions[0]++;
                }
              }

              @Override
              public void close() {}
            });
    assertThat(records.getOrDefault(Topic.PROVISIONING, 0), greaterThan(8));
    assertThat("the churn's decommissionings", decommissions[0], greaterThan(0));
    assertThat(records.getOrDefault(Topic.METRICS, 0), greaterThan(0));
  }
}

package dev.dctwin.simulator;

import dev.dctwin.domain.Message;
import java.util.List;
import java.util.Map;

/**
 * A planned run: the ground truth, what each fault does to each server, and the provisioning events
 * in event-time order (commissioning at the start, then maintenance churn).
 *
 * @param effectsByServer server id to its effects, sorted by server id
 */
record Scenario(
    List<Fault> faults,
    Map<String, List<Effect>> effectsByServer,
    List<Message> provisioning,
    List<String> warnings) {

  List<Effect> effectsOf(String serverId) {
    return effectsByServer.getOrDefault(serverId, List.of());
  }
}

package dev.dctwin.models;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.empty;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Level;
import dev.dctwin.domain.MaintenanceWindow;
import dev.dctwin.domain.SampleMessages;
import dev.dctwin.models.ServerTwinDecision.Rejected;
import org.junit.Test;

/** The server twin's small part in maintenance: it knows whether and where its server is. */
public class ServerTwinMaintenanceTest {
  private static final long T0 = SampleMessages.T0;
  private static final String SERVER = "dc1-r01-s05";

  private final ServerTwin model = ServerTwin.withDefaults();

  private static MaintenanceWindow window(String datacenterId) {
    return new MaintenanceWindow(
        Level.SERVER, SERVER, datacenterId, null, T0, T0 + 3_600_000, "disk swap", "ops", T0);
  }

  @Test
  public void aWindowOfAServerGoesToItsServerTwin() {
    assertThat(ServerTwin.serverIdOf(window(null)), equalTo(SERVER));
    MaintenanceWindow rack =
        new MaintenanceWindow(Level.RACK, "dc1-r01", "dc1", null, T0, T0 + 1, null, null, T0);
    assertThat(ServerTwin.serverIdOf(rack), nullValue());
  }

  @Test
  public void aWindowOfAServerThatIsNotCommissionedIsAnUnknownEntity() {
    MaintenanceWindow window = window(null);
    ServerTwinDecision decision = model.onMessage(ServerTwinState.notCommissioned(), window);
    assertThat(
        decision.rejected(),
        contains(
            new Rejected(DeadLetterReason.UNKNOWN_ENTITY, "server is not commissioned", window)));
    assertThat(decision.maintenance(), is(empty()));
  }

  @Test
  public void aWindowOfACommissionedServerIsLocatedInItsRackAndDatacenter() {
    ServerTwinState state =
        model
            .onMessage(
                ServerTwinState.notCommissioned(),
                new CommissionServer(SERVER, "dc1-r01", "dc1", T0 - 60_000))
            .state();
    ServerTwinDecision decision = model.onMessage(state, window(null));
    assertThat(decision.rejected(), is(empty()));
    assertThat(decision.toRack(), is(empty()));
    assertThat(decision.maintenance(), contains(window(null).locatedIn("dc1-r01", "dc1")));

    MaintenanceWindow elsewhere = window("dc2");
    assertThat(
        model.onMessage(state, elsewhere).rejected(),
        contains(
            new Rejected(
                DeadLetterReason.UNKNOWN_ENTITY, "server is commissioned in dc1", elsewhere)));
  }
}

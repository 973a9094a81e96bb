package dev.dctwin.simulator;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.Level;
import java.util.List;

/**
 * One line of {@code ground-truth.jsonl}: an injected fault or benign noise window.
 *
 * <p>The fault is active for the reports with {@code start <= eventTime < end} (epoch ms). {@code
 * entity} is the server, rack or datacenter at {@code level}; {@code rackId} is null for a
 * datacenter fault. {@code expectedIncident} is the incident the pipeline should raise at that
 * level (null for benign noise, which should raise nothing). {@code servers} lists the servers
 * whose reports the fault changes and {@code detail} says how, for humans.
 */
@JsonPropertyOrder({
  "faultId",
  "kind",
  "level",
  "entity",
  "rackId",
  "datacenterId",
  "start",
  "end",
  "expectedIncident",
  "benign",
  "servers",
  "detail"
})
@JsonIgnoreProperties(ignoreUnknown = true)
record Fault(
    String faultId,
    String kind,
    Level level,
    String entity,
    String rackId,
    String datacenterId,
    long start,
    long end,
    IncidentType expectedIncident,
    boolean benign,
    List<String> servers,
    String detail) {

  Fault {
    servers = servers == null ? List.of() : List.copyOf(servers);
  }

  Fault withId(String id) {
    return new Fault(
        id,
        kind,
        level,
        entity,
        rackId,
        datacenterId,
        start,
        end,
        expectedIncident,
        benign,
        servers,
        detail);
  }
}

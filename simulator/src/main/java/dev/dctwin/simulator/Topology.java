package dev.dctwin.simulator;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The simulated fleet: {@code D} datacenters of {@code R} racks of {@code S} servers, with ids
 * {@code dc1}, {@code dc1-r01}, {@code dc1-r01-s01}. Numbers are zero-padded to at least two digits
 * so that ids sort in numeric order. Every list is in id order, never in hash order, so that
 * everything derived from it is deterministic.
 */
final class Topology {
  private final List<String> datacenters;
  private final Map<String, List<String>> racksByDatacenter;
  private final Map<String, List<Server>> serversByRack;
  private final List<Server> servers;
  private final Map<String, Server> byId;

  /** One server and where it is. */
  record Server(String serverId, String rackId, String datacenterId) {}

  private Topology(List<Server> servers) {
    Map<String, List<String>> racks = new TreeMap<>();
    Map<String, List<Server>> rackServers = new TreeMap<>();
    Map<String, Server> index = new LinkedHashMap<>();
    for (Server server : servers) {
      List<String> dcRacks = racks.computeIfAbsent(server.datacenterId(), dc -> new ArrayList<>());
      if (!dcRacks.contains(server.rackId())) {
        dcRacks.add(server.rackId());
      }
      rackServers.computeIfAbsent(server.rackId(), rack -> new ArrayList<>()).add(server);
      index.put(server.serverId(), server);
    }
    this.datacenters = List.copyOf(racks.keySet());
    this.racksByDatacenter = Collections.unmodifiableMap(racks);
    this.serversByRack = Collections.unmodifiableMap(rackServers);
    this.servers = List.copyOf(servers);
    this.byId = Collections.unmodifiableMap(index);
  }

  static Topology of(int datacenters, int racksPerDatacenter, int serversPerRack) {
    if (datacenters < 1 || racksPerDatacenter < 1 || serversPerRack < 1) {
      throw new IllegalArgumentException("datacenters, racks and servers must be at least 1");
    }
    String dcFormat = "dc%d";
    String rackFormat = "%s-r%0" + width(racksPerDatacenter) + "d";
    String serverFormat = "%s-s%0" + width(serversPerRack) + "d";
    List<Server> servers = new ArrayList<>();
    for (int d = 1; d <= datacenters; d++) {
      String dc = String.format(dcFormat, d);
      for (int r = 1; r <= racksPerDatacenter; r++) {
        String rack = String.format(rackFormat, dc, r);
        for (int s = 1; s <= serversPerRack; s++) {
          servers.add(new Server(String.format(serverFormat, rack, s), rack, dc));
        }
      }
    }
    return new Topology(servers);
  }

  private static int width(int count) {
    return Math.max(2, Integer.toString(count).length());
  }

  List<String> datacenters() {
    return datacenters;
  }

  List<String> racks() {
    List<String> all = new ArrayList<>();
    racksByDatacenter.values().forEach(all::addAll);
    return all;
  }

  List<String> racksOf(String datacenterId) {
    return racksByDatacenter.getOrDefault(datacenterId, List.of());
  }

  List<Server> servers() {
    return servers;
  }

  List<Server> serversOfRack(String rackId) {
    return serversByRack.getOrDefault(rackId, List.of());
  }

  Server server(String serverId) {
    Server server = byId.get(serverId);
    if (server == null) {
      throw new IllegalArgumentException("no server " + serverId + " in the fleet");
    }
    return server;
  }

  boolean hasRack(String rackId) {
    return serversByRack.containsKey(rackId);
  }

  boolean hasDatacenter(String datacenterId) {
    return racksByDatacenter.containsKey(datacenterId);
  }

  boolean hasServer(String serverId) {
    return byId.containsKey(serverId);
  }
}

package dev.dctwin.simulator;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.lessThan;
import static org.hamcrest.Matchers.lessThanOrEqualTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.BmcSensorReading;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.ServerMetricReport;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.BeforeClass;
import org.junit.ClassRule;
import org.junit.Test;
import org.junit.rules.TemporaryFolder;

/**
 * The files of {@code fleet} with the default scenario and maintenance churn: deterministic, valid
 * wire format, each file in event-time order, and no report outside its server's commissioned
 * periods.
 */
public class FleetFilesTest {
  @ClassRule public static final TemporaryFolder TEMP = new TemporaryFolder();

  private static final String[] FILES = {
    "provisioning.jsonl", "metrics.jsonl", "sensors.jsonl", "ground-truth.jsonl"
  };
  private static Path first;
  private static Path again;
  private static Path otherSeed;

  @BeforeClass
  public static void generate() throws Exception {
    first = fleet(7, "first");
    again = fleet(7, "again");
    otherSeed = fleet(8, "other");
  }

  private static Path fleet(long seed, String name) throws Exception {
    Path out = TEMP.getRoot().toPath().resolve(name);
    SimulatorRun cli = SimulatorRun.run("fleet", "--seed=" + seed, "--churn=5", "--out=" + out);
    assertThat(cli.err, cli.exitCode, is(0));
    return out;
  }

  @Test
  public void sameSeedGivesByteIdenticalFiles() throws Exception {
    for (String file : FILES) {
      assertThat(file, Files.mismatch(first.resolve(file), again.resolve(file)), is(-1L));
    }
  }

  @Test
  public void differentSeedGivesDifferentFiles() throws Exception {
    for (String file : FILES) {
      assertThat(file, Files.mismatch(first.resolve(file), otherSeed.resolve(file)), not(is(-1L)));
    }
  }

  @Test
  public void everyFileIsInEventTimeOrderAndValid() throws Exception {
    for (String file : new String[] {"provisioning.jsonl", "metrics.jsonl", "sensors.jsonl"}) {
      List<Message> messages = decode(first.resolve(file));
      assertThat(file, messages.size(), greaterThan(0));
      for (int i = 1; i < messages.size(); i++) {
        assertThat(
            file + " line " + (i + 1),
            messages.get(i).eventTime(),
            greaterThanOrEqualTo(messages.get(i - 1).eventTime()));
      }
    }
  }

  @Test
  public void serversReportOnlyWhileCommissioned() throws Exception {
    Map<String, List<long[]>> periods = new HashMap<>();
    int decommissions = 0;
    for (Message message : decode(first.resolve("provisioning.jsonl"))) {
      if (message instanceof CommissionServer c) {
        periods
            .computeIfAbsent(c.serverId(), id -> new ArrayList<>())
            .add(new long[] {c.eventTime(), Long.MAX_VALUE});
      } else {
        DecommissionServer d = (DecommissionServer) message;
        List<long[]> list = periods.get(d.serverId());
        list.get(list.size() - 1)[1] = d.eventTime();
        decommissions++;
      }
    }
    assertThat(decommissions, is(5));
    int reports = 0;
    for (String file : new String[] {"metrics.jsonl", "sensors.jsonl"}) {
      for (Message message : decode(first.resolve(file))) {
        String server =
            message instanceof ServerMetricReport r
                ? r.serverId()
                : ((BmcSensorReading) message).serverId();
        long time = message.eventTime();
        boolean inService =
            periods.getOrDefault(server, List.of()).stream()
                .anyMatch(period -> period[0] < time && time < period[1]);
        assertThat(file + " " + server + " at " + time, inService, is(true));
        reports++;
      }
    }
    assertThat(reports, greaterThan(50_000));
  }

  @Test
  public void metricsCarryNoSensorsAndSensorsFollowWithinHalfASecond() throws Exception {
    Map<String, List<Long>> metricTimes = new HashMap<>();
    for (Message message : decode(first.resolve("metrics.jsonl"))) {
      ServerMetricReport report = (ServerMetricReport) message;
      assertThat(report.sensors(), nullValue());
      metricTimes
          .computeIfAbsent(report.serverId(), id -> new ArrayList<>())
          .add(report.eventTime());
    }
    int readings = 0;
    for (Message message : decode(first.resolve("sensors.jsonl"))) {
      BmcSensorReading reading = (BmcSensorReading) message;
      List<Long> times = metricTimes.get(reading.serverId());
      int found = Collections.binarySearch(times, reading.eventTime());
      long metricTime = times.get(found >= 0 ? found : -found - 2);
      assertThat(reading.eventTime() - metricTime, lessThanOrEqualTo(500L));
      readings++;
    }
    long reports = metricTimes.values().stream().mapToLong(List::size).sum();
    // Only readings due just after a server left service are missing.
    assertThat(readings, greaterThan((int) reports - 5));
  }

  @Test
  public void embeddedSensorsGoIntoTheReports() throws Exception {
    Path out = TEMP.getRoot().toPath().resolve("embedded");
    SimulatorRun cli =
        SimulatorRun.run(
            "fleet",
            "--out=" + out,
            "--racks=1",
            "--servers=3",
            "--duration=1m",
            "--faults=none",
            "--embed-sensors");
    assertThat(cli.err, cli.exitCode, is(0));
    List<Message> metrics = decode(out.resolve("metrics.jsonl"));
    assertThat(metrics.size(), is(18));
    assertThat(
        metrics.stream().map(m -> ((ServerMetricReport) m).sensors()).toList(),
        everyItem(notNullValue()));
    assertThat(Files.size(out.resolve("sensors.jsonl")), is(0L));
    assertThat(Files.size(out.resolve("ground-truth.jsonl")), is(0L));
  }

  @Test
  public void startAndIntervalAreConfigurable() throws Exception {
    Path out = TEMP.getRoot().toPath().resolve("clock");
    SimulatorRun cli =
        SimulatorRun.run(
            "fleet",
            "--out=" + out,
            "--datacenters=2",
            "--racks=1",
            "--servers=2",
            "--duration=30s",
            "--interval=5s",
            "--start=2030-01-01T00:00:00Z",
            "--faults=none");
    assertThat(cli.err, cli.exitCode, is(0));
    List<Message> metrics = decode(out.resolve("metrics.jsonl"));
    assertThat(metrics.size(), is(4 * 6));
    long start = 1_893_456_000_000L;
    for (Message message : metrics) {
      assertThat(message.eventTime(), greaterThan(start));
      assertThat(message.eventTime(), lessThan(start + 30_000));
    }
    assertThat(
        decode(out.resolve("provisioning.jsonl")).stream()
            .map(m -> ((CommissionServer) m).serverId())
            .toList(),
        is(List.of("dc1-r01-s01", "dc1-r01-s02", "dc2-r01-s01", "dc2-r01-s02")));
  }

  static List<Message> decode(Path file) throws Exception {
    WireCodec codec = WireCodec.withDefaults();
    List<Message> messages = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      messages.add(codec.decode(line.getBytes(StandardCharsets.UTF_8), null));
    }
    return messages;
  }
}

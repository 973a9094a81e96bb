package dev.dctwin.simulator.bench;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.util.Map;
import org.junit.Test;

/** The verdicts of the bench's figures: PASS, FAIL, and INVALID runs that show no rate. */
public class VerdictTest {
  private static PipelineThroughput.Result run(
      long incidents, long deadLetters, double processingSeconds, KafkaCeiling.Result ceiling) {
    return new PipelineThroughput.Result(
        10_000,
        90,
        AgentInput.Format.TYPED,
        PipelineThroughput.Backend.HEAP,
        910_004,
        900_000,
        incidents,
        100,
        12.0,
        processingSeconds,
        15.0,
        "JDBC alerts table",
        deadLetters,
        600,
        null,
        ceiling);
  }

  private static final KafkaCeiling.Result CEILING =
      new KafkaCeiling.Result(910_004, 910_004, 3.0, 2.5, null);

  @Test
  public void aCompleteRunIsValidAndComparedWithItsCeiling() {
    PipelineThroughput.Result r = run(100, 0, 10.0, CEILING);
    assertThat(r.invalidReason(), nullValue());
    assertThat(r.processingRate(), equalTo(90_000.0));
    assertThat(r.ceilingRate(), equalTo(300_000.0));
    Figure rate =
        Figure.of(
            "1 pipeline",
            "reports/s",
            r.processingRate(),
            "reports/s",
            Report.RATE_GOAL,
            r.ceilingRate(),
            r.invalidReason());
    assertThat(rate.verdict(), equalTo("FAIL"));
    assertThat(rate.valueCell(), equalTo("90,000 reports/s"));
    assertThat(rate.ceilingCell(), equalTo("300,000 reports/s"));
    assertThat(rate.fractionCell(), equalTo("30.0 %"));
    Figure cpu = Figure.of("1 pipeline", "CPU", 15.0, "µs", Report.CPU_GOAL, Double.NaN, null);
    assertThat(cpu.verdict(), equalTo("PASS"));
  }

  @Test
  public void anIncompleteOutputIsInvalidAndShowsNoRate() {
    PipelineThroughput.Result r = run(97, 0, 10.0, CEILING);
    assertThat(
        r.invalidReason(),
        equalTo("output incomplete: 97 of 100 DISK_FAILURE incidents within 600 s"));
    Figure rate =
        Figure.of(
            "1 pipeline",
            "reports/s",
            r.processingRate(),
            "reports/s",
            Report.RATE_GOAL,
            r.ceilingRate(),
            r.invalidReason());
    assertThat(rate.verdict(), equalTo("INVALID"));
    for (String cell : rate.cells()) {
      assertThat(cell, not(containsString("90,000")));
    }
    assertThat(rate.valueCell(), containsString("97 of 100"));
    assertThat(rate.fractionCell(), equalTo("-"));
  }

  @Test
  public void deadLettersAnUnseenStartAndAnIncompleteCeilingAreInvalid() {
    assertThat(run(100, 3, 10.0, CEILING).invalidReason(), containsString("3 metric payloads"));
    assertThat(run(100, 0, Double.NaN, CEILING).invalidReason(), containsString("first read"));
    KafkaCeiling.Result short_ = new KafkaCeiling.Result(910_004, 900_000, 3.0, 2.5, null);
    assertThat(short_.invalidReason(), containsString("900,000 of 910,004"));
    assertThat(run(100, 0, 10.0, short_).ceilingRate(), equalTo(Double.NaN));
    assertThat(
        new KafkaCeiling.Result(10, 0, Double.NaN, Double.NaN, "ProducerFencedException")
            .invalidReason(),
        containsString("ProducerFencedException"));
  }

  @Test
  public void anIncompleteJoinIsInvalid() {
    KafkaJoinThroughput.Result partial =
        new KafkaJoinThroughput.Result(
            1_000_000, 5_587, 999_900, 180, 179, 1_000, Map.of(), 999_877, 3.0, 180, null);
    assertThat(
        partial.invalidReason(),
        equalTo("output incomplete: 5,587 of 999,900 pairs committed within 180 s"));
    KafkaJoinThroughput.Result rejected =
        new KafkaJoinThroughput.Result(
            10, 9, 9, 1, 1, 1_000, Map.of("OUT_OF_ORDER", 1L), 10, 3.0, 180, null);
    assertThat(rejected.invalidReason(), containsString("OUT_OF_ORDER"));
  }

  @Test
  public void goalsCompareBothWaysAndNeverPassWithoutAValue() {
    assertThat(Figure.Goal.atLeast(100, "x").met(100), equalTo(true));
    assertThat(Figure.Goal.atLeast(100, "x").met(99.9), equalTo(false));
    assertThat(Figure.Goal.atMost(1, "s").met(1.01), equalTo(false));
    assertThat(Figure.Goal.atMost(1, "s").met(Double.NaN), equalTo(false));
    assertThat(Figure.measured("2", "p50", 0.4, "s", null, Double.NaN).verdict(), equalTo("-"));
  }
}

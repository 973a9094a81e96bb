package dev.dctwin.models.baseline;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.closeTo;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.lessThan;

import java.util.List;
import java.util.Random;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class ResidualSubspaceTest {
  private static final int COMPONENTS = 1;
  private static final double STEP = 1.0 / 2000;

  private final MetricBaseline cpu = new MetricBaseline(COMPONENTS);
  private final MetricBaseline load = new MetricBaseline(COMPONENTS);
  private final MetricBaseline disk = new MetricBaseline(COMPONENTS);

  private List<ResidualSubspace.Member> deviations(double c, double l, double d) {
    return List.of(
        new ResidualSubspace.Member(cpu, c),
        new ResidualSubspace.Member(load, l),
        new ResidualSubspace.Member(disk, d));
  }

  /** cpu and load move together (sd 1.5), disk is small independent noise (sd 0.3). */
  private ResidualSubspace learned(int reports) {
    ResidualSubspace subspace = new ResidualSubspace();
    Random random = new Random(5);
    for (int i = 0; i < reports; i++) {
      double common = 1.5 * random.nextGaussian();
      List<ResidualSubspace.Member> members =
          deviations(
              common + 0.3 * random.nextGaussian(),
              common + 0.3 * random.nextGaussian(),
              0.3 * random.nextGaussian());
      subspace.residual(members, COMPONENTS);
      subspace.learn(members, COMPONENTS, STEP, 1f, 1f, 1f);
    }
    return subspace;
  }

  @Test
  public void learnsTheDirectionInWhichMetricsMoveTogether() {
    learned(3000);
    double norm = Math.sqrt(sq(cpu.loadings[0]) + sq(load.loadings[0]) + sq(disk.loadings[0]));
    // The first component's direction is (1, 1, 0) / sqrt 2 and its length the variance along it.
    assertThat(Math.abs(cpu.loadings[0]) / norm, closeTo(Math.sqrt(0.5), 0.05));
    assertThat(Math.abs(load.loadings[0]) / norm, closeTo(Math.sqrt(0.5), 0.05));
    assertThat(Math.abs(disk.loadings[0]) / norm, closeTo(0, 0.05));
    assertThat(norm, closeTo(2 * 1.5 * 1.5, 1.5));
  }

  @Test
  public void aMoveAlongTheLearnedDirectionLeavesLittleResidualAMoveAgainstItMuch() {
    ResidualSubspace subspace = learned(3000);
    double along = subspace.residual(deviations(3, 3, 0), COMPONENTS);
    double against = subspace.residual(deviations(3, -3, 0), COMPONENTS);
    assertThat(along, lessThan(1.0));
    assertThat(against, greaterThan(15.0));
  }

  @Test
  public void calibratesTheResidualAgainstItsOwnHistory() {
    ResidualSubspace subspace = learned(3000);
    assertThat(subspace.surprisal(0.2, 1000), lessThan(1.0));
    assertThat(subspace.surprisal(18, 1000), greaterThan(2.0));
    assertThat("not before minSamples", subspace.surprisal(18, 5000), equalTo(0.0));
  }

  @Test
  public void anIncidentsResidualsDoNotCalibrate() {
    ResidualSubspace subspace = learned(3000);
    double before = subspace.surprisal(18, 1000);
    for (int i = 0; i < 500; i++) {
      List<ResidualSubspace.Member> members = deviations(3, -3, 0);
      subspace.residual(members, COMPONENTS);
      subspace.learn(members, COMPONENTS, STEP, 0.1f, 0f, 1f);
    }
    assertThat(subspace.surprisal(18, 1000), closeTo(before, 1e-9));
  }

  private static double sq(double x) {
    return x * x;
  }
}

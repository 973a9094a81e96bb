package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertThrows;

import dev.dctwin.pipeline.io.SinkWriterId.Committed;
import dev.dctwin.pipeline.io.SinkWriterId.WriterConflict;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** Which job a shard's progress in the sink group belongs to, case by case. */
@RunWith(JUnit4.class)
public class SinkWriterIdTest {
  private static final String GROUP = "dctwin-prod-eos-dctwin.alerts";
  private static final String TOPIC = "dctwin.alerts";

  private static Committed by(String writer, long next) {
    return new Committed(next, SinkWriterId.metadata(writer));
  }

  private static String claim(String stored, String candidate, Committed committed, long next) {
    return SinkWriterId.claim(stored, candidate, committed, next, GROUP, TOPIC, 0);
  }

  @Test
  public void idsNameTheDeploymentAndDifferPerBuild() {
    String first = SinkWriterId.create("prod");
    String second = SinkWriterId.create("prod");
    assertThat(first, startsWith("prod/"));
    assertThat(first, not(equalTo(second)));
  }

  @Test
  public void metadataCarriesTheWriter() {
    assertThat(by("prod/a@t", 5).writer(), equalTo("prod/a@t"));
    assertThat("an older build wrote no metadata", new Committed(5, "").writer(), nullValue());
    assertThat(new Committed(5, "something else").writer(), containsString("something else"));
  }

  @Test
  public void aFreshJobOnAnEmptyGroupWritesAsItsCandidate() {
    assertThat(claim(null, "prod/new", null, 0), equalTo("prod/new"));
  }

  @Test
  public void aRestoredShardKeepsTheIdOfItsState() {
    // Built anew (new candidate), restored from a savepoint whose state names the writer.
    assertThat(claim("prod/old", "prod/new", by("prod/old", 42), 40), equalTo("prod/old"));
    // The group forgot (offsets expired): the state is the truth.
    assertThat(claim("prod/old", "prod/new", null, 40), equalTo("prod/old"));
  }

  @Test
  public void theSameBuildRestartedBeforeItsStateHeldTheIdContinues() {
    assertThat(claim(null, "prod/new", by("prod/new", 3), 0), equalTo("prod/new"));
  }

  @Test
  public void aFreshJobOnAUsedGroupIsRefusedWithWhatToDo() {
    WriterConflict refused =
        assertThrows(WriterConflict.class, () -> claim(null, "prod/new", by("prod/old", 42), 0));
    assertThat(refused.getMessage(), containsString("refuses to start"));
    assertThat(refused.getMessage(), containsString(GROUP));
    assertThat(refused.getMessage(), containsString("writer prod/old"));
    assertThat(refused.getMessage(), containsString("this job is writer prod/new"));
    assertThat(refused.getMessage(), containsString("skip its first 42 records"));
    assertThat(refused.getMessage(), containsString("--deploymentId"));
  }

  @Test
  public void aShardWhoseStateNamesAnotherWriterIsRefused() {
    assertThrows(
        WriterConflict.class, () -> claim("prod/mine", "prod/new", by("prod/other", 1), 5));
  }

  @Test
  public void progressOfABuildWithoutWriterIdsIsOursOnlyWithProgressInState() {
    Committed legacy = new Committed(42, "");
    assertThat(claim(null, "prod/new", legacy, 40), equalTo("prod/new"));
    WriterConflict refused =
        assertThrows(WriterConflict.class, () -> claim(null, "prod/new", legacy, 0));
    assertThat(refused.getMessage(), containsString("without writer ids"));
  }

  @Test
  public void foreignMetadataIsAnotherWriter() {
    assertThrows(
        WriterConflict.class, () -> claim(null, "prod/new", new Committed(7, "consumer-x"), 3));
  }
}

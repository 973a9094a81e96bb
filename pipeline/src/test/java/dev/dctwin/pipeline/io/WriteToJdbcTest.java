package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertThrows;

import dev.dctwin.codec.RecordCoder;
import dev.dctwin.domain.Alert;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Set;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.transforms.Create;
import org.joda.time.Duration;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** What the JDBC sink checks when the pipeline is built, and how it shards its backlog. */
@RunWith(JUnit4.class)
public class WriteToJdbcTest {
  private static final JdbcTarget TARGET =
      new JdbcTarget(
          "jdbc:postgresql://127.0.0.1:1/none",
          "nobody",
          new Secret(null, JdbcOptions.PASSWORD_ENV),
          null,
          Duration.standardSeconds(1));

  private static Alert alert(int i) {
    long openedAt = 1_763_719_200_000L + i * 1_000L;
    return IoTestSupport.diskFailure("dc1-r01-s01", openedAt);
  }

  /** The domain coder's bytes without its version: what must never reach the backlog's state. */
  private static final class UnversionedAlertCoder extends CustomCoder<Alert> {
    @Override
    public void encode(Alert value, OutputStream out) throws IOException {
      RecordCoder.of(Alert.class).encode(value, out);
    }

    @Override
    public Alert decode(InputStream in) throws IOException {
      return RecordCoder.of(Alert.class).decode(in);
    }
  }

  @Test
  public void rowsWithoutAVersionedCoderAreRefusedWhenThePipelineIsBuilt() {
    Pipeline pipeline = Pipeline.create(PipelineOptionsFactory.create());
    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                pipeline
                    .apply(Create.of(alert(1)).withCoder(new UnversionedAlertCoder()))
                    .apply(WriteToJdbc.alerts(TARGET, 10)));
    assertThat(refused.getMessage(), containsString("coder must carry a version"));
  }

  @Test
  public void aRowAlwaysGoesToTheSameShardAndRowsSpreadOverAll() {
    RecordCoder<Alert> coder = RecordCoder.of(Alert.class);
    Set<Integer> shards = new HashSet<>();
    for (int i = 0; i < 100; i++) {
      int shard = WriteToJdbc.backlogShard(coder, alert(i));
      assertThat(WriteToJdbc.backlogShard(coder, alert(i)), equalTo(shard));
      shards.add(shard);
    }
    assertThat(shards, equalTo(Set.of(0, 1, 2, 3)));
  }
}

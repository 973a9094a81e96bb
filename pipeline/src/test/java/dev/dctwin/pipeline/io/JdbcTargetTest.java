package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.Assert.assertThrows;

import java.util.List;
import org.joda.time.Duration;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

@RunWith(JUnit4.class)
public class JdbcTargetTest {
  private static JdbcTarget target(String url, String schema) {
    return new JdbcTarget(
        url, "dctwin", new Secret(null, "NO_SUCH_VARIABLE"), schema, Duration.ZERO);
  }

  @Test
  public void redactsPasswordsOfUserInformationAndParameters() {
    assertThat(
        JdbcTarget.redact("jdbc:postgresql://dctwin:s3cr:et@db:5432/ops?ssl=true"),
        equalTo("jdbc:postgresql://dctwin:***@db:5432/ops?ssl=true"));
    assertThat(
        JdbcTarget.redact(
            "jdbc:postgresql://db/ops?user=dctwin&password=s3cret&sslmode=verify-full"
                + "&sslpassword=k3y&sslrootcert=/etc/ca.pem"),
        equalTo(
            "jdbc:postgresql://db/ops?user=dctwin&password=***&sslmode=verify-full"
                + "&sslpassword=***&sslrootcert=/etc/ca.pem"));
    assertThat(
        JdbcTarget.redact("jdbc:mariadb://db:3306/ops?PASSWORD=s3cret"),
        equalTo("jdbc:mariadb://db:3306/ops?PASSWORD=***"));
  }

  @Test
  public void leavesUrlsWithoutPasswordsAlone() {
    for (String url :
        List.of(
            "jdbc:postgresql://127.0.0.1:5432/test",
            "jdbc:postgresql://dctwin@db/ops?sslmode=verify-full&sslrootcert=/etc/ca.pem",
            "jdbc:mariadb://db:3306/")) {
      assertThat(JdbcTarget.redact(url), equalTo(url));
    }
  }

  @Test
  public void toStringShowsNoPassword() {
    String shown = target("jdbc:postgresql://u:s3cret@db/ops?password=s3cret", null).toString();
    assertThat(shown, not(containsString("s3cret")));
    assertThat(shown, containsString("jdbc:postgresql://u:***@db/ops?password=***"));
  }

  @Test
  public void acceptsLowerCaseIdentifiersAsSchema() {
    for (String schema : List.of("ops", "_x", "t0a1b2c3d4e", "a".repeat(63))) {
      assertThat(target("jdbc:postgresql://db/ops", schema).schema(), equalTo(schema));
    }
    assertThat(target("jdbc:postgresql://db/ops", null).table("alerts"), equalTo("alerts"));
  }

  @Test
  public void rejectsSchemasThatAreNotPlainIdentifiers() {
    for (String schema :
        List.of(
            "ops; DROP TABLE alerts",
            "ops.alerts",
            "\"ops\"",
            "Ops",
            "1ops",
            "ops-eu",
            "a".repeat(64),
            "öps")) {
      IllegalArgumentException error =
          assertThrows(
              IllegalArgumentException.class, () -> target("jdbc:postgresql://db/ops", schema));
      assertThat(error.getMessage(), containsString("--jdbcSchema=" + schema + " is not"));
      assertThat(error.getMessage().lines().count(), equalTo(1L));
    }
  }
}

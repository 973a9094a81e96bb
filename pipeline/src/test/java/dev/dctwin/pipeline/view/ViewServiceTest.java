package dev.dctwin.pipeline.view;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.pipeline.io.JdbcTarget;
import dev.dctwin.pipeline.io.KafkaClients;
import dev.dctwin.pipeline.io.Secret;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.AfterClass;
import org.junit.BeforeClass;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * The view's HTTP side, with no Kafka to read (nothing listens on port 1): the page and its assets,
 * the JSON answers of an empty fleet, the event stream's framing, and the headers that keep the
 * page's data from running as code.
 */
@RunWith(JUnit4.class)
public class ViewServiceTest {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private static ViewService service;

  @BeforeClass
  public static void start() {
    service =
        ViewService.start(
            new ViewService.Settings(
                new KafkaClients("127.0.0.1:1", null),
                new InetSocketAddress("127.0.0.1", 0),
                "t.alerts",
                "t.provisioning",
                "t.dead-letters",
                List.of("t.metrics"),
                "t"));
  }

  @AfterClass
  public static void stop() {
    service.close();
  }

  private static HttpResponse<String> get(String path) throws Exception {
    return HTTP.send(
        HttpRequest.newBuilder(service.url().resolve(path)).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  public void thePageAndItsAssetsComeFromTheServiceWithAStrictPolicy() throws Exception {
    HttpResponse<String> page = get("/");
    assertEquals(200, page.statusCode());
    assertThat(page.headers().firstValue("Content-Type").orElse(""), startsWith("text/html"));
    assertThat(page.body(), containsString("<script src=\"view.js\" defer></script>"));
    assertFalse("no asset from elsewhere", page.body().contains("//"));
    assertEquals(ViewService.CSP, page.headers().firstValue("Content-Security-Policy").orElse(""));
    assertThat(ViewService.CSP, containsString("script-src 'self'"));
    assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));

    HttpResponse<String> script = get("/view.js");
    assertEquals(200, script.statusCode());
    assertThat(
        script.headers().firstValue("Content-Type").orElse(""), startsWith("text/javascript"));
    assertFalse("the page never parses data as HTML", script.body().contains("innerHTML"));
    assertFalse(script.body().contains("insertAdjacentHTML"));
    assertEquals(200, get("/view.css").statusCode());
    assertEquals(404, get("/nothing-here").statusCode());
    assertEquals(404, get("/api/rack?dc=x&rack=y").statusCode());
    assertEquals(404, get("/api/rack").statusCode());
    assertEquals(404, get("/api/incident?id=x").statusCode());

    HttpResponse<String> post =
        HTTP.send(
            HttpRequest.newBuilder(service.url().resolve("/api/snapshot"))
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(405, post.statusCode());
  }

  @Test
  public void anEmptyFleetIsAnEmptySnapshotStillCatchingUp() throws Exception {
    HttpResponse<String> response = get("/api/snapshot");
    assertEquals(200, response.statusCode());
    assertThat(
        response.headers().firstValue("Content-Type").orElse(""), startsWith("application/json"));
    JsonNode snapshot = new ObjectMapper().readTree(response.body());
    assertEquals(0, snapshot.get("datacenters").size());
    assertFalse(snapshot.get("caughtUp").asBoolean());
    assertEquals("t", snapshot.get("config").get("consumerGroup").asText());
    assertFalse(
        "Kafka only: no database",
        snapshot.get("stats").get("database").get("configured").asBoolean());
    JsonNode timeline = new ObjectMapper().readTree(get("/api/timeline").body());
    assertEquals(0, timeline.get("alerts").size());
  }

  @Test
  public void theEventStreamGreetsWithTheServiceInstance() throws Exception {
    HttpResponse<java.io.InputStream> response =
        HTTP.send(
            HttpRequest.newBuilder(service.url().resolve("/api/events"))
                .timeout(Duration.ofSeconds(10))
                .build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertEquals(200, response.statusCode());
    assertThat(
        response.headers().firstValue("Content-Type").orElse(""), startsWith("text/event-stream"));
    try (BufferedReader lines =
        new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      assertEquals("retry: 1000", lines.readLine());
      assertEquals("", lines.readLine());
      assertEquals("event: hello", lines.readLine());
      String data = lines.readLine();
      assertThat(data, startsWith("data: {\"instance\":\""));
      JsonNode hello = new ObjectMapper().readTree(data.substring("data: ".length()));
      JsonNode snapshot = new ObjectMapper().readTree(get("/api/snapshot").body());
      assertEquals(snapshot.get("instance").asText(), hello.get("instance").asText());
    }
  }

  @Test
  public void aDatabaseThatDoesNotAnswerIsShownAsUnreachableAndTheViewServes() throws Exception {
    try (ViewService withDatabase =
        ViewService.start(
            new ViewService.Settings(
                new KafkaClients("127.0.0.1:1", null),
                new InetSocketAddress("127.0.0.1", 0),
                "t.alerts",
                "t.provisioning",
                "t.dead-letters",
                List.of("t.metrics"),
                "t",
                new JdbcTarget(
                    "jdbc:postgresql://127.0.0.1:1/none",
                    "viewer",
                    new Secret(null, "DCTWIN_TEST_NO_SUCH_VARIABLE"),
                    null,
                    org.joda.time.Duration.ZERO)))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      JsonNode database = null;
      while (System.nanoTime() < deadline) {
        HttpResponse<String> response =
            HTTP.send(
                HttpRequest.newBuilder(withDatabase.url().resolve("/api/snapshot")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode());
        database = new ObjectMapper().readTree(response.body()).get("stats").get("database");
        if (database.get("unreachableSince").asLong() > 0) {
          break;
        }
        Thread.sleep(100);
      }
      assertTrue(database.toString(), database.get("configured").asBoolean());
      assertFalse(database.toString(), database.get("reachable").asBoolean());
      assertThat(database.toString(), database.get("unreachableSince").asLong(), greaterThan(0L));
      assertEquals(-1, database.get("polledAt").asLong());
    }
  }

  @Test
  public void theUrlIsTheBoundAddress() {
    URI url = service.url();
    assertEquals("127.0.0.1", url.getHost());
    assertFalse(url.getPort() == 0);
  }
}

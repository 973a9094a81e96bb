package dev.dctwin.pipeline.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.AssumptionViolatedException;

/**
 * The services of {@code runner-configs/local/services.sh} on 127.0.0.1, which the integration
 * tests need. In CI ({@code CI=true}) a missing service fails the test: a green run must have run
 * every test. Locally the test is skipped, loudly.
 */
public final class LocalServices {
  public static final int MOSQUITTO = 1883;
  public static final int POSTGRESQL = 5432;
  public static final int MARIADB = 3306;
  public static final int KAFKA = 9092;
  public static final int KAFKA_SASL = 9094;

  private LocalServices() {}

  /** Fails in CI, skips locally, unless {@code name} answers on 127.0.0.1:{@code port}. */
  public static void require(String name, int port) {
    if (isUp(port)) {
      return;
    }
    String message =
        name
            + " is not running on 127.0.0.1:"
            + port
            + " - run runner-configs/local/services.sh start";
    if (inCi()) {
      throw new AssertionError(message);
    }
    System.err.println("!!!!!!!! SKIPPED: " + message + " !!!!!!!!");
    throw new AssumptionViolatedException(message);
  }

  /** Fails in CI, skips locally, unless {@code condition} holds. */
  public static void require(String what, boolean condition) {
    if (condition) {
      return;
    }
    if (inCi()) {
      throw new AssertionError("missing in CI: " + what);
    }
    System.err.println("!!!!!!!! SKIPPED: needs " + what + " !!!!!!!!");
    throw new AssumptionViolatedException(what);
  }

  public static boolean isUp(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean inCi() {
    return "true".equalsIgnoreCase(System.getenv("CI"));
  }
}

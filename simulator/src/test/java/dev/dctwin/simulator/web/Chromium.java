package dev.dctwin.simulator.web;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;
import org.junit.AssumptionViolatedException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless {@code chromium}, driven through Debian's {@code chromedriver} with Selenium:
 * no browser or driver download (Selenium Manager is not asked, since both paths are given). Both
 * packages are installed by {@code runner-configs/local/services.sh}. Without them the test fails
 * in CI and is skipped, loudly, elsewhere.
 */
public final class Chromium implements AutoCloseable {
  public static final Path BROWSER = Path.of("/usr/bin/chromium");
  public static final Path DRIVER = Path.of("/usr/bin/chromedriver");

  private final ChromeDriver driver;

  private Chromium(ChromeDriver driver) {
    this.driver = driver;
  }

  /** A fresh browser with an empty profile in {@code profile}, its window 1440 x 1000. */
  public static Chromium start(Path profile) {
    if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
      String message =
          BROWSER + " or " + DRIVER + " is missing - run runner-configs/local/services.sh start";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(message);
      }
      System.err.println("!!!!!!!! SKIPPED: " + message + " !!!!!!!!");
      throw new AssumptionViolatedException(message);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(BROWSER.toFile());
    options.addArguments(
        List.of(
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1440,1000",
            "--user-data-dir=" + profile.toAbsolutePath()));
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(DRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
    driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    return new Chromium(driver);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Runs {@code script} in the page and returns its result. */
  public Object script(String script, Object... args) {
    return driver.executeScript(script, args);
  }

  /** Saves a screenshot of the window as {@code file}. */
  public void screenshot(Path file) {
    File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      Files.copy(shot.toPath(), file, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new IllegalStateException("cannot save " + file, e);
    }
  }

  /**
   * Polls {@code condition} every 200 ms until it holds; fails with {@code what} and the last value
   * of {@code detail} after {@code timeout}.
   */
  public static void await(
      String what, Duration timeout, Supplier<Boolean> condition, Supplier<Object> detail) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      if (Boolean.TRUE.equals(condition.get())) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + timeout + ": " + what + "; " + detail.get());
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for " + what);
      }
    }
  }

  /**
   * Clicks the element {@code find} returns, as a person would; finds it again when a live update
   * of the page replaced it in between.
   */
  public void click(Supplier<WebElement> find) {
    for (int attempt = 1; ; attempt++) {
      try {
        find.get().click();
        return;
      } catch (StaleElementReferenceException e) {
        if (attempt == 10) {
          throw e;
        }
      }
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}

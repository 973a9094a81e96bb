package dev.dctwin.pipeline.runners;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a test stages to the Flink cluster (submit.sh --jar). In the {@code -Pflink-runner} build,
 * the job jar itself (dctwin-pipeline-flink.jar, built at {@code package} before failsafe runs,
 * named by {@code dctwin.flinkJobJar}). Otherwise its stand-in from the test classpath: the
 * pipeline's classes and its runtime libraries, without what the cluster already has (Flink, its
 * dependencies, logging) and without what only tests and local tools use (it keeps a few libraries
 * that the job jar leaves out, which the job never loads). Beam stages each entry as it is (class
 * folders are zipped), so no jar needs building.
 */
public final class JobJars {
  /**
   * Test-only libraries, by Maven repository path: test frameworks and fixtures, the DirectRunner
   * and the Dataflow runner, which the flink-runner profile's job jar does not have either.
   */
  private static final Pattern NOT_STAGED =
      Pattern.compile(
          "/(junit|org/hamcrest|org/apache/maven/surefire|org/junit"
              + "|org/apache/beam/beam-runners-direct-java"
              + "|org/apache/beam/beam-runners-google-cloud-dataflow-java"
              // What the simulator's tests add: embedded services, charts, a browser driver.
              + "|org/seleniumhq|io/zonky|io/moquette|org/jfree"
              + "|org/apache/kafka/kafka_2.13|org/apache/kafka/kafka-server|org/scala-lang"
              + "|com/fasterxml/jackson/module/jackson-module-scala_2.13|com/typesafe/scala-logging/scala-logging_2.13)/");

  private JobJars() {}

  /** The job jar of the -Pflink-runner build if there is one, else {@link #fromTestClasspath}. */
  public static List<Path> forCluster(Set<Path> clusterClasspath) {
    String jobJar = System.getProperty("dctwin.flinkJobJar");
    if (jobJar != null) {
      if (!Files.isRegularFile(Path.of(jobJar))) {
        throw new IllegalStateException("dctwin.flinkJobJar names no file: " + jobJar);
      }
      return List.of(Path.of(jobJar));
    }
    return fromTestClasspath(clusterClasspath);
  }

  static List<Path> fromTestClasspath(Set<Path> clusterClasspath) {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<Path> staged = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (entry.isBlank()) {
        continue;
      }
      Path path = Path.of(entry).toAbsolutePath().normalize();
      String unix = path.toString().replace(File.separatorChar, '/');
      boolean testOnly =
          unix.endsWith("/test-classes")
              || unix.endsWith("/simulator/target/classes")
              || unix.endsWith("-tests.jar")
              || NOT_STAGED.matcher(unix).find();
      if (testOnly || clusterClasspath.contains(path) || !Files.exists(path)) {
        continue;
      }
      if (Files.isDirectory(path) || unix.endsWith(".jar")) {
        staged.add(path);
      }
    }
    return staged;
  }

  public static long bytes(List<Path> paths) {
    long total = 0;
    for (Path path : paths) {
      try (Stream<Path> files = Files.isDirectory(path) ? Files.walk(path) : Stream.of(path)) {
        total += files.filter(Files::isRegularFile).mapToLong(JobJars::size).sum();
      } catch (java.io.IOException e) {
        // Only for the log line.
      }
    }
    return total;
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return 0;
    }
  }
}

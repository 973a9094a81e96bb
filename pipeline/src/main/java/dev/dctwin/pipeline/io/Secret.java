package dev.dctwin.pipeline.io;

import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Where a password comes from: a file (a mounted secret) or an environment variable, never a flag
 * value, which would show in process listings, shell history, logs and pipeline display data. Only
 * the location travels with the pipeline; the value is read where it is used, on each worker.
 *
 * @param file a file whose content, less one trailing line break, is the password; or null
 * @param environmentVariable consulted when {@code file} is null
 */
public record Secret(String file, String environmentVariable) implements Serializable {

  /** The password, if one is configured. Throws if a configured file cannot be read. */
  public Optional<String> value() {
    if (file != null && !file.isBlank()) {
      try {
        String content = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        return Optional.of(content.replaceFirst("\\R\\z", ""));
      } catch (IOException e) {
        throw new IllegalArgumentException("cannot read the password file " + file + ": " + e);
      }
    }
    return Optional.ofNullable(System.getenv(environmentVariable)).filter(v -> !v.isEmpty());
  }

  /** Never the value. */
  @Override
  public String toString() {
    return file != null ? "Secret[file=" + file + "]" : "Secret[env=" + environmentVariable + "]";
  }
}

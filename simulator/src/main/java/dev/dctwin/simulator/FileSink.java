package dev.dctwin.simulator;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;

/**
 * JSON lines, one file per topic. Every file named in the constructor is created (truncated) up
 * front, so that a directory never mixes the files of two runs.
 */
final class FileSink implements MessageSink {
  private static final int BUFFER_CHARS = 1 << 16;

  private final Map<Topic, Writer> writers = new EnumMap<>(Topic.class);

  /** One file per topic, named after the topic, in {@code directory}. */
  static FileSink inDirectory(Path directory, Topic... topics) throws IOException {
    Files.createDirectories(directory);
    Map<Topic, Path> files = new EnumMap<>(Topic.class);
    for (Topic topic : topics) {
      files.put(topic, directory.resolve(topic.fileName()));
    }
    return new FileSink(files);
  }

  FileSink(Map<Topic, Path> files) throws IOException {
    try {
      for (Map.Entry<Topic, Path> file : files.entrySet()) {
        Path parent = file.getValue().toAbsolutePath().getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        writers.put(
            file.getKey(),
            new BufferedWriter(
                new OutputStreamWriter(
                    Files.newOutputStream(file.getValue()), StandardCharsets.UTF_8),
                BUFFER_CHARS));
      }
    } catch (IOException e) {
      close();
      throw e;
    }
  }

  @Override
  public void send(Topic topic, String key, long eventTime, String json) throws IOException {
    Writer writer = writers.get(topic);
    if (writer == null) {
      throw new IllegalStateException("no file for topic " + topic);
    }
    writer.write(json);
    writer.write('\n');
  }

  @Override
  public void close() throws IOException {
    IOException first = null;
    for (Writer writer : writers.values()) {
      try {
        writer.close();
      } catch (IOException e) {
        first = first == null ? e : first;
      }
    }
    if (first != null) {
      throw first;
    }
  }
}

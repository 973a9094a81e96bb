package dev.dctwin.pipeline.io;

import dev.dctwin.codec.RawMessageCoder;
import dev.dctwin.domain.RawMessage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.util.Set;
import org.apache.beam.sdk.io.FileIO;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.Filter;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PBegin;
import org.apache.beam.sdk.values.PCollection;

/**
 * Reads files of JSON lines as raw bytes, one {@link RawMessage} per non-empty line. Bytes are kept
 * as they are (no charset decoding), so that invalid UTF-8 reaches the codec and becomes a dead
 * letter instead of being replaced silently. The source of each message is {@code file:<path>:<line
 * number>}.
 */
public final class ReadJsonLines extends PTransform<PBegin, PCollection<RawMessage>> {
  private final String filepattern;
  private final Set<String> excludedNames;

  private ReadJsonLines(String filepattern, Set<String> excludedNames) {
    this.filepattern = filepattern;
    this.excludedNames = excludedNames;
  }

  public static ReadJsonLines from(String filepattern) {
    return new ReadJsonLines(filepattern, Set.of());
  }

  /** Skips the matched files with these names (for example an answer key next to the input). */
  public ReadJsonLines excluding(String... fileNames) {
    return new ReadJsonLines(filepattern, Set.of(fileNames));
  }

  @Override
  public PCollection<RawMessage> expand(PBegin begin) {
    return begin
        .apply("MatchFiles", FileIO.match().filepattern(filepattern))
        .apply(
            "SkipExcluded",
            Filter.by(
                (MatchResult.Metadata file) ->
                    !excludedNames.contains(file.resourceId().getFilename())))
        .apply("OpenFiles", FileIO.readMatches())
        .apply("SplitLines", ParDo.of(new SplitLinesFn()))
        .setCoder(RawMessageCoder.of());
  }

  static final class SplitLinesFn extends DoFn<FileIO.ReadableFile, RawMessage> {
    @ProcessElement
    public void processElement(@Element FileIO.ReadableFile file, OutputReceiver<RawMessage> out)
        throws IOException {
      String path = file.getMetadata().resourceId().toString();
      long receivedAt = System.currentTimeMillis();
      try (InputStream in = new BufferedInputStream(Channels.newInputStream(file.open()))) {
        ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
        long lineNumber = 1;
        int b;
        while ((b = in.read()) != -1) {
          if (b == '\n') {
            emit(path, lineNumber++, line, receivedAt, out);
          } else {
            line.write(b);
          }
        }
        emit(path, lineNumber, line, receivedAt, out);
      }
    }

    private static void emit(
        String path,
        long lineNumber,
        ByteArrayOutputStream line,
        long receivedAt,
        OutputReceiver<RawMessage> out) {
      byte[] bytes = line.toByteArray();
      line.reset();
      int length = bytes.length;
      if (length > 0 && bytes[length - 1] == '\r') {
        length--;
      }
      if (isBlank(bytes, length)) {
        return;
      }
      byte[] payload = length == bytes.length ? bytes : java.util.Arrays.copyOf(bytes, length);
      out.output(new RawMessage("file:" + path + ":" + lineNumber, payload, receivedAt));
    }

    private static boolean isBlank(byte[] bytes, int length) {
      for (int i = 0; i < length; i++) {
        if (bytes[i] != ' ' && bytes[i] != '\t') {
          return false;
        }
      }
      return true;
    }
  }
}

package dev.dctwin.pipeline.io;

import dev.dctwin.codec.ParseMessages;
import dev.dctwin.codec.RawMessageCoder;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.PayloadCut;
import dev.dctwin.domain.RawMessage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Consumer;
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
 * number>}, its origin the file and line.
 *
 * <p>A line is buffered up to {@code maxLineBytes} only (by default the largest payload any parser
 * takes, {@link ParseMessages#DEFAULT_MAX_AGENT_PAYLOAD_BYTES}): a longer one, a file without
 * newlines say, keeps its first {@code keptBytes} and is only counted and hashed up to its newline
 * (a carriage return before the newline included), so the parser makes it a {@code
 * PAYLOAD_TOO_LARGE} dead letter with its length and SHA-256, and the next line is read as usual.
 */
public final class ReadJsonLines extends PTransform<PBegin, PCollection<RawMessage>> {
  private final String filepattern;
  private final Set<String> excludedNames;
  private final int maxLineBytes;
  private final int keptBytes;

  private ReadJsonLines(
      String filepattern, Set<String> excludedNames, int maxLineBytes, int keptBytes) {
    this.filepattern = filepattern;
    this.excludedNames = excludedNames;
    this.maxLineBytes = maxLineBytes;
    this.keptBytes = keptBytes;
  }

  public static ReadJsonLines from(String filepattern) {
    return new ReadJsonLines(
        filepattern,
        Set.of(),
        ParseMessages.DEFAULT_MAX_AGENT_PAYLOAD_BYTES,
        DeadLetter.DEFAULT_MAX_KEPT_BYTES);
  }

  /** Skips the matched files with these names (for example an answer key next to the input). */
  public ReadJsonLines excluding(String... fileNames) {
    return new ReadJsonLines(filepattern, Set.of(fileNames), maxLineBytes, keptBytes);
  }

  /**
   * Lines longer than {@code maxLineBytes} are passed on cut to their first {@code keptBytes} bytes
   * (at most {@code maxLineBytes}), with their length and SHA-256.
   */
  public ReadJsonLines withMaxLineBytes(int maxLineBytes, int keptBytes) {
    if (maxLineBytes < 1 || keptBytes < 0) {
      throw new IllegalArgumentException(
          "a line cap of " + maxLineBytes + " bytes keeping " + keptBytes + " makes no sense");
    }
    return new ReadJsonLines(filepattern, excludedNames, maxLineBytes, keptBytes);
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
        .apply("SplitLines", ParDo.of(new SplitLinesFn(maxLineBytes, keptBytes)))
        .setCoder(RawMessageCoder.of());
  }

  static final class SplitLinesFn extends DoFn<FileIO.ReadableFile, RawMessage> {
    private final int maxLineBytes;
    private final int keptBytes;

    SplitLinesFn(int maxLineBytes, int keptBytes) {
      this.maxLineBytes = maxLineBytes;
      this.keptBytes = Math.min(keptBytes, maxLineBytes);
    }

    @ProcessElement
    public void processElement(@Element FileIO.ReadableFile file, OutputReceiver<RawMessage> out)
        throws IOException {
      String path = file.getMetadata().resourceId().toString();
      long receivedAt = System.currentTimeMillis();
      try (InputStream in = new BufferedInputStream(Channels.newInputStream(file.open()))) {
        split(path, in, receivedAt, out::output);
      }
    }

    /** Splits {@code in} into raw messages, one per non-blank line. */
    void split(String path, InputStream in, long receivedAt, Consumer<RawMessage> out)
        throws IOException {
      Line line = new Line(maxLineBytes, keptBytes);
      long lineNumber = 1;
      int b;
      while ((b = in.read()) != -1) {
        if (b == '\n') {
          line.emit(path, lineNumber++, receivedAt, out);
        } else {
          line.append(b);
        }
      }
      line.emit(path, lineNumber, receivedAt, out);
    }
  }

  /** The bytes of the current line up to the cap; beyond it, the first bytes and a hash. */
  private static final class Line {
    private final int maxBytes;
    private final int keptBytes;
    private ByteArrayOutputStream bytes = new ByteArrayOutputStream(1024);
    private long length;
    private MessageDigest digest;

    Line(int maxBytes, int keptBytes) {
      this.maxBytes = maxBytes;
      this.keptBytes = keptBytes;
    }

    void append(int b) {
      length++;
      if (digest != null) {
        digest.update((byte) b);
        return;
      }
      bytes.write(b);
      if (length > maxBytes) {
        // Over the cap: hash what was read, keep its start, and only hash the rest.
        byte[] read = bytes.toByteArray();
        digest = PayloadCut.newDigest();
        digest.update(read);
        bytes = new ByteArrayOutputStream(keptBytes);
        bytes.write(read, 0, keptBytes);
      }
    }

    void emit(String path, long lineNumber, long receivedAt, Consumer<RawMessage> out) {
      String source = "file:" + path + ":" + lineNumber;
      MessageOrigin origin = MessageOrigin.file(path, lineNumber);
      byte[] payload = bytes.toByteArray();
      if (digest != null) {
        out.accept(
            new RawMessage(
                source,
                payload,
                receivedAt,
                origin,
                new PayloadCut(length, HexFormat.of().formatHex(digest.digest()))));
      } else {
        int end = payload.length;
        if (end > 0 && payload[end - 1] == '\r') {
          end--;
        }
        if (!isBlank(payload, end)) {
          out.accept(
              new RawMessage(
                  source,
                  end == payload.length ? payload : Arrays.copyOf(payload, end),
                  receivedAt,
                  origin));
        }
      }
      bytes.reset();
      length = 0;
      digest = null;
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

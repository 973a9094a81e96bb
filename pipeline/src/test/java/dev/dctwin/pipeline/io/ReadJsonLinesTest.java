package dev.dctwin.pipeline.io;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;

import dev.dctwin.domain.MessageOrigin;
import dev.dctwin.domain.PayloadCut;
import dev.dctwin.domain.RawMessage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** Lines become raw messages with their file and line; a line beyond the cap is cut. */
@RunWith(JUnit4.class)
public class ReadJsonLinesTest {
  private static final String PATH = "/in/fleet.jsonl";

  private static List<RawMessage> split(byte[] file, int maxLineBytes, int keptBytes)
      throws Exception {
    List<RawMessage> out = new ArrayList<>();
    new ReadJsonLines.SplitLinesFn(maxLineBytes, keptBytes)
        .split(PATH, new ByteArrayInputStream(file), 42L, out::add);
    return out;
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  public void everyNonBlankLineIsAMessageWithItsFileAndLine() throws Exception {
    List<RawMessage> messages = split(utf8("{\"a\":1}\r\n\n  \n{\"b\":2}"), 100, 10);
    assertThat(messages.size(), equalTo(2));
    assertThat(messages.get(0).payload(), equalTo(utf8("{\"a\":1}")));
    assertThat(messages.get(0).source(), equalTo("file:" + PATH + ":1"));
    assertThat(messages.get(0).origin(), equalTo(MessageOrigin.file(PATH, 1)));
    assertThat(messages.get(0).cut(), nullValue());
    assertThat(messages.get(1).payload(), equalTo(utf8("{\"b\":2}")));
    assertThat(messages.get(1).origin(), equalTo(MessageOrigin.file(PATH, 4)));
  }

  @Test
  public void aLineAtTheCapIsWholeAndOneByteMoreIsCut() throws Exception {
    byte[] atCap = new byte[100];
    Arrays.fill(atCap, (byte) 'a');
    assertThat(split(atCap, 100, 10).get(0).cut(), nullValue());
    assertThat(split(atCap, 100, 10).get(0).payload(), equalTo(atCap));

    byte[] over = Arrays.copyOf(atCap, 101);
    over[100] = 'z';
    RawMessage cut = split(over, 100, 10).get(0);
    assertThat(cut.payload(), equalTo(Arrays.copyOf(over, 10)));
    assertThat(cut.cut(), equalTo(new PayloadCut(101, PayloadCut.sha256Hex(over))));
  }

  @Test
  public void aHugeLineIsCutHashedWholeAndTheNextLineReadAsUsual() throws Exception {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.write(utf8("{\"first\":1}\n"));
    byte[] huge = new byte[3_000_000];
    for (int i = 0; i < huge.length; i++) {
      huge[i] = (byte) ('a' + i % 26);
    }
    file.write(huge);
    file.write('\n');
    file.write(utf8("{\"after\":1}\n"));

    List<RawMessage> messages = split(file.toByteArray(), 64 * 1024, 1024);

    assertThat(messages.size(), equalTo(3));
    RawMessage cut = messages.get(1);
    assertThat(cut.origin(), equalTo(MessageOrigin.file(PATH, 2)));
    assertThat(cut.payload(), equalTo(Arrays.copyOf(huge, 1024)));
    assertThat(cut.cut().length(), equalTo((long) huge.length));
    assertThat(cut.cut().sha256(), equalTo(PayloadCut.sha256Hex(huge)));
    assertThat(messages.get(2).payload(), equalTo(utf8("{\"after\":1}")));
    assertThat(messages.get(2).origin(), equalTo(MessageOrigin.file(PATH, 3)));
    assertThat(messages.get(2).cut(), nullValue());
  }

  @Test
  public void aFileWithoutNewlineIsOneCutLine() throws Exception {
    byte[] noNewline = new byte[200_000];
    Arrays.fill(noNewline, (byte) '{');
    List<RawMessage> messages = split(noNewline, 1000, 100);
    assertThat(messages.size(), equalTo(1));
    assertThat(messages.get(0).payload().length, equalTo(100));
    assertThat(messages.get(0).cut().length(), equalTo(200_000L));
  }
}

package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.Message;
import dev.dctwin.domain.MessageType;
import dev.dctwin.domain.PayloadCut;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/** The examples in WIRE-FORMAT.md are what the codec accepts, and cover every message type. */
@RunWith(JUnit4.class)
public class WireFormatDocTest {
  private static final Pattern JSON_BLOCK = Pattern.compile("```json\\n(.*?)```", Pattern.DOTALL);

  @Test
  public void everyExampleDecodesAndEveryTypeHasOne() throws Exception {
    String doc = Files.readString(Path.of("WIRE-FORMAT.md"));
    List<String> blocks = new ArrayList<>();
    Matcher matcher = JSON_BLOCK.matcher(doc);
    while (matcher.find()) {
      blocks.add(matcher.group(1));
    }
    assertThat(blocks.size(), greaterThan(MessageType.values().length));

    WireCodec codec = WireCodec.withDefaults();
    Set<MessageType> documented = EnumSet.noneOf(MessageType.class);
    int deadLetters = 0;
    for (String block : blocks) {
      if (block.contains("\"payloadBase64\"")) {
        DeadLetter letter = new ObjectMapper().readValue(block, DeadLetter.class);
        assertThat(letter.payloadLength(), equalTo((long) letter.payload().length));
        assertThat(letter.payloadSha256(), equalTo(PayloadCut.sha256Hex(letter.payload())));
        deadLetters++;
        continue;
      }
      Message message =
          codec.decode(block.getBytes(StandardCharsets.UTF_8), MessageType.MEASUREMENT);
      documented.add(message.type());
    }
    assertThat(documented, equalTo(EnumSet.allOf(MessageType.class)));
    assertThat(deadLetters, equalTo(1));
  }
}

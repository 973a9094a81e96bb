package dev.dctwin.pipeline.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.dctwin.domain.DeadLetter;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Writes dead letters as JSON lines to one file, for an operator to inspect and replay. */
public final class WriteDeadLetters extends PTransform<PCollection<DeadLetter>, PDone> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String path;

  private WriteDeadLetters(String path) {
    this.path = path;
  }

  public static WriteDeadLetters to(String path) {
    return new WriteDeadLetters(path);
  }

  public static String toJson(DeadLetter letter) {
    try {
      return JSON.writeValueAsString(letter);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode a dead letter", e);
    }
  }

  @Override
  public PDone expand(PCollection<DeadLetter> letters) {
    return letters
        .apply(
            "EncodeJson", MapElements.into(TypeDescriptors.strings()).via(WriteDeadLetters::toJson))
        .apply("WriteFile", TextIO.write().to(path).withoutSharding());
  }
}

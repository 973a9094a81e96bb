package dev.dctwin.pipeline.io;

import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.Message;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Writes messages in their wire format to one file of JSON lines. */
public final class WriteJsonLines<T extends Message> extends PTransform<PCollection<T>, PDone> {
  private final String path;

  private WriteJsonLines(String path) {
    this.path = path;
  }

  public static <T extends Message> WriteJsonLines<T> to(String path) {
    return new WriteJsonLines<>(path);
  }

  @Override
  public PDone expand(PCollection<T> messages) {
    WireCodec codec = WireCodec.withDefaults();
    return messages
        .apply(
            "EncodeJson",
            MapElements.into(TypeDescriptors.strings()).via((T m) -> codec.encodeToString(m)))
        .apply("WriteFile", TextIO.write().to(path).withoutSharding());
  }
}

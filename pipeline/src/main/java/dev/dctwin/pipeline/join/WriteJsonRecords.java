package dev.dctwin.pipeline.join;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;
import org.apache.beam.sdk.values.TypeDescriptors;

/** Writes records as JSON lines, fields in declaration order, to one file. */
final class WriteJsonRecords<T> extends PTransform<PCollection<T>, PDone> {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String path;

  private WriteJsonRecords(String path) {
    this.path = path;
  }

  static <T> WriteJsonRecords<T> to(String path) {
    return new WriteJsonRecords<>(path);
  }

  static String toJson(Object record) {
    try {
      return JSON.writeValueAsString(record);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode " + record.getClass().getSimpleName(), e);
    }
  }

  @Override
  public PDone expand(PCollection<T> records) {
    return records
        .apply(
            "EncodeJson", MapElements.into(TypeDescriptors.strings()).via(WriteJsonRecords::toJson))
        .apply("WriteFile", TextIO.write().to(path).withoutSharding());
  }
}

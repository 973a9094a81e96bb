package dev.dctwin.pipeline.agents;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xerial.snappy.Snappy;

/**
 * Reads a remote-write 1.0 body in the tests: snappy, then the {@code prometheus.WriteRequest}
 * protobuf (timeseries = 1; a TimeSeries has labels = 1 {name = 1, value = 2} and samples = 2
 * {value = 1, timestamp = 2}), with protobuf's wire reader, so that the tests check what Prometheus
 * sent without the pipeline's decoder.
 */
final class RemoteWriteBodies {
  private RemoteWriteBodies() {}

  record Sample(double value, long timestamp) {}

  record Series(Map<String, String> labels, List<Sample> samples) {
    String name() {
      return labels.get("__name__");
    }
  }

  static List<Series> decode(byte[] body) throws IOException {
    CodedInputStream request = CodedInputStream.newInstance(Snappy.uncompress(body));
    List<Series> series = new ArrayList<>();
    for (int tag = request.readTag(); tag != 0; tag = request.readTag()) {
      if (WireFormat.getTagFieldNumber(tag) == 1) {
        series.add(series(request.readBytes()));
      } else {
        request.skipField(tag);
      }
    }
    return series;
  }

  private static Series series(ByteString bytes) throws IOException {
    CodedInputStream in = bytes.newCodedInput();
    Map<String, String> labels = new TreeMap<>();
    List<Sample> samples = new ArrayList<>();
    for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
      switch (WireFormat.getTagFieldNumber(tag)) {
        case 1 -> {
          CodedInputStream label = in.readBytes().newCodedInput();
          String name = "";
          String value = "";
          for (int t = label.readTag(); t != 0; t = label.readTag()) {
            switch (WireFormat.getTagFieldNumber(t)) {
              case 1 -> name = label.readString();
              case 2 -> value = label.readString();
              default -> label.skipField(t);
            }
          }
          labels.put(name, value);
        }
        case 2 -> {
          CodedInputStream sample = in.readBytes().newCodedInput();
          double value = 0;
          long timestamp = 0;
          for (int t = sample.readTag(); t != 0; t = sample.readTag()) {
            switch (WireFormat.getTagFieldNumber(t)) {
              case 1 -> value = sample.readDouble();
              case 2 -> timestamp = sample.readInt64();
              default -> sample.skipField(t);
            }
          }
          samples.add(new Sample(value, timestamp));
        }
        default -> in.skipField(tag);
      }
    }
    return new Series(labels, samples);
  }
}

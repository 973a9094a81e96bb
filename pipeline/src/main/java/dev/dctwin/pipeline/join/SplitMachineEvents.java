package dev.dctwin.pipeline.join;

import static dev.dctwin.domain.DeadLetterReason.MISSING_FIELD;
import static dev.dctwin.domain.DeadLetterReason.NON_FINITE_NUMBER;
import static dev.dctwin.domain.DeadLetterReason.NOT_JSON;
import static dev.dctwin.domain.DeadLetterReason.NOT_UTF8;
import static dev.dctwin.domain.DeadLetterReason.PAYLOAD_TOO_LARGE;
import static dev.dctwin.domain.DeadLetterReason.TIMESTAMP_OUT_OF_RANGE;
import static dev.dctwin.domain.DeadLetterReason.WRONG_TYPE;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.dctwin.codec.InvalidMessageException;
import dev.dctwin.codec.WireCodec;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DeadLetterReason;
import dev.dctwin.domain.Measurement;
import dev.dctwin.domain.RawMessage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;

/**
 * Splits rows of machine data (one JSON object per row: {@code Thing}, {@code Timestamp} in epoch
 * ms, an optional {@code id}, and one number per measured quantity, such as {@code vaTorque_C11})
 * into one {@link Measurement} per quantity ({@link #MEASUREMENTS}). A row that is not valid UTF-8
 * or JSON, lacks {@code Thing} or {@code Timestamp}, or has a quantity that is not a finite number
 * becomes one {@link DeadLetter} ({@link #DEAD_LETTERS}) with the reason, and yields no
 * measurement; a quantity whose value is {@code null} was not measured and is skipped.
 *
 * <p>Counters in this class's namespace: {@value #ROWS_COUNTER}, {@value #MEASUREMENTS_COUNTER} and
 * one per {@link DeadLetterReason}.
 */
public final class SplitMachineEvents
    extends PTransform<PCollection<RawMessage>, PCollectionTuple> {
  public static final TupleTag<Measurement> MEASUREMENTS = new TupleTag<>() {};
  public static final TupleTag<DeadLetter> DEAD_LETTERS = new TupleTag<>() {};

  public static final String ROWS_COUNTER = "rows";
  public static final String MEASUREMENTS_COUNTER = "measurements";

  /** 2000-01-01T00:00:00Z and 2100-01-01T00:00:00Z, the range of the wire format. */
  private static final long MIN_TIME_MS = 946_684_800_000L;

  private static final long MAX_TIME_MS = 4_102_444_800_000L;

  private SplitMachineEvents() {}

  public static SplitMachineEvents create() {
    return new SplitMachineEvents();
  }

  @Override
  public PCollectionTuple expand(PCollection<RawMessage> rows) {
    return rows.apply(
        "SplitRows",
        ParDo.of(new SplitFn()).withOutputTags(MEASUREMENTS, TupleTagList.of(DEAD_LETTERS)));
  }

  /**
   * The measurements of one row, or the reason it is rejected. Fails on the first bad field: a row
   * is taken whole or not at all.
   */
  static List<Measurement> split(byte[] payload) throws InvalidMessageException {
    if (payload.length > WireCodec.DEFAULT_MAX_PAYLOAD_BYTES) {
      throw new InvalidMessageException(
          PAYLOAD_TOO_LARGE,
          payload.length + " bytes exceed the limit of " + WireCodec.DEFAULT_MAX_PAYLOAD_BYTES);
    }
    requireUtf8(payload);
    JsonNode row;
    try {
      row = SplitFn.JSON.readTree(payload);
    } catch (IOException | RuntimeException e) {
      throw new InvalidMessageException(NOT_JSON, "not a JSON object");
    }
    if (row == null || !row.isObject()) {
      throw new InvalidMessageException(WRONG_TYPE, "a row must be a JSON object");
    }
    String thing = thing(row.get("Thing"));
    long timestamp = timestamp(row.get("Timestamp"));
    List<Measurement> measurements = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> fields = row.fields(); fields.hasNext(); ) {
      Map.Entry<String, JsonNode> field = fields.next();
      String quantity = field.getKey();
      JsonNode value = field.getValue();
      if (quantity.equals("Thing")
          || quantity.equals("Timestamp")
          || quantity.equals("id")
          || value.isNull()) {
        continue;
      }
      if (!value.isNumber()) {
        throw new InvalidMessageException(WRONG_TYPE, quantity + " must be a number");
      }
      double result = value.doubleValue();
      if (!Double.isFinite(result)) {
        throw new InvalidMessageException(NON_FINITE_NUMBER, quantity + " is not finite");
      }
      measurements.add(new Measurement(thing, quantity, timestamp, result));
    }
    return measurements;
  }

  private static String thing(JsonNode value) throws InvalidMessageException {
    if (value == null || value.isNull()) {
      throw new InvalidMessageException(MISSING_FIELD, "Thing is missing");
    }
    if (!value.isTextual()) {
      throw new InvalidMessageException(WRONG_TYPE, "Thing must be a string");
    }
    if (value.textValue().isBlank()) {
      throw new InvalidMessageException(MISSING_FIELD, "Thing is blank");
    }
    return value.textValue();
  }

  private static long timestamp(JsonNode value) throws InvalidMessageException {
    if (value == null || value.isNull()) {
      throw new InvalidMessageException(MISSING_FIELD, "Timestamp is missing");
    }
    if (!value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidMessageException(
          value.isNumber() ? TIMESTAMP_OUT_OF_RANGE : WRONG_TYPE,
          "Timestamp must be integral epoch milliseconds");
    }
    long millis = value.longValue();
    if (millis < MIN_TIME_MS || millis >= MAX_TIME_MS) {
      throw new InvalidMessageException(
          TIMESTAMP_OUT_OF_RANGE, "Timestamp=" + millis + " outside years 2000..2099");
    }
    return millis;
  }

  private static void requireUtf8(byte[] payload) throws InvalidMessageException {
    try {
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(payload));
    } catch (CharacterCodingException e) {
      throw new InvalidMessageException(NOT_UTF8, "row is not valid UTF-8");
    }
  }

  private static final class SplitFn extends DoFn<RawMessage, Measurement> {
    static final ObjectMapper JSON =
        JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private final Counter rows = Metrics.counter(SplitMachineEvents.class, ROWS_COUNTER);
    private final Counter measurements =
        Metrics.counter(SplitMachineEvents.class, MEASUREMENTS_COUNTER);
    private final Map<DeadLetterReason, Counter> rejected = new EnumMap<>(DeadLetterReason.class);

    SplitFn() {
      for (DeadLetterReason reason : DeadLetterReason.values()) {
        rejected.put(reason, Metrics.counter(SplitMachineEvents.class, reason.counterName()));
      }
    }

    @ProcessElement
    public void processElement(@Element RawMessage row, MultiOutputReceiver out) {
      rows.inc();
      List<Measurement> split;
      try {
        split = split(row.payload());
      } catch (InvalidMessageException e) {
        rejected.get(e.reason()).inc();
        out.get(DEAD_LETTERS)
            .output(
                DeadLetter.of(row, e.reason(), e.getMessage(), DeadLetter.DEFAULT_MAX_KEPT_BYTES));
        return;
      }
      measurements.inc(split.size());
      split.forEach(out.get(MEASUREMENTS)::output);
    }
  }
}

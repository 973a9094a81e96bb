package dev.dctwin.join;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.codec.VersionedCoder;
import dev.dctwin.domain.DeadLetterReason;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.coders.StructuredCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A record that {@link OrderedTimeSeriesJoin} did not take, with the reason: {@link
 * DeadLetterReason#OUT_OF_ORDER} (earlier than a record already taken from its series) or {@link
 * DeadLetterReason#LATE} (behind the time up to which the join has already released pairs).
 *
 * @param t the record's event time, epoch milliseconds
 */
public record RejectedRecord<K, V>(
    K key, OrderedTimeSeriesJoin.Side side, long t, V value, DeadLetterReason reason) {

  public static <K, V> Coder<RejectedRecord<K, V>> coder(Coder<K> keyCoder, Coder<V> valueCoder) {
    return new RejectedRecordCoder<>(keyCoder, valueCoder);
  }

  /**
   * Version 1: a {@link FormatVersion} byte, key, side, {@code t}, value and reason. Enums by name,
   * so that reordering an enum never changes what a stored record means.
   */
  private static final class RejectedRecordCoder<K, V>
      extends StructuredCoder<RejectedRecord<K, V>> {
    private static final long serialVersionUID = 1L;
    private static final FormatVersion FORMAT = FormatVersion.of("RejectedRecord", 1);

    private final Coder<K> keyCoder;
    private final Coder<V> valueCoder;

    RejectedRecordCoder(Coder<K> keyCoder, Coder<V> valueCoder) {
      this.keyCoder = keyCoder;
      this.valueCoder = valueCoder;
    }

    @Override
    public void encode(RejectedRecord<K, V> record, OutputStream out) throws IOException {
      FORMAT.write(out);
      keyCoder.encode(record.key(), out);
      StringUtf8Coder.of().encode(record.side().name(), out);
      VarLongCoder.of().encode(record.t(), out);
      valueCoder.encode(record.value(), out);
      StringUtf8Coder.of().encode(record.reason().name(), out);
    }

    @Override
    public RejectedRecord<K, V> decode(InputStream in) throws IOException {
      VersionedCoder.readVersion(FORMAT, in);
      try {
        return new RejectedRecord<>(
            keyCoder.decode(in),
            OrderedTimeSeriesJoin.Side.valueOf(StringUtf8Coder.of().decode(in)),
            VarLongCoder.of().decode(in),
            valueCoder.decode(in),
            DeadLetterReason.valueOf(StringUtf8Coder.of().decode(in)));
      } catch (IllegalArgumentException e) {
        throw new CoderException("corrupt rejected record", e);
      }
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of(keyCoder, valueCoder);
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      verifyDeterministic(this, "keys", keyCoder);
      verifyDeterministic(this, "values", valueCoder);
    }
  }
}

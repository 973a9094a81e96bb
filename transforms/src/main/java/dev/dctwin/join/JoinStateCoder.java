package dev.dctwin.join;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.codec.VersionedCoder;
import dev.dctwin.join.JoinBuffer.Entry;
import dev.dctwin.join.JoinBuffer.State;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.StructuredCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * Encodes a {@link JoinBuffer} checkpoint ({@link State}) for Beam state, from the coder of the
 * values. Version 1: a {@link FormatVersion} byte, the values' version (if their coder has one),
 * per side the entries ({@code t}, value without version, {@code seq}) then the side's three longs,
 * then the watermark. Deterministic whenever the value coder is; no Java serialization.
 */
public final class JoinStateCoder<V> extends StructuredCoder<State<V>> {
  private static final long serialVersionUID = 1L;
  private static final FormatVersion FORMAT = FormatVersion.of("JoinStateCoder", 1);
  private static final VarLongCoder LONG = VarLongCoder.of();
  private static final VarIntCoder INT = VarIntCoder.of();

  private final Coder<V> valueCoder;

  private JoinStateCoder(Coder<V> valueCoder) {
    this.valueCoder = valueCoder;
  }

  public static <V> JoinStateCoder<V> of(Coder<V> valueCoder) {
    return new JoinStateCoder<>(valueCoder);
  }

  @Override
  public void encode(State<V> state, OutputStream out) throws IOException {
    FORMAT.write(out);
    VersionedCoder.writeVersionOf(valueCoder, out);
    encodeEntries(state.left(), out);
    LONG.encode(state.leftPredecessorT(), out);
    LONG.encode(state.leftLastT(), out);
    LONG.encode(state.leftNextSeq(), out);
    encodeEntries(state.right(), out);
    LONG.encode(state.rightPredecessorT(), out);
    LONG.encode(state.rightLastT(), out);
    LONG.encode(state.rightNextSeq(), out);
    LONG.encode(state.watermark(), out);
  }

  @Override
  public State<V> decode(InputStream in) throws IOException {
    VersionedCoder.readVersion(FORMAT, in);
    int valuesVersion = VersionedCoder.readVersionOf(valueCoder, in);
    List<Entry<V>> left = decodeEntries(valuesVersion, in);
    long leftPredecessorT = LONG.decode(in);
    long leftLastT = LONG.decode(in);
    long leftNextSeq = LONG.decode(in);
    List<Entry<V>> right = decodeEntries(valuesVersion, in);
    long rightPredecessorT = LONG.decode(in);
    long rightLastT = LONG.decode(in);
    long rightNextSeq = LONG.decode(in);
    long watermark = LONG.decode(in);
    return new State<>(
        left,
        leftPredecessorT,
        leftLastT,
        leftNextSeq,
        right,
        rightPredecessorT,
        rightLastT,
        rightNextSeq,
        watermark);
  }

  private void encodeEntries(List<Entry<V>> entries, OutputStream out) throws IOException {
    INT.encode(entries.size(), out);
    for (Entry<V> entry : entries) {
      LONG.encode(entry.t(), out);
      VersionedCoder.encodeWithoutVersion(valueCoder, entry.value(), out);
      LONG.encode(entry.seq(), out);
    }
  }

  private List<Entry<V>> decodeEntries(int valuesVersion, InputStream in) throws IOException {
    int size = INT.decode(in);
    if (size < 0) {
      throw new CoderException("negative entry count " + size);
    }
    List<Entry<V>> entries = new ArrayList<>(Math.min(size, 1024));
    for (int i = 0; i < size; i++) {
      entries.add(
          new Entry<>(
              LONG.decode(in),
              VersionedCoder.decodeWithoutVersion(valueCoder, valuesVersion, in),
              LONG.decode(in)));
    }
    return entries;
  }

  @Override
  public List<? extends Coder<?>> getCoderArguments() {
    return List.of(valueCoder);
  }

  @Override
  public void verifyDeterministic() throws NonDeterministicException {
    verifyDeterministic(this, "values", valueCoder);
  }
}

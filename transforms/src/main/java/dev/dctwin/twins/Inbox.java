package dev.dctwin.twins;

import dev.dctwin.codec.BinaryReader;
import dev.dctwin.codec.BinaryWriter;
import dev.dctwin.codec.FormatVersion;
import dev.dctwin.codec.MessageOriginCoding;
import dev.dctwin.codec.VersionedCoder;
import dev.dctwin.domain.MessageOrigin;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.BooleanCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A twin's inputs that the watermark has not passed yet, by timestamp, each with the origin of the
 * record it came from (null if unknown: for the dead letter a twin may make of it), and the time
 * its wake-up timer is set to: everything a twin's event-time buffering keeps, in one state cell,
 * because binding a state cell costs a runner more than the buffering itself.
 *
 * <p>Plain Java; {@link EventTimeBuffer} keeps it in state and sets the timer.
 */
final class Inbox<T> {
  static final long NO_WAKE_UP = Long.MIN_VALUE;

  /** A pending input and the origin of its record, or null. */
  record Entry<T>(T value, MessageOrigin origin) {}

  private final TreeMap<Long, List<Entry<T>>> pending;
  private long wakeUpAt;

  Inbox() {
    this(new TreeMap<>(), NO_WAKE_UP);
  }

  private Inbox(TreeMap<Long, List<Entry<T>>> pending, long wakeUpAt) {
    this.pending = pending;
    this.wakeUpAt = wakeUpAt;
  }

  void add(long timestamp, T value) {
    add(timestamp, value, null);
  }

  void add(long timestamp, T value, MessageOrigin origin) {
    pending.computeIfAbsent(timestamp, at -> new ArrayList<>(1)).add(new Entry<>(value, origin));
  }

  /**
   * Removes and returns, in (timestamp, {@code tieOrder}) order, every value at or before {@code
   * upTo}.
   */
  List<T> drainUpTo(long upTo, Comparator<? super T> tieOrder) {
    return drainEntriesUpTo(upTo, tieOrder).stream().map(Entry::value).toList();
  }

  /**
   * As {@link #drainUpTo}, with each value's origin. Equal values are ordered by their origins, so
   * that which of two copies a twin rejects does not depend on their arrival.
   */
  List<Entry<T>> drainEntriesUpTo(long upTo, Comparator<? super T> tieOrder) {
    Comparator<Entry<T>> order =
        Comparator.<Entry<T>, T>comparing(Entry::value, tieOrder)
            .thenComparing(Entry::origin, MessageOriginCoding.ORDER);
    List<Entry<T>> due = new ArrayList<>();
    while (!pending.isEmpty() && pending.firstKey() <= upTo) {
      List<Entry<T>> atTime = pending.pollFirstEntry().getValue();
      atTime.sort(order);
      due.addAll(atTime);
    }
    return due;
  }

  OptionalLong earliest() {
    return pending.isEmpty() ? OptionalLong.empty() : OptionalLong.of(pending.firstKey());
  }

  int size() {
    return pending.values().stream().mapToInt(List::size).sum();
  }

  /** When the twin's timer fires, or {@link #NO_WAKE_UP}. */
  long wakeUpAt() {
    return wakeUpAt;
  }

  void wakeUpAt(long at) {
    wakeUpAt = at;
  }

  /** Nothing pending and no timer: the state cell can be cleared. */
  boolean isIdle() {
    return pending.isEmpty() && wakeUpAt == NO_WAKE_UP;
  }

  static <T> Coder<Inbox<T>> coder(Coder<T> valueCoder) {
    return new InboxCoder<>(valueCoder);
  }

  /**
   * Version 3: a {@link FormatVersion} byte, the values' version (if their coder has one), the
   * length of the rest (varint) and the rest: a header (varint) of four times the number of
   * timestamps, plus 2 if the values have origins, plus 1 if the wake-up is set; the wake-up time
   * if set (zigzag varint); then per timestamp the time (the first zigzag, each later one as its
   * gap to the one before, varints), the number of values (varint) and the values without versions,
   * each followed by its origin ({@link MessageOriginCoding}) if the values have origins. The
   * length lets a reader take the rest in one read and parse it from the array, into which the
   * values' coders write and from which they read directly (transforms/PERFORMANCE.md). Still read:
   * version 2 (varlong times, a flag for the wake-up and one for the origins, no length) and
   * version 1 (version 2 without origins).
   */
  private static final class InboxCoder<T> extends CustomCoder<Inbox<T>> {
    private static final long serialVersionUID = 1L;
    private static final FormatVersion FORMAT = FormatVersion.of("Inbox", 3, 2, 1);

    private final Coder<T> valueCoder;

    InboxCoder(Coder<T> valueCoder) {
      this.valueCoder = valueCoder;
    }

    @Override
    public void encode(Inbox<T> inbox, OutputStream out) throws IOException {
      FORMAT.write(out);
      VersionedCoder.writeVersionOf(valueCoder, out);
      BinaryWriter body = new BinaryWriter();
      boolean scheduled = inbox.wakeUpAt != NO_WAKE_UP;
      // The rack, datacenter and maintenance twins' inputs have no origin: nothing per value.
      boolean origins = false;
      for (List<Entry<T>> atTime : inbox.pending.values()) {
        for (Entry<T> entry : atTime) {
          origins |= entry.origin() != null;
        }
      }
      body.writeVarLong(
          ((long) inbox.pending.size() << 2) | (origins ? 2 : 0) | (scheduled ? 1 : 0));
      if (scheduled) {
        body.writeZigZagLong(inbox.wakeUpAt);
      }
      boolean first = true;
      long previous = 0;
      for (Map.Entry<Long, List<Entry<T>>> atTime : inbox.pending.entrySet()) {
        long timestamp = atTime.getKey();
        if (first) {
          body.writeZigZagLong(timestamp);
          first = false;
        } else {
          body.writeUnsignedVarLong(timestamp - previous);
        }
        previous = timestamp;
        body.writeVarLong(atTime.getValue().size());
        for (Entry<T> entry : atTime.getValue()) {
          VersionedCoder.encodeWithoutVersion(valueCoder, entry.value(), body);
          if (origins) {
            MessageOriginCoding.write(entry.origin(), body);
          }
        }
      }
      VarIntCoder.of().encode(body.size(), out);
      body.writeTo(out);
    }

    @Override
    public Inbox<T> decode(InputStream in) throws IOException {
      int version = VersionedCoder.readVersion(FORMAT, in);
      int valuesVersion = VersionedCoder.readVersionOf(valueCoder, in);
      return version == 3
          ? decodeVersion3(valuesVersion, in)
          : decodeVersion1Or2(version, valuesVersion, in);
    }

    private Inbox<T> decodeVersion3(int valuesVersion, InputStream in) throws IOException {
      int length = VarIntCoder.of().decode(in);
      if (length < 0) {
        throw new CoderException("Inbox: negative length " + length);
      }
      byte[] bytes = new byte[length];
      new DataInputStream(in).readFully(bytes);
      BinaryReader body = new BinaryReader(bytes);
      long header = body.readVarLong();
      long times = header >>> 2;
      boolean origins = (header & 2) != 0;
      long wakeUpAt = (header & 1) != 0 ? body.readZigZagLong() : NO_WAKE_UP;
      TreeMap<Long, List<Entry<T>>> pending = new TreeMap<>();
      long timestamp = 0;
      for (long i = 0; i < times; i++) {
        timestamp = i == 0 ? body.readZigZagLong() : timestamp + body.readVarLong();
        long count = body.readVarLong();
        if (count < 0 || count > Integer.MAX_VALUE) {
          throw new CoderException("Inbox: corrupt value count " + count);
        }
        List<Entry<T>> values = new ArrayList<>((int) Math.min(count, 1024));
        for (long j = 0; j < count; j++) {
          T value = VersionedCoder.decodeWithoutVersion(valueCoder, valuesVersion, body);
          values.add(new Entry<>(value, origins ? MessageOriginCoding.read(body) : null));
        }
        pending.put(timestamp, values);
      }
      if (body.remaining() > 0) {
        throw new CoderException("Inbox: " + body.remaining() + " trailing bytes");
      }
      return new Inbox<>(pending, wakeUpAt);
    }

    private Inbox<T> decodeVersion1Or2(int version, int valuesVersion, InputStream in)
        throws IOException {
      long wakeUpAt = BooleanCoder.of().decode(in) ? VarLongCoder.of().decode(in) : NO_WAKE_UP;
      boolean origins = version >= 2 && BooleanCoder.of().decode(in);
      int times = VarIntCoder.of().decode(in);
      TreeMap<Long, List<Entry<T>>> pending = new TreeMap<>();
      for (int i = 0; i < times; i++) {
        long timestamp = VarLongCoder.of().decode(in);
        int count = VarIntCoder.of().decode(in);
        List<Entry<T>> values = new ArrayList<>(Math.min(count, 1024));
        for (int j = 0; j < count; j++) {
          T value = VersionedCoder.decodeWithoutVersion(valueCoder, valuesVersion, in);
          values.add(new Entry<>(value, origins ? MessageOriginCoding.read(in) : null));
        }
        pending.put(timestamp, values);
      }
      return new Inbox<>(pending, wakeUpAt);
    }

    @Override
    public List<? extends Coder<?>> getCoderArguments() {
      return List.of(valueCoder);
    }

    @Override
    public void verifyDeterministic() throws NonDeterministicException {
      valueCoder.verifyDeterministic();
    }
  }
}

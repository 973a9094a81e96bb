package dev.dctwin.twins;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.codec.VersionedCoder;
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
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.coders.VarIntCoder;
import org.apache.beam.sdk.coders.VarLongCoder;

/**
 * A twin's inputs that the watermark has not passed yet, by timestamp, and the time its wake-up
 * timer is set to: everything a twin's event-time buffering keeps, in one state cell, because
 * binding a state cell costs a runner more than the buffering itself.
 *
 * <p>Plain Java; {@link EventTimeBuffer} keeps it in state and sets the timer.
 */
final class Inbox<T> {
  static final long NO_WAKE_UP = Long.MIN_VALUE;

  private final TreeMap<Long, List<T>> pending;
  private long wakeUpAt;

  Inbox() {
    this(new TreeMap<>(), NO_WAKE_UP);
  }

  private Inbox(TreeMap<Long, List<T>> pending, long wakeUpAt) {
    this.pending = pending;
    this.wakeUpAt = wakeUpAt;
  }

  void add(long timestamp, T value) {
    pending.computeIfAbsent(timestamp, at -> new ArrayList<>(1)).add(value);
  }

  /**
   * Removes and returns, in (timestamp, {@code tieOrder}) order, every value at or before {@code
   * upTo}.
   */
  List<T> drainUpTo(long upTo, Comparator<? super T> tieOrder) {
    List<T> due = new ArrayList<>();
    while (!pending.isEmpty() && pending.firstKey() <= upTo) {
      List<T> atTime = pending.pollFirstEntry().getValue();
      atTime.sort(tieOrder);
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
   * Version 1: a {@link FormatVersion} byte, the values' version (if their coder has one), the
   * wake-up (a flag, then the time as a varlong), the number of timestamps, then per timestamp the
   * time (varlong), the number of values (varint) and the values without versions.
   */
  private static final class InboxCoder<T> extends CustomCoder<Inbox<T>> {
    private static final long serialVersionUID = 1L;
    private static final FormatVersion FORMAT = FormatVersion.of("Inbox", 1);

    private final Coder<T> valueCoder;

    InboxCoder(Coder<T> valueCoder) {
      this.valueCoder = valueCoder;
    }

    @Override
    public void encode(Inbox<T> inbox, OutputStream out) throws IOException {
      FORMAT.write(out);
      VersionedCoder.writeVersionOf(valueCoder, out);
      boolean scheduled = inbox.wakeUpAt != NO_WAKE_UP;
      BooleanCoder.of().encode(scheduled, out);
      if (scheduled) {
        VarLongCoder.of().encode(inbox.wakeUpAt, out);
      }
      VarIntCoder.of().encode(inbox.pending.size(), out);
      for (Map.Entry<Long, List<T>> entry : inbox.pending.entrySet()) {
        VarLongCoder.of().encode(entry.getKey(), out);
        VarIntCoder.of().encode(entry.getValue().size(), out);
        for (T value : entry.getValue()) {
          VersionedCoder.encodeWithoutVersion(valueCoder, value, out);
        }
      }
    }

    @Override
    public Inbox<T> decode(InputStream in) throws IOException {
      VersionedCoder.readVersion(FORMAT, in);
      int valuesVersion = VersionedCoder.readVersionOf(valueCoder, in);
      long wakeUpAt = BooleanCoder.of().decode(in) ? VarLongCoder.of().decode(in) : NO_WAKE_UP;
      int times = VarIntCoder.of().decode(in);
      TreeMap<Long, List<T>> pending = new TreeMap<>();
      for (int i = 0; i < times; i++) {
        long timestamp = VarLongCoder.of().decode(in);
        int count = VarIntCoder.of().decode(in);
        List<T> values = new ArrayList<>(Math.min(count, 1024));
        for (int j = 0; j < count; j++) {
          values.add(VersionedCoder.decodeWithoutVersion(valueCoder, valuesVersion, in));
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

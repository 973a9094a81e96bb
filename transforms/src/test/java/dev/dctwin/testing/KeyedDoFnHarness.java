package dev.dctwin.testing;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.beam.runners.core.DoFnRunner;
import org.apache.beam.runners.core.DoFnRunners;
import org.apache.beam.runners.core.InMemoryStateInternals;
import org.apache.beam.runners.core.NullSideInputReader;
import org.apache.beam.runners.core.StateInternals;
import org.apache.beam.runners.core.StateNamespace;
import org.apache.beam.runners.core.StateTag;
import org.apache.beam.runners.core.StepContext;
import org.apache.beam.runners.core.TimerInternals;
import org.apache.beam.runners.core.TimerInternals.TimerData;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.options.PipelineOptionsFactory;
import org.apache.beam.sdk.state.BagState;
import org.apache.beam.sdk.state.CombiningState;
import org.apache.beam.sdk.state.MapState;
import org.apache.beam.sdk.state.OrderedListState;
import org.apache.beam.sdk.state.SetState;
import org.apache.beam.sdk.state.State;
import org.apache.beam.sdk.state.StateSpec;
import org.apache.beam.sdk.state.TimeDomain;
import org.apache.beam.sdk.state.ValueState;
import org.apache.beam.sdk.transforms.Combine.CombineFn;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.DoFnSchemaInformation;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.util.CoderUtils;
import org.apache.beam.sdk.util.WindowedValue;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.TimestampedValue;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.WindowingStrategy;
import org.joda.time.Instant;

/**
 * Runs a keyed stateful {@link DoFn} in the global window the way a streaming runner does, without
 * a runner's overhead per key: Beam's own {@code SimpleDoFnRunner}, one {@link
 * InMemoryStateInternals} per key, event-time timers fired in time order as the watermark passes
 * them (a timer at {@code t} fires once the watermark is after {@code t}).
 *
 * <p>What it is for: {@link #keysWithState()} and {@link #pendingTimers()} read the state cells
 * themselves, so a test sees what the DoFn really leaves behind. A key whose cells are all cleared
 * is dropped, as a runner's state backend drops it. {@link #stateBytes()} encodes what the cells
 * hold with the coders of their state specs: the bytes a backend serializes as values.
 */
public final class KeyedDoFnHarness<K, InT, OutT> {
  private final DoFnRunner<KV<K, InT>, OutT> runner;
  private final Map<K, Cells<K>> states = new HashMap<>();
  private final Map<K, Map<String, Pending<K>>> timersByKey = new HashMap<>();
  private final TreeSet<Pending<K>> timers = new TreeSet<>();
  private final Map<TupleTag<?>, Long> outputs = new HashMap<>();
  private final Map<TupleTag<?>, List<TimestampedValue<?>>> captured = new HashMap<>();
  private K currentKey;
  private Instant watermark = BoundedWindow.TIMESTAMP_MIN_VALUE;
  private long sequence;

  public KeyedDoFnHarness(
      DoFn<KV<K, InT>, OutT> fn,
      Coder<KV<K, InT>> inputCoder,
      TupleTag<OutT> mainTag,
      List<TupleTag<?>> otherTags) {
    StepContext step =
        new StepContext() {
          @Override
          public StateInternals stateInternals() {
            return states.computeIfAbsent(currentKey, Cells::new);
          }

          @Override
          public TimerInternals timerInternals() {
            return new KeyTimers(currentKey);
          }
        };
    DoFnRunners.OutputManager counting =
        new DoFnRunners.OutputManager() {
          @Override
          public <T> void output(TupleTag<T> tag, WindowedValue<T> value) {
            outputs.merge(tag, 1L, Long::sum);
            List<TimestampedValue<?>> kept = captured.get(tag);
            if (kept != null) {
              kept.add(TimestampedValue.of(value.getValue(), value.getTimestamp()));
            }
          }
        };
    this.runner =
        DoFnRunners.simpleRunner(
            PipelineOptionsFactory.create(),
            fn,
            NullSideInputReader.empty(),
            counting,
            mainTag,
            otherTags,
            step,
            inputCoder,
            Map.of(),
            WindowingStrategy.globalDefault(),
            DoFnSchemaInformation.create(),
            Map.of());
    runner.startBundle();
  }

  public void process(K key, InT value, long timestamp) {
    currentKey = key;
    runner.processElement(
        WindowedValue.timestampedValueInGlobalWindow(KV.of(key, value), new Instant(timestamp)));
    dropIfEmpty(key);
  }

  /** Moves the watermark to {@code to} and fires every event-time timer it passes, in order. */
  public void advanceWatermark(long to) {
    watermark = new Instant(to);
    Pending<K> previous = null;
    int repeats = 0;
    while (!timers.isEmpty() && watermark.isAfter(timers.first().data().getTimestamp())) {
      Pending<K> due = timers.pollFirst();
      // A DoFn that sets its timer again where it fired would fire for ever, on any runner.
      boolean again =
          previous != null
              && previous.key().equals(due.key())
              && previous.id().equals(due.id())
              && previous.data().getTimestamp().equals(due.data().getTimestamp());
      repeats = again ? repeats + 1 : 0;
      if (repeats > 1_000) {
        throw new IllegalStateException("a timer fires again and again: " + due);
      }
      previous = due;
      timersByKey.get(due.key()).remove(due.id());
      currentKey = due.key();
      TimerData data = due.data();
      runner.onTimer(
          data.getTimerId(),
          data.getTimerFamilyId(),
          due.key(),
          GlobalWindow.INSTANCE,
          data.getTimestamp(),
          data.getOutputTimestamp(),
          data.getDomain());
      if (timersByKey.get(due.key()).isEmpty()) {
        timersByKey.remove(due.key());
      }
      dropIfEmpty(due.key());
    }
  }

  /** Keys with at least one state cell that is not cleared. */
  public int keysWithState() {
    return states.size();
  }

  /** Timers set and not yet fired, of all keys. */
  public int pendingTimers() {
    return timers.size();
  }

  public long outputs(TupleTag<?> tag) {
    return outputs.getOrDefault(tag, 0L);
  }

  /** From now on keeps the outputs of {@code tag}, with their timestamps, for {@link #take}. */
  public void capture(TupleTag<?> tag) {
    captured.putIfAbsent(tag, new ArrayList<>());
  }

  /** The outputs of a {@link #capture}d tag since the last call, in the order they were made. */
  @SuppressWarnings("unchecked")
  public <T> List<TimestampedValue<T>> take(TupleTag<T> tag) {
    List<TimestampedValue<?>> kept = captured.get(tag);
    if (kept == null) {
      throw new IllegalArgumentException("not captured: " + tag);
    }
    List<TimestampedValue<T>> taken = new ArrayList<>();
    kept.forEach(value -> taken.add((TimestampedValue<T>) value));
    kept.clear();
    return taken;
  }

  /**
   * The bytes of every state cell that is not cleared, of all keys: the cell's contents encoded
   * with the coders of its state spec (a value; each element of a bag, set or ordered list, the
   * latter with its 8-byte timestamp; each key and value of a map; a combining cell's accumulator).
   * Keys, cell names and timers are not counted.
   */
  public long stateBytes() {
    long total = 0;
    for (Cells<K> cells : states.values()) {
      total += cells.bytes();
    }
    return total;
  }

  private void dropIfEmpty(K key) {
    Cells<K> cells = states.get(key);
    if (cells != null && !cells.holdsAnything()) {
      states.remove(key);
    }
  }

  /** A key's state cells, each of which says whether it still holds anything. */
  private static final class Cells<K> extends InMemoryStateInternals<K> {
    Cells(K key) {
      super(key);
    }

    long bytes() {
      long total = 0;
      for (StateNamespace namespace : inMemoryState.getNamespacesInUse()) {
        for (Map.Entry<StateTag, State> cell : inMemoryState.getTagsInUse(namespace).entrySet()) {
          if (!((InMemoryState<?>) cell.getValue()).isCleared()) {
            total += encodedSize(cell.getKey().getSpec(), cell.getValue());
          }
        }
      }
      return total;
    }

    boolean holdsAnything() {
      for (State cell : inMemoryState.values()) {
        if (!((InMemoryState<?>) cell).isCleared()) {
          return true;
        }
      }
      return false;
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static long encodedSize(StateSpec<?> spec, State cell) {
    return spec.match(
        new StateSpec.Cases<Long>() {
          @Override
          public Long dispatchValue(Coder<?> coder) {
            return size(coder, ((ValueState<?>) cell).read());
          }

          @Override
          public Long dispatchBag(Coder<?> coder) {
            return sizes(coder, ((BagState<?>) cell).read());
          }

          @Override
          public Long dispatchOrderedList(Coder<?> coder) {
            long total = 0;
            for (TimestampedValue<?> element : ((OrderedListState<?>) cell).read()) {
              total += size(coder, element.getValue()) + Long.BYTES;
            }
            return total;
          }

          @Override
          public Long dispatchCombining(CombineFn<?, ?, ?> fn, Coder<?> accumulatorCoder) {
            return size(accumulatorCoder, ((CombiningState) cell).getAccum());
          }

          @Override
          public Long dispatchMap(Coder<?> keyCoder, Coder<?> valueCoder) {
            long total = 0;
            for (Map.Entry<?, ?> entry : ((MapState<?, ?>) cell).entries().read()) {
              total += size(keyCoder, entry.getKey()) + size(valueCoder, entry.getValue());
            }
            return total;
          }

          @Override
          public Long dispatchSet(Coder<?> coder) {
            return sizes(coder, ((SetState<?>) cell).read());
          }

          @Override
          public Long dispatchMultimap(Coder<?> keyCoder, Coder<?> valueCoder) {
            throw new UnsupportedOperationException("multimap state is not measured: " + spec);
          }
        });
  }

  private static long sizes(Coder<?> coder, Iterable<?> elements) {
    long total = 0;
    for (Object element : elements) {
      total += size(coder, element);
    }
    return total;
  }

  @SuppressWarnings("unchecked")
  private static long size(Coder<?> coder, Object value) {
    if (coder == null) {
      throw new IllegalStateException("a state spec without a coder cannot be measured");
    }
    try {
      return CoderUtils.encodeToByteArray((Coder<Object>) coder, value).length;
    } catch (CoderException e) {
      throw new IllegalStateException("a state cell does not encode with its coder", e);
    }
  }

  private record Pending<K>(long sequence, K key, String id, TimerData data)
      implements Comparable<Pending<K>> {
    @Override
    public int compareTo(Pending<K> other) {
      int byTime = data.getTimestamp().compareTo(other.data.getTimestamp());
      return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
    }
  }

  /** The timers of one key: setting a timer again replaces it, as in Beam. */
  private final class KeyTimers implements TimerInternals {
    private final K key;

    KeyTimers(K key) {
      this.key = key;
    }

    @Override
    public void setTimer(
        StateNamespace namespace,
        String timerId,
        String timerFamilyId,
        Instant target,
        Instant outputTimestamp,
        TimeDomain domain) {
      setTimer(TimerData.of(timerId, timerFamilyId, namespace, target, outputTimestamp, domain));
    }

    @Override
    public void setTimer(TimerData data) {
      if (data.getDomain() != TimeDomain.EVENT_TIME) {
        throw new UnsupportedOperationException("event-time timers only: " + data);
      }
      String id = data.getTimerFamilyId() + "/" + data.getTimerId();
      Pending<K> pending = new Pending<>(sequence++, key, id, data);
      Pending<K> replaced = timersByKey.computeIfAbsent(key, k -> new HashMap<>()).put(id, pending);
      if (replaced != null) {
        timers.remove(replaced);
      }
      timers.add(pending);
    }

    @Override
    public void deleteTimer(
        StateNamespace namespace, String timerId, String timerFamilyId, TimeDomain domain) {
      deleteTimer(namespace, timerId, timerFamilyId);
    }

    @Override
    public void deleteTimer(StateNamespace namespace, String timerId, String timerFamilyId) {
      Map<String, Pending<K>> ofKey = timersByKey.get(key);
      Pending<K> removed = ofKey == null ? null : ofKey.remove(timerFamilyId + "/" + timerId);
      if (removed != null) {
        timers.remove(removed);
      }
    }

    @Override
    public void deleteTimer(TimerData data) {
      deleteTimer(data.getNamespace(), data.getTimerId(), data.getTimerFamilyId());
    }

    @Override
    public Instant currentProcessingTime() {
      return Instant.now();
    }

    @Override
    public Instant currentSynchronizedProcessingTime() {
      return Instant.now();
    }

    @Override
    public Instant currentInputWatermarkTime() {
      return watermark;
    }

    @Override
    public Instant currentOutputWatermarkTime() {
      return watermark;
    }
  }
}

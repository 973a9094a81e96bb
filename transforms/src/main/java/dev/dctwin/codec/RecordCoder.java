package dev.dctwin.codec;

import dev.dctwin.domain.Alert;
import dev.dctwin.domain.CommissionServer;
import dev.dctwin.domain.DeadLetter;
import dev.dctwin.domain.DecommissionServer;
import dev.dctwin.domain.Received;
import dev.dctwin.models.agents.AssemblerState;
import java.io.DataInput;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.beam.sdk.coders.CannotProvideCoderException;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviderRegistrar;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A compact, deterministic binary coder for immutable records: the components in declaration order,
 * doubles and longs as 8 bytes, strings and enum names as UTF-8, nested records, lists, sets and
 * maps (sets and maps in key order, so that equal values encode to equal bytes, as keys and state
 * require). Every reference may be null. No Java serialization, no field names.
 *
 * <p>Elements cross every shuffle and sit in the twins' state in this form, so its cost is paid per
 * message several times; JSON text cost the pipeline about a third of its CPU. Unsupported
 * component types fail when the coder is created, not when an element arrives.
 *
 * <p>Version 1: a {@link FormatVersion} byte, then the components as above. The layout follows the
 * record's declaration, so a record that reaches state and changes its components is a new version
 * with a reader of the old one ({@code transforms/STATE-VERSIONS.md}); the golden-bytes test of
 * each domain record fails until it is. Versions are per record type: a component added to a record
 * is listed in {@link #ADDED} with the version that added it, and an older version, which lacks it,
 * reads as its default (false, 0 or null). Version 2 of {@link Alert} added {@code inMaintenance},
 * version 2 of {@link CommissionServer} and of {@link DecommissionServer} {@code hostname}, version
 * 2 of {@link DeadLetter} {@code payloadLength}, {@code payloadSha256} and {@code origin}, version
 * 2 of {@link AssemblerState} {@code mappingSeen}; every other record is at version 1.
 */
public final class RecordCoder<T extends Record> extends VersionedCoder<T> {
  private static final long serialVersionUID = 1L;

  /**
   * Components added to a record after version 1, by record and name, with the version of that
   * record's coder that added them. A record nested in another follows the version of the outer
   * one: adding to it is a new version of every record that holds it.
   */
  private static final Map<Class<?>, Map<String, Integer>> ADDED =
      Map.of(
          Alert.class, Map.of("inMaintenance", 2),
          CommissionServer.class, Map.of("hostname", 2),
          DecommissionServer.class, Map.of("hostname", 2),
          AssemblerState.class, Map.of("mappingSeen", 2),
          DeadLetter.class, Map.of("payloadLength", 2, "payloadSha256", 2, "origin", 2));

  private final Class<T> type;
  private transient Map<Integer, FieldCodec> codecs;
  private transient FormatVersion format;

  private RecordCoder(Class<T> type) {
    this.type = type;
    codec(currentVersion(type));
  }

  public static <T extends Record> RecordCoder<T> of(Class<T> type) {
    return new RecordCoder<>(type);
  }

  /** The version this build writes for {@code type}: 1 plus the additions of {@link #ADDED}. */
  public static int currentVersion(Class<?> type) {
    return ADDED.getOrDefault(type, Map.of()).values().stream()
        .mapToInt(Integer::intValue)
        .max()
        .orElse(1);
  }

  private FieldCodec codec(int version) {
    if (codecs == null) {
      codecs = new java.util.concurrent.ConcurrentHashMap<>();
    }
    return codecs.computeIfAbsent(version, v -> codecFor(type, v));
  }

  @Override
  protected FormatVersion format() {
    if (format == null) {
      int current = currentVersion(type);
      int[] older = new int[current - 1];
      for (int i = 0; i < older.length; i++) {
        older[i] = i + 1;
      }
      format = FormatVersion.of("RecordCoder(" + type.getSimpleName() + ")", current, older);
    }
    return format;
  }

  /**
   * Writes into {@code out} directly when it is a {@link BinaryWriter} (a body inside another of
   * our encodings), else into one that then goes to {@code out} in one write.
   */
  @Override
  protected void encodeBody(T value, OutputStream out) throws IOException {
    if (value == null) {
      throw new CoderException("cannot encode a null " + type.getSimpleName());
    }
    BinaryWriter writer = out instanceof BinaryWriter w ? w : new BinaryWriter();
    codec(format().current()).write(value, writer);
    if (writer != out) {
      writer.writeTo(out);
    }
  }

  /** Reads from {@code in} directly when it is a {@link BinaryReader}, else through a stream. */
  @Override
  protected T decodeBody(int version, InputStream in) throws IOException {
    DataInput data =
        in instanceof BinaryReader r
            ? r
            : in instanceof DataInputStream d ? d : new DataInputStream(in);
    Object value = codec(version).read(data);
    if (value == null) {
      throw new CoderException("a null " + type.getSimpleName() + " in the input");
    }
    return type.cast(value);
  }

  @Override
  public void verifyDeterministic() {}

  /** Records compare arrays by identity, so equal encodings do not mean equal values there. */
  @Override
  public boolean consistentWithEquals() {
    return !holdsArray(type);
  }

  private static boolean holdsArray(Type type) {
    if (type instanceof ParameterizedType parameterized) {
      return Arrays.stream(parameterized.getActualTypeArguments())
          .anyMatch(RecordCoder::holdsArray);
    }
    if (type instanceof Class<?> clazz) {
      return clazz.isArray()
          || (clazz.isRecord()
              && Arrays.stream(clazz.getRecordComponents())
                  .anyMatch(component -> holdsArray(component.getGenericType())));
    }
    return false;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RecordCoder<?> that && type.equals(that.type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "RecordCoder(" + type.getSimpleName() + ")";
  }

  /** Writes and reads one value of a component's type. */
  private interface FieldCodec {
    void write(Object value, BinaryWriter out) throws IOException;

    Object read(DataInput in) throws IOException;
  }

  private static FieldCodec codecFor(Type type, int version) {
    if (type instanceof ParameterizedType parameterized) {
      Class<?> raw = (Class<?>) parameterized.getRawType();
      Type[] arguments = parameterized.getActualTypeArguments();
      if (raw == List.class) {
        return nullable(list(codecFor(arguments[0], version)));
      }
      if (raw == Set.class) {
        return nullable(set(codecFor(arguments[0], version)));
      }
      if (raw == Map.class) {
        return nullable(map(codecFor(arguments[0], version), codecFor(arguments[1], version)));
      }
      throw unsupported(type);
    }
    if (!(type instanceof Class<?> clazz)) {
      throw unsupported(type);
    }
    if (clazz == double.class) {
      return DOUBLE;
    }
    if (clazz == long.class) {
      return LONG;
    }
    if (clazz == int.class) {
      return INT;
    }
    if (clazz == boolean.class) {
      return BOOLEAN;
    }
    if (clazz == Double.class) {
      return nullable(DOUBLE);
    }
    if (clazz == Long.class) {
      return nullable(LONG);
    }
    if (clazz == Integer.class) {
      return nullable(INT);
    }
    if (clazz == Boolean.class) {
      return nullable(BOOLEAN);
    }
    if (clazz == String.class) {
      return nullable(STRING);
    }
    if (clazz == byte[].class) {
      return nullable(BYTES);
    }
    if (clazz.isEnum()) {
      return nullable(enumOf(clazz));
    }
    if (clazz.isRecord()) {
      return nullable(record(clazz, version));
    }
    throw unsupported(type);
  }

  private static IllegalArgumentException unsupported(Type type) {
    return new IllegalArgumentException(
        "RecordCoder supports primitives, their boxes, String, byte[], enums, records, List, Set"
            + " and Map,"
            + " not "
            + type.getTypeName());
  }

  private static final FieldCodec DOUBLE =
      new FieldCodec() {
        @Override
        public void write(Object value, BinaryWriter out) throws IOException {
          out.writeDouble((Double) value);
        }

        @Override
        public Object read(DataInput in) throws IOException {
          return in.readDouble();
        }
      };

  private static final FieldCodec LONG =
      new FieldCodec() {
        @Override
        public void write(Object value, BinaryWriter out) throws IOException {
          out.writeLong((Long) value);
        }

        @Override
        public Object read(DataInput in) throws IOException {
          return in.readLong();
        }
      };

  private static final FieldCodec INT =
      new FieldCodec() {
        @Override
        public void write(Object value, BinaryWriter out) throws IOException {
          out.writeInt((Integer) value);
        }

        @Override
        public Object read(DataInput in) throws IOException {
          return in.readInt();
        }
      };

  private static final FieldCodec BOOLEAN =
      new FieldCodec() {
        @Override
        public void write(Object value, BinaryWriter out) throws IOException {
          out.writeBoolean((Boolean) value);
        }

        @Override
        public Object read(DataInput in) throws IOException {
          return in.readBoolean();
        }
      };

  private static final FieldCodec BYTES =
      new FieldCodec() {
        @Override
        public void write(Object value, BinaryWriter out) throws IOException {
          byte[] bytes = (byte[]) value;
          out.writeInt(bytes.length);
          out.write(bytes);
        }

        @Override
        public Object read(DataInput in) throws IOException {
          int length = in.readInt();
          if (length < 0) {
            throw new CoderException("negative array length " + length);
          }
          byte[] bytes = new byte[length];
          in.readFully(bytes);
          return bytes;
        }
      };

  private static final FieldCodec STRING =
      new FieldCodec() {
        @Override
        public void write(Object value, BinaryWriter out) throws IOException {
          BYTES.write(((String) value).getBytes(StandardCharsets.UTF_8), out);
        }

        @Override
        public Object read(DataInput in) throws IOException {
          if (in instanceof BinaryReader reader) {
            int length = in.readInt();
            if (length < 0) {
              throw new CoderException("negative array length " + length);
            }
            return reader.readUtf8(length);
          }
          return new String((byte[]) BYTES.read(in), StandardCharsets.UTF_8);
        }
      };

  private static FieldCodec nullable(FieldCodec present) {
    return new FieldCodec() {
      @Override
      public void write(Object value, BinaryWriter out) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
          present.write(value, out);
        }
      }

      @Override
      public Object read(DataInput in) throws IOException {
        return in.readBoolean() ? present.read(in) : null;
      }
    };
  }

  private static FieldCodec enumOf(Class<?> enumType) {
    Map<String, Object> byName = new LinkedHashMap<>();
    for (Object constant : enumType.getEnumConstants()) {
      byName.put(((Enum<?>) constant).name(), constant);
    }
    return new FieldCodec() {
      @Override
      public void write(Object value, BinaryWriter out) throws IOException {
        STRING.write(((Enum<?>) value).name(), out);
      }

      @Override
      public Object read(DataInput in) throws IOException {
        String name = (String) STRING.read(in);
        Object constant = byName.get(name);
        if (constant == null) {
          throw new CoderException(enumType.getSimpleName() + " has no constant " + name);
        }
        return constant;
      }
    };
  }

  /**
   * A record's components in order, through method handles made once per record type (not {@link
   * Method#invoke}, whose per-call checks and argument arrays cost more than the writing); a
   * primitive double, long or int component is read from the record without boxing, and a record of
   * doubles only (the metric groups of a report) is created from a {@code double[]}.
   */
  private static FieldCodec record(Class<?> recordType, int version) {
    RecordComponent[] components = recordType.getRecordComponents();
    ComponentWriter[] writers = new ComponentWriter[components.length];
    FieldCodec[] codecs = new FieldCodec[components.length];
    Class<?>[] parameterTypes = new Class<?>[components.length];
    Map<String, Integer> added = ADDED.getOrDefault(recordType, Map.of());
    MethodHandles.Lookup lookup = MethodHandles.lookup();
    for (int i = 0; i < components.length; i++) {
      parameterTypes[i] = components[i].getType();
      codecs[i] =
          added.getOrDefault(components[i].getName(), 1) > version
              ? absent(parameterTypes[i])
              : codecFor(components[i].getGenericType(), version);
      Method accessor = components[i].getAccessor();
      accessor.setAccessible(true);
      try {
        writers[i] = ComponentWriter.of(lookup.unreflect(accessor), codecs[i]);
      } catch (IllegalAccessException e) {
        throw new IllegalArgumentException("cannot read " + components[i].getName(), e);
      }
    }
    MethodHandle constructor;
    try {
      Constructor<?> canonicalConstructor = recordType.getDeclaredConstructor(parameterTypes);
      canonicalConstructor.setAccessible(true);
      constructor = lookup.unreflectConstructor(canonicalConstructor);
    } catch (NoSuchMethodException | IllegalAccessException e) {
      throw new IllegalArgumentException("no canonical constructor in " + recordType, e);
    }
    if (components.length > 0 && Arrays.stream(codecs).allMatch(codec -> codec == DOUBLE)) {
      return doublesRecord(
          recordType,
          writers,
          constructor
              .asSpreader(double[].class, components.length)
              .asType(MethodType.methodType(Object.class, double[].class)));
    }
    MethodHandle canonical =
        constructor
            .asSpreader(Object[].class, components.length)
            .asType(MethodType.methodType(Object.class, Object[].class));
    return new FieldCodec() {
      @Override
      public void write(Object value, BinaryWriter out) throws IOException {
        for (ComponentWriter writer : writers) {
          writer.write(value, out);
        }
      }

      @Override
      public Object read(DataInput in) throws IOException {
        Object[] arguments = new Object[codecs.length];
        for (int i = 0; i < codecs.length; i++) {
          arguments[i] = codecs[i].read(in);
        }
        try {
          return (Object) canonical.invokeExact(arguments);
        } catch (Throwable e) {
          throw cannotCreate(recordType, e);
        }
      }
    };
  }

  /** A record of doubles only: read into a {@code double[]}, created without boxing. */
  private static FieldCodec doublesRecord(
      Class<?> recordType, ComponentWriter[] writers, MethodHandle canonical) {
    return new FieldCodec() {
      @Override
      public void write(Object value, BinaryWriter out) throws IOException {
        for (ComponentWriter writer : writers) {
          writer.write(value, out);
        }
      }

      @Override
      public Object read(DataInput in) throws IOException {
        double[] arguments = new double[writers.length];
        for (int i = 0; i < arguments.length; i++) {
          arguments[i] = in.readDouble();
        }
        try {
          return (Object) canonical.invokeExact(arguments);
        } catch (Throwable e) {
          throw cannotCreate(recordType, e);
        }
      }
    };
  }

  /**
   * What the canonical constructor threw: a rejected value is invalid input, an error stays one.
   */
  private static CoderException cannotCreate(Class<?> recordType, Throwable thrown) {
    if (thrown instanceof Error error) {
      throw error;
    }
    return thrown instanceof RuntimeException
        ? new CoderException(
            "invalid " + recordType.getSimpleName() + ": " + thrown.getMessage(), thrown)
        : new CoderException("cannot create " + recordType.getSimpleName(), thrown);
  }

  /** Writes one component of a record: reads it through its accessor, then writes it. */
  private abstract static class ComponentWriter {
    abstract void write(Object record, BinaryWriter out) throws IOException;

    static ComponentWriter of(MethodHandle accessor, FieldCodec codec) {
      Class<?> type = accessor.type().returnType();
      MethodHandle generic = accessor.asType(MethodType.methodType(type, Object.class));
      if (codec == DOUBLE) {
        return new ComponentWriter() {
          @Override
          void write(Object record, BinaryWriter out) {
            out.writeDouble(invokeDouble(generic, record));
          }
        };
      }
      if (codec == LONG) {
        return new ComponentWriter() {
          @Override
          void write(Object record, BinaryWriter out) {
            out.writeLong(invokeLong(generic, record));
          }
        };
      }
      if (codec == INT) {
        return new ComponentWriter() {
          @Override
          void write(Object record, BinaryWriter out) {
            out.writeInt(invokeInt(generic, record));
          }
        };
      }
      MethodHandle boxed = accessor.asType(MethodType.methodType(Object.class, Object.class));
      return new ComponentWriter() {
        @Override
        void write(Object record, BinaryWriter out) throws IOException {
          codec.write(invokeObject(boxed, record), out);
        }
      };
    }
  }

  // An accessor of a record only returns its field: anything it throws is a bug, not input.
  private static double invokeDouble(MethodHandle accessor, Object record) {
    try {
      return (double) accessor.invokeExact(record);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static long invokeLong(MethodHandle accessor, Object record) {
    try {
      return (long) accessor.invokeExact(record);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static int invokeInt(MethodHandle accessor, Object record) {
    try {
      return (int) accessor.invokeExact(record);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  private static Object invokeObject(MethodHandle accessor, Object record) {
    try {
      return (Object) accessor.invokeExact(record);
    } catch (Throwable e) {
      throw new IllegalStateException(e);
    }
  }

  /** A component that the version read does not have: written never, read as its default. */
  private static FieldCodec absent(Class<?> componentType) {
    Object defaultValue =
        componentType.isPrimitive()
            ? java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(componentType, 1), 0)
            : null;
    return new FieldCodec() {
      @Override
      public void write(Object value, BinaryWriter out) {
        throw new IllegalStateException("older versions are read, never written");
      }

      @Override
      public Object read(DataInput in) {
        return defaultValue;
      }
    };
  }

  private static void writeAll(Collection<?> elements, FieldCodec element, BinaryWriter out)
      throws IOException {
    out.writeInt(elements.size());
    for (Object value : elements) {
      element.write(value, out);
    }
  }

  private static <C extends Collection<Object>> C readAll(FieldCodec element, DataInput in, C into)
      throws IOException {
    int size = readSize(in);
    for (int i = 0; i < size; i++) {
      into.add(element.read(in));
    }
    return into;
  }

  private static int readSize(DataInput in) throws IOException {
    int size = in.readInt();
    if (size < 0) {
      throw new CoderException("negative collection size " + size);
    }
    return size;
  }

  private static FieldCodec list(FieldCodec element) {
    return new FieldCodec() {
      @Override
      public void write(Object value, BinaryWriter out) throws IOException {
        writeAll((List<?>) value, element, out);
      }

      @Override
      public Object read(DataInput in) throws IOException {
        return Collections.unmodifiableList(readAll(element, in, new ArrayList<>()));
      }
    };
  }

  private static FieldCodec set(FieldCodec element) {
    return new FieldCodec() {
      @Override
      public void write(Object value, BinaryWriter out) throws IOException {
        writeAll(new TreeSet<>((Set<?>) value), element, out);
      }

      @Override
      public Object read(DataInput in) throws IOException {
        return Collections.unmodifiableSet(readAll(element, in, new LinkedHashSet<>()));
      }
    };
  }

  private static FieldCodec map(FieldCodec key, FieldCodec value) {
    return new FieldCodec() {
      @Override
      public void write(Object map, BinaryWriter out) throws IOException {
        Map<?, ?> sorted = new TreeMap<>((Map<?, ?>) map);
        out.writeInt(sorted.size());
        for (Map.Entry<?, ?> entry : sorted.entrySet()) {
          key.write(entry.getKey(), out);
          value.write(entry.getValue(), out);
        }
      }

      @Override
      public Object read(DataInput in) throws IOException {
        int size = readSize(in);
        Map<Object, Object> values = new LinkedHashMap<>();
        for (int i = 0; i < size; i++) {
          values.put(key.read(in), value.read(in));
        }
        return Collections.unmodifiableMap(values);
      }
    };
  }

  /**
   * Makes {@link RecordCoder} the default coder of every record in {@code dev.dctwin.domain}
   * ({@link ReceivedCoder} of a {@link Received}), through the service loader, so pipelines need no
   * {@code setCoder} for domain types.
   */
  public static final class Registrar implements CoderProviderRegistrar {
    @Override
    public List<CoderProvider> getCoderProviders() {
      return List.of(new DomainRecordProvider());
    }
  }

  private static final class DomainRecordProvider extends CoderProvider {
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public <T> Coder<T> coderFor(
        TypeDescriptor<T> typeDescriptor, List<? extends Coder<?>> componentCoders)
        throws CannotProvideCoderException {
      Class<? super T> raw = typeDescriptor.getRawType();
      if (raw == Received.class) {
        // A message is an interface, which a record coder cannot hold.
        return (Coder<T>) ReceivedCoder.of();
      }
      if (raw.isRecord() && raw.getPackageName().equals("dev.dctwin.domain")) {
        return (Coder<T>) of((Class) raw);
      }
      throw new CannotProvideCoderException(raw.getName() + " is not a dctwin domain record");
    }
  }
}

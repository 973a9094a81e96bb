package dev.dctwin.codec;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.apache.beam.sdk.coders.ByteArrayCoder;
import org.apache.beam.sdk.coders.Coder;
import org.apache.beam.sdk.coders.CoderException;
import org.apache.beam.sdk.coders.CoderProvider;
import org.apache.beam.sdk.coders.CoderProviderRegistrar;
import org.apache.beam.sdk.coders.CustomCoder;
import org.apache.beam.sdk.values.TypeDescriptor;

/**
 * A deterministic coder for the immutable domain records: compact JSON with properties in record
 * declaration order and map entries sorted by key, so equal values always encode to equal bytes (a
 * requirement for keys and for state). No Java serialization.
 */
public final class JacksonCoder<T> extends CustomCoder<T> {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  private final Class<T> type;

  private JacksonCoder(Class<T> type) {
    this.type = type;
  }

  public static <T> JacksonCoder<T> of(Class<T> type) {
    return new JacksonCoder<>(type);
  }

  @Override
  public void encode(T value, OutputStream out) throws IOException {
    ByteArrayCoder.of().encode(MAPPER.writeValueAsBytes(value), out);
  }

  @Override
  public T decode(InputStream in) throws IOException {
    byte[] bytes = ByteArrayCoder.of().decode(in);
    try {
      return MAPPER.readValue(bytes, type);
    } catch (IOException e) {
      throw new CoderException("cannot decode " + type.getSimpleName(), e);
    }
  }

  @Override
  public void verifyDeterministic() {}

  @Override
  public boolean equals(Object other) {
    return other instanceof JacksonCoder<?> that && type.equals(that.type);
  }

  @Override
  public int hashCode() {
    return type.hashCode();
  }

  @Override
  public String toString() {
    return "JacksonCoder(" + type.getSimpleName() + ")";
  }

  /**
   * Makes {@link JacksonCoder} the default coder of every record in {@code dev.dctwin.domain},
   * through the service loader, so pipelines need no {@code setCoder} for domain types.
   */
  public static final class Registrar implements CoderProviderRegistrar {
    @Override
    public List<CoderProvider> getCoderProviders() {
      return List.of(new DomainRecordProvider());
    }
  }

  private static final class DomainRecordProvider extends CoderProvider {
    @Override
    @SuppressWarnings("unchecked")
    public <T> Coder<T> coderFor(
        TypeDescriptor<T> typeDescriptor, List<? extends Coder<?>> componentCoders)
        throws org.apache.beam.sdk.coders.CannotProvideCoderException {
      Class<? super T> raw = typeDescriptor.getRawType();
      if (raw.isRecord() && raw.getPackageName().equals("dev.dctwin.domain")) {
        return (Coder<T>) of(raw);
      }
      throw new org.apache.beam.sdk.coders.CannotProvideCoderException(
          raw.getName() + " is not a dctwin domain record");
    }
  }
}

package dev.dctwin.models;

import dev.dctwin.codec.BinaryReader;
import dev.dctwin.codec.FormatVersion;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.IncidentType;
import dev.dctwin.domain.MetricEvidence;
import dev.dctwin.domain.Severity;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads what {@link StateWriter} wrote. Malformed input (a version the format does not read,
 * truncation, an unknown enum name) fails with {@link IllegalArgumentException} naming the state,
 * never with a half-read state.
 */
final class StateReader {
  private final String what;
  private final BinaryReader in;

  StateReader(byte[] bytes, FormatVersion format) {
    this.what = format.state();
    this.in = new BinaryReader(bytes);
    format.check(readByte());
  }

  int readByte() {
    try {
      return in.readUnsignedByte();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  boolean readBoolean() {
    return readByte() != 0;
  }

  long readLong() {
    try {
      return in.readLong();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  float readFloat() {
    try {
      return in.readFloat();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  double readDouble() {
    try {
      return in.readDouble();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  long readVarLong() {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IllegalArgumentException(what + ": malformed varint");
  }

  int readVarInt() {
    long value = readVarLong();
    if (value > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(what + ": count out of range " + value);
    }
    return (int) value;
  }

  String readString() {
    try {
      return in.readUTF();
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  /** What {@link StateWriter#writeBytes} wrote. */
  byte[] readBytes() {
    int length = readVarInt();
    try {
      // A corrupt length must not allocate more than the input holds.
      if (length > in.remaining()) {
        throw new IllegalArgumentException(what + ": truncated encoding");
      }
      byte[] value = new byte[length];
      in.readFully(value);
      return value;
    } catch (IOException e) {
      throw truncated(e);
    }
  }

  String readNullableString() {
    return readBoolean() ? readString() : null;
  }

  <E extends Enum<E>> E readEnum(Class<E> type) {
    String name = readString();
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          what + ": unknown " + type.getSimpleName() + " " + name, e);
    }
  }

  Incident readIncident() {
    IncidentType type = readEnum(IncidentType.class);
    Severity severity = readEnum(Severity.class);
    long openedAt = readLong();
    String context = readNullableString();
    int count = readVarInt();
    List<MetricEvidence> evidence = new ArrayList<>(Math.min(count, 64));
    for (int i = 0; i < count; i++) {
      evidence.add(new MetricEvidence(readString(), readDouble(), readDouble()));
    }
    return new Incident(type, severity, openedAt, context, evidence);
  }

  /** Fails unless every byte was consumed: trailing bytes mean the writer and reader disagree. */
  void expectEnd() {
    if (in.remaining() > 0) {
      throw new IllegalArgumentException(what + ": " + in.remaining() + " trailing bytes");
    }
  }

  private IllegalArgumentException truncated(IOException cause) {
    return new IllegalArgumentException(what + ": truncated encoding", cause);
  }
}

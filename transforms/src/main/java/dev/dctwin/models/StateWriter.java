package dev.dctwin.models;

import dev.dctwin.codec.FormatVersion;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.MetricEvidence;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes the binary encodings of the models' states. Enums are written by name, not ordinal, so
 * that reordering a domain enum cannot silently reinterpret stored state.
 */
final class StateWriter {
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final DataOutputStream out = new DataOutputStream(bytes);

  StateWriter(FormatVersion format) {
    writeByte(format.current());
  }

  void writeByte(int value) {
    try {
      out.writeByte(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void writeBoolean(boolean value) {
    writeByte(value ? 1 : 0);
  }

  void writeLong(long value) {
    try {
      out.writeLong(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void writeFloat(float value) {
    try {
      out.writeFloat(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void writeDouble(double value) {
    try {
      out.writeDouble(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Unsigned LEB128: one byte below 128, two below 16384. */
  void writeVarLong(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative varint " + value);
    }
    long rest = value;
    while (rest >= 0x80) {
      writeByte((int) (rest & 0x7F) | 0x80);
      rest >>>= 7;
    }
    writeByte((int) rest);
  }

  void writeString(String value) {
    try {
      out.writeUTF(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A nested encoding: its length (varint), then its bytes. */
  void writeBytes(byte[] value) {
    writeVarLong(value.length);
    try {
      out.write(value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  void writeNullableString(String value) {
    writeBoolean(value != null);
    if (value != null) {
      writeString(value);
    }
  }

  void writeEnum(Enum<?> value) {
    writeString(value.name());
  }

  void writeIncident(Incident incident) {
    writeEnum(incident.type());
    writeEnum(incident.severity());
    writeLong(incident.openedAt());
    writeNullableString(incident.context());
    writeVarLong(incident.evidence().size());
    for (MetricEvidence evidence : incident.evidence()) {
      writeString(evidence.metric());
      writeDouble(evidence.observed());
      writeDouble(evidence.expected());
    }
  }

  byte[] toByteArray() {
    return bytes.toByteArray();
  }
}

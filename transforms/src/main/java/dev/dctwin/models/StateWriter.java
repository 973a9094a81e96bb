package dev.dctwin.models;

import dev.dctwin.codec.BinaryWriter;
import dev.dctwin.codec.FormatVersion;
import dev.dctwin.domain.Incident;
import dev.dctwin.domain.MetricEvidence;

/**
 * Writes the binary encodings of the models' states, into a {@link BinaryWriter} (the layout of a
 * {@code DataOutputStream}, which wrote them before). Enums are written by name, not ordinal, so
 * that reordering a domain enum cannot silently reinterpret stored state.
 */
final class StateWriter {
  private final BinaryWriter out;

  StateWriter(FormatVersion format) {
    this(format, 256);
  }

  /** A writer with room for {@code expectedSize} bytes, so that it need not grow on the way. */
  StateWriter(FormatVersion format, int expectedSize) {
    out = new BinaryWriter(expectedSize);
    writeByte(format.current());
  }

  void writeByte(int value) {
    out.writeByte(value);
  }

  void writeBoolean(boolean value) {
    out.writeBoolean(value);
  }

  void writeLong(long value) {
    out.writeLong(value);
  }

  void writeFloat(float value) {
    out.writeFloat(value);
  }

  void writeDouble(double value) {
    out.writeDouble(value);
  }

  /** Unsigned LEB128: one byte below 128, two below 16384. */
  void writeVarLong(long value) {
    out.writeVarLong(value);
  }

  void writeString(String value) {
    out.writeUTF(value);
  }

  /** A nested encoding: its length (varint), then its bytes. */
  void writeBytes(byte[] value) {
    writeVarLong(value.length);
    out.write(value, 0, value.length);
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
    return out.toByteArray();
  }
}

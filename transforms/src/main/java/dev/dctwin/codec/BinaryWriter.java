package dev.dctwin.codec;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * A growable byte array written in {@link java.io.DataOutput}'s big-endian layout, without its
 * stream: no synchronization, no per-byte virtual calls, multi-byte values stored in one access.
 * State coders encode into it and hand the whole array on at once; the bytes are those a {@link
 * DataOutputStream} writes for the same calls, so the formats written through one before read
 * unchanged. Also an {@link OutputStream}, so that a coder that gets one (a body nested in another
 * encoding) can write into it directly. Not thread-safe.
 */
public final class BinaryWriter extends OutputStream {
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private byte[] buffer;
  private int size;

  public BinaryWriter() {
    this(256);
  }

  public BinaryWriter(int initialCapacity) {
    buffer = new byte[Math.max(16, initialCapacity)];
  }

  /** Bytes written so far. */
  public int size() {
    return size;
  }

  public byte[] toByteArray() {
    return Arrays.copyOf(buffer, size);
  }

  /** Writes what was written so far to {@code out}, in one call. */
  public void writeTo(OutputStream out) throws IOException {
    out.write(buffer, 0, size);
  }

  private void ensure(int more) {
    if (size + more > buffer.length) {
      buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, size + more));
    }
  }

  @Override
  public void write(int value) {
    writeByte(value);
  }

  @Override
  public void write(byte[] bytes, int offset, int length) {
    ensure(length);
    System.arraycopy(bytes, offset, buffer, size, length);
    size += length;
  }

  public void writeByte(int value) {
    ensure(1);
    buffer[size++] = (byte) value;
  }

  public void writeBoolean(boolean value) {
    writeByte(value ? 1 : 0);
  }

  public void writeInt(int value) {
    ensure(Integer.BYTES);
    INT.set(buffer, size, value);
    size += Integer.BYTES;
  }

  public void writeLong(long value) {
    ensure(Long.BYTES);
    LONG.set(buffer, size, value);
    size += Long.BYTES;
  }

  /** As {@link DataOutputStream#writeFloat}: every NaN as the canonical one. */
  public void writeFloat(float value) {
    writeInt(Float.floatToIntBits(value));
  }

  /** As {@link DataOutputStream#writeDouble}: every NaN as the canonical one. */
  public void writeDouble(double value) {
    writeLong(Double.doubleToLongBits(value));
  }

  /**
   * Every bit of {@code value}, NaN payloads included: read back by {@link BinaryReader#readFloat}.
   */
  public void writeFloatBits(float value) {
    writeInt(Float.floatToRawIntBits(value));
  }

  /** Every bit of {@code value}: read back by {@link BinaryReader#readDouble}. */
  public void writeDoubleBits(double value) {
    writeLong(Double.doubleToRawLongBits(value));
  }

  /** Unsigned LEB128, 7 bits a byte: one byte below 128, two below 16384; not for negatives. */
  public void writeVarLong(long value) {
    if (value < 0) {
      throw new IllegalArgumentException("negative varint " + value);
    }
    writeUnsigned(value);
  }

  /** A signed value in zigzag form (0, -1, 1, -2, ...) as a varint: small magnitudes stay short. */
  public void writeZigZagLong(long value) {
    writeUnsigned((value << 1) ^ (value >> 63));
  }

  /** All 64 bits of {@code value} as an unsigned varint (up to 10 bytes): a gap that may wrap. */
  public void writeUnsignedVarLong(long value) {
    writeUnsigned(value);
  }

  private void writeUnsigned(long value) {
    ensure(10);
    long rest = value;
    while ((rest & ~0x7FL) != 0) {
      buffer[size++] = (byte) (rest | 0x80);
      rest >>>= 7;
    }
    buffer[size++] = (byte) rest;
  }

  /** As {@link DataOutputStream#writeUTF}: a 2-byte length, then modified UTF-8. */
  public void writeUTF(String value) {
    int length = value.length();
    boolean ascii = length <= 0xFFFF;
    for (int i = 0; i < length && ascii; i++) {
      char c = value.charAt(i);
      ascii = c >= 1 && c < 0x80;
    }
    if (!ascii) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(length * 3 + 2);
      try {
        new DataOutputStream(bytes).writeUTF(value);
      } catch (IOException e) {
        // Too long: the same error a DataOutputStream gives.
        throw new UncheckedIOException(e);
      }
      write(bytes.toByteArray(), 0, bytes.size());
      return;
    }
    ensure(2 + length);
    buffer[size++] = (byte) (length >>> 8);
    buffer[size++] = (byte) length;
    for (int i = 0; i < length; i++) {
      buffer[size++] = (byte) value.charAt(i);
    }
  }
}

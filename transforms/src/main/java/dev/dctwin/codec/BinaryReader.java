package dev.dctwin.codec;

import java.io.DataInput;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Reads a byte array as {@link DataInputStream} reads the same bytes through a {@code
 * ByteArrayInputStream} (the same values, {@link EOFException} at the end), without a stream's
 * synchronized per-byte reads: what {@link BinaryWriter} wrote, and every format written by a
 * {@code DataOutputStream} before. Also an {@link InputStream}, so that a coder handed one (a body
 * nested in another encoding) reads from it directly. Not thread-safe.
 */
public final class BinaryReader extends InputStream implements DataInput {
  private static final VarHandle INT =
      MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.BIG_ENDIAN);
  private static final VarHandle LONG =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

  private final byte[] buffer;
  private int position;
  private final int limit;

  public BinaryReader(byte[] bytes) {
    this(bytes, 0, bytes.length);
  }

  public BinaryReader(byte[] bytes, int offset, int length) {
    if (offset < 0 || length < 0 || offset + length > bytes.length) {
      throw new IndexOutOfBoundsException("offset " + offset + ", length " + length);
    }
    this.buffer = bytes;
    this.position = offset;
    this.limit = offset + length;
  }

  /** Bytes left. */
  public int remaining() {
    return limit - position;
  }

  private void need(int bytes) throws EOFException {
    if (limit - position < bytes) {
      position = limit;
      throw new EOFException();
    }
  }

  @Override
  public int available() {
    return remaining();
  }

  @Override
  public int read() {
    return position < limit ? buffer[position++] & 0xFF : -1;
  }

  @Override
  public int read(byte[] into, int offset, int length) {
    if (length == 0) {
      return 0;
    }
    if (position >= limit) {
      return -1;
    }
    int count = Math.min(length, limit - position);
    System.arraycopy(buffer, position, into, offset, count);
    position += count;
    return count;
  }

  @Override
  public long skip(long count) {
    int skipped = (int) Math.max(0, Math.min(count, limit - position));
    position += skipped;
    return skipped;
  }

  @Override
  public void readFully(byte[] into) throws IOException {
    readFully(into, 0, into.length);
  }

  @Override
  public void readFully(byte[] into, int offset, int length) throws IOException {
    need(length);
    System.arraycopy(buffer, position, into, offset, length);
    position += length;
  }

  /** The next {@code length} bytes as UTF-8, decoded in place. */
  public String readUtf8(int length) throws IOException {
    if (length < 0) {
      throw new IOException("negative length " + length);
    }
    need(length);
    String value = new String(buffer, position, length, StandardCharsets.UTF_8);
    position += length;
    return value;
  }

  @Override
  public int skipBytes(int count) {
    return (int) skip(count);
  }

  @Override
  public boolean readBoolean() throws IOException {
    return readUnsignedByte() != 0;
  }

  @Override
  public byte readByte() throws IOException {
    return (byte) readUnsignedByte();
  }

  @Override
  public int readUnsignedByte() throws IOException {
    if (position >= limit) {
      throw new EOFException();
    }
    return buffer[position++] & 0xFF;
  }

  @Override
  public short readShort() throws IOException {
    return (short) readUnsignedShort();
  }

  @Override
  public int readUnsignedShort() throws IOException {
    need(2);
    int value = ((buffer[position] & 0xFF) << 8) | (buffer[position + 1] & 0xFF);
    position += 2;
    return value;
  }

  @Override
  public char readChar() throws IOException {
    return (char) readUnsignedShort();
  }

  @Override
  public int readInt() throws IOException {
    need(Integer.BYTES);
    int value = (int) INT.get(buffer, position);
    position += Integer.BYTES;
    return value;
  }

  @Override
  public long readLong() throws IOException {
    need(Long.BYTES);
    long value = (long) LONG.get(buffer, position);
    position += Long.BYTES;
    return value;
  }

  @Override
  public float readFloat() throws IOException {
    return Float.intBitsToFloat(readInt());
  }

  @Override
  public double readDouble() throws IOException {
    return Double.longBitsToDouble(readLong());
  }

  /**
   * What {@link BinaryWriter#writeVarLong} or {@link BinaryWriter#writeUnsignedVarLong} wrote;
   * {@link IOException} if longer than 10 bytes.
   */
  public long readVarLong() throws IOException {
    long value = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      int b = readUnsignedByte();
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new IOException("malformed varint");
  }

  /** What {@link BinaryWriter#writeZigZagLong} wrote. */
  public long readZigZagLong() throws IOException {
    long zigzag = readVarLong();
    return (zigzag >>> 1) ^ -(zigzag & 1);
  }

  /** Not part of any format here. */
  @Override
  @Deprecated
  public String readLine() {
    throw new UnsupportedOperationException("readLine");
  }

  /** As {@link DataInputStream#readUTF}: a 2-byte length, then modified UTF-8. */
  @Override
  public String readUTF() throws IOException {
    int length = readUnsignedShort();
    need(length);
    int end = position + length;
    for (int i = position; i < end; i++) {
      if (buffer[i] <= 0) {
        // Not plain ASCII (or a NUL, which modified UTF-8 never writes as one byte).
        position -= 2;
        return DataInputStream.readUTF(this);
      }
    }
    String value = new String(buffer, position, length, StandardCharsets.ISO_8859_1);
    position = end;
    return value;
  }
}

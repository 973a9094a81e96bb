package dev.dctwin.codec;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.junit.runners.JUnit4;

/**
 * {@link BinaryWriter} writes the bytes a {@link DataOutputStream} writes for the same calls, and
 * {@link BinaryReader} reads any bytes as a {@link DataInputStream} does: the state formats written
 * through those streams before keep their bytes.
 */
@RunWith(JUnit4.class)
public class BinaryWriterReaderTest {
  private static final List<String> STRINGS =
      List.of(
          "",
          "cpu.idle",
          "node_filesystem_avail_bytes{mountpoint=\"/\"}",
          "Grüße",
          "\0nul",
          "日本",
          "\uD83D\uDE00 emoji",
          "lone \uD800");

  @Test
  public void writesWhatADataOutputStreamWrites() throws IOException {
    Random random = new Random(42);
    for (int run = 0; run < 200; run++) {
      BinaryWriter writer = new BinaryWriter(16);
      ByteArrayOutputStream expected = new ByteArrayOutputStream();
      DataOutputStream data = new DataOutputStream(expected);
      for (int i = 0; i < 50; i++) {
        switch (random.nextInt(8)) {
          case 0 -> {
            int b = random.nextInt();
            writer.writeByte(b);
            data.writeByte(b);
          }
          case 1 -> {
            boolean b = random.nextBoolean();
            writer.writeBoolean(b);
            data.writeBoolean(b);
          }
          case 2 -> {
            int v = random.nextInt();
            writer.writeInt(v);
            data.writeInt(v);
          }
          case 3 -> {
            long v = random.nextLong();
            writer.writeLong(v);
            data.writeLong(v);
          }
          case 4 -> {
            float v = i % 7 == 0 ? Float.intBitsToFloat(0x7fc00001) : random.nextFloat();
            writer.writeFloat(v);
            data.writeFloat(v);
          }
          case 5 -> {
            double v = i % 5 == 0 ? -0.0 : random.nextGaussian();
            writer.writeDouble(v);
            data.writeDouble(v);
          }
          case 6 -> {
            String v = STRINGS.get(random.nextInt(STRINGS.size()));
            writer.writeUTF(v);
            data.writeUTF(v);
          }
          default -> {
            byte[] v = new byte[random.nextInt(40)];
            random.nextBytes(v);
            writer.write(v, 0, v.length);
            data.write(v);
          }
        }
      }
      assertArrayEquals(expected.toByteArray(), writer.toByteArray());
    }
  }

  @Test
  public void readsWhatADataInputStreamReads() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream data = new DataOutputStream(bytes);
    for (String s : STRINGS) {
      data.writeUTF(s);
      data.writeLong(s.hashCode() * 31L);
      data.writeDouble(s.length() / 3.0);
      data.writeFloat(-s.length());
      data.writeInt(-s.hashCode());
      data.writeShort(s.length());
      data.writeBoolean(s.isEmpty());
    }
    byte[] encoded = bytes.toByteArray();
    BinaryReader reader = new BinaryReader(encoded);
    DataInputStream expected = new DataInputStream(new ByteArrayInputStream(encoded));
    for (int i = 0; i < STRINGS.size(); i++) {
      assertThat(reader.readUTF(), equalTo(expected.readUTF()));
      assertThat(reader.readLong(), equalTo(expected.readLong()));
      assertThat(
          Double.doubleToRawLongBits(reader.readDouble()),
          equalTo(Double.doubleToRawLongBits(expected.readDouble())));
      assertThat(
          Float.floatToRawIntBits(reader.readFloat()),
          equalTo(Float.floatToRawIntBits(expected.readFloat())));
      assertThat(reader.readInt(), equalTo(expected.readInt()));
      assertThat(reader.readShort(), equalTo(expected.readShort()));
      assertThat(reader.readBoolean(), equalTo(expected.readBoolean()));
    }
    assertThat(reader.remaining(), equalTo(0));
    assertThat(reader.read(), equalTo(-1));
    assertThrows(EOFException.class, reader::readUnsignedByte);
    assertThrows(EOFException.class, () -> new BinaryReader(new byte[7]).readLong());
    assertThrows(EOFException.class, () -> new BinaryReader(new byte[] {0, 5, 'a'}).readUTF());
  }

  @Test
  public void varintsKeepEveryLongAndNaNsKeepTheirBits() throws IOException {
    long[] values = {
      0,
      1,
      -1,
      127,
      128,
      16_383,
      16_384,
      Long.MAX_VALUE,
      Long.MIN_VALUE,
      1_763_719_200_000L,
      -1_763_719_200_000L
    };
    BinaryWriter writer = new BinaryWriter();
    for (long v : values) {
      writer.writeZigZagLong(v);
      writer.writeUnsignedVarLong(v);
      if (v >= 0) {
        writer.writeVarLong(v);
      }
    }
    float nan = Float.intBitsToFloat(0x7fc00001);
    writer.writeFloatBits(nan);
    writer.writeDoubleBits(-0.0);
    BinaryReader reader = new BinaryReader(writer.toByteArray());
    for (long v : values) {
      assertThat(reader.readZigZagLong(), equalTo(v));
      assertThat(reader.readVarLong(), equalTo(v));
      if (v >= 0) {
        assertThat(reader.readVarLong(), equalTo(v));
      }
    }
    assertThat(Float.floatToRawIntBits(reader.readFloat()), equalTo(0x7fc00001));
    assertThat(Double.doubleToRawLongBits(reader.readDouble()), equalTo(Long.MIN_VALUE));
    assertThat(reader.remaining(), equalTo(0));
    assertThrows(IllegalArgumentException.class, () -> new BinaryWriter().writeVarLong(-1));
  }
}

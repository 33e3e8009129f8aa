package dev.emm.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.emm.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * The container shared by snapshots and checkpoints: a 6-byte ASCII magic, a version byte, a
 * big-endian int32 header length, the header as UTF-8 JSON, then raw tensors as little-endian float32
 * in the order the header lists them, and a big-endian int32 CRC-32 of every byte before it.
 */
final class BinaryFormat {

    private BinaryFormat() {
    }

    /** Accumulates a file in memory. */
    static final class Writer {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(1 << 16);
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer(String magic, int version, Object header) {
            try {
                out.write(magic.getBytes(StandardCharsets.US_ASCII));
                out.writeByte(version);
                byte[] json = Json.toBytes(header);
                out.writeInt(json.length);
                out.write(json);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Appends a float32 tensor (copied from the device). */
        void tensor(NDArray array) {
            if (array.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException("only float32 tensors are stored, got " + array.getDataType());
            }
            ByteBuffer data = array.toByteBuffer().order(ByteOrder.nativeOrder());
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                byte[] raw = new byte[data.remaining()];
                data.get(raw);
                bytes.write(raw, 0, raw.length);
            } else {
                ByteBuffer le = ByteBuffer.allocate(data.remaining()).order(ByteOrder.LITTLE_ENDIAN);
                le.asFloatBuffer().put(data.asFloatBuffer());
                bytes.write(le.array(), 0, le.capacity());
            }
        }

        byte[] finish() {
            byte[] body = bytes.toByteArray();
            CRC32 crc = new CRC32();
            crc.update(body);
            byte[] result = Arrays.copyOf(body, body.length + 4);
            ByteBuffer.wrap(result, body.length, 4).putInt((int) crc.getValue());
            return result;
        }
    }

    /** Reads a file written by {@link Writer}. */
    static final class Reader {
        private final ByteBuffer buffer;
        private final byte[] header;

        Reader(byte[] data, String magic, int version, String what) {
            byte[] m = magic.getBytes(StandardCharsets.US_ASCII);
            if (data.length < m.length + 9) {
                throw new IllegalArgumentException(what + " is truncated (" + data.length + " bytes)");
            }
            for (int i = 0; i < m.length; i++) {
                if (data[i] != m[i]) {
                    throw new IllegalArgumentException("not an EMM " + what + ": bad magic");
                }
            }
            int v = data[m.length] & 0xFF;
            if (v != version) {
                throw new IllegalArgumentException("unsupported " + what + " version " + v + " (this build reads "
                        + version + ")");
            }
            CRC32 crc = new CRC32();
            crc.update(data, 0, data.length - 4);
            int stored = ByteBuffer.wrap(data, data.length - 4, 4).getInt();
            if (stored != (int) crc.getValue()) {
                throw new IllegalArgumentException(what + " is corrupt: CRC-32 mismatch");
            }
            buffer = ByteBuffer.wrap(data, 0, data.length - 4);
            buffer.position(m.length + 1);
            int headerLength = buffer.getInt();
            header = new byte[headerLength];
            buffer.get(header);
            buffer.order(ByteOrder.LITTLE_ENDIAN);
        }

        <T> T header(Class<T> type) {
            return Json.read(header, type);
        }

        /** The next tensor's raw little-endian float32 bytes, as a direct native-order buffer for NDArray.set. */
        ByteBuffer tensor(long elements) {
            ByteBuffer stored = next(elements);
            ByteBuffer direct = ByteBuffer.allocateDirect(stored.remaining()).order(ByteOrder.nativeOrder());
            if (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN) {
                direct.put(stored);
            } else {
                direct.asFloatBuffer().put(stored.asFloatBuffer());
            }
            direct.rewind();
            return direct;
        }

        /** The next tensor's little-endian float32 bytes as stored. */
        byte[] rawTensor(long elements) {
            ByteBuffer stored = next(elements);
            byte[] raw = new byte[stored.remaining()];
            stored.get(raw);
            return raw;
        }

        /** The next tensor's stored bytes as a little-endian view; the reader moves past them. */
        private ByteBuffer next(long elements) {
            int n = Math.toIntExact(elements * 4);
            if (buffer.remaining() < n) {
                throw new IllegalArgumentException("tensor data is truncated");
            }
            ByteBuffer slice = buffer.slice().order(ByteOrder.LITTLE_ENDIAN);
            slice.limit(n);
            buffer.position(buffer.position() + n);
            return slice;
        }

        void expectEnd() {
            if (buffer.hasRemaining()) {
                throw new IllegalArgumentException(buffer.remaining() + " unexpected trailing bytes");
            }
        }
    }
}

package dev.emm.djl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The safetensors layout byte by byte, and the reader's checks. */
class SafeTensorsTest {

    @Test
    void writesTheLayoutTheFormatDefines() {
        byte[] file = SafeTensors.write(List.of(
                SafeTensors.Tensor.of("w", new long[] {2, 1}, new float[] {1.5f, -2f}),
                SafeTensors.Tensor.of("n", new long[] {1}, new long[] {7})), Map.of("format", "pt"));
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, headerLength % 8, "the data starts 8-byte aligned");
        String header = new String(file, 8, (int) headerLength, StandardCharsets.UTF_8);
        assertEquals("{\"__metadata__\":{\"format\":\"pt\"},\"w\":{\"dtype\":\"F32\",\"shape\":[2,1],\"data_offsets\":[0,8]},"
                + "\"n\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[8,16]}}", header.stripTrailing());
        ByteBuffer data = ByteBuffer.wrap(file, 8 + (int) headerLength, 16).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(1.5f, data.getFloat());
        assertEquals(-2f, data.getFloat());
        assertEquals(7L, data.getLong());
        assertEquals(8 + headerLength + 16, file.length);

        SafeTensors.Contents back = SafeTensors.read(file);
        assertEquals(Map.of("format", "pt"), back.metadata());
        assertArrayEquals(new float[] {1.5f, -2f}, back.tensors().get("w").floats());
        assertArrayEquals(new long[] {2, 1}, back.tensors().get("w").shape());
    }

    @Test
    void rejectsShapesThatDoNotFitTheDataAndFilesWithGaps() {
        assertThrows(IllegalArgumentException.class,
                () -> SafeTensors.Tensor.of("w", new long[] {3}, new float[] {1f, 2f}));
        byte[] file = SafeTensors.write(List.of(SafeTensors.Tensor.of("w", new long[] {1}, new float[] {1f})), Map.of());
        byte[] longer = java.util.Arrays.copyOf(file, file.length + 4);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(longer));
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.read(new byte[] {1, 2, 3}));
    }
}

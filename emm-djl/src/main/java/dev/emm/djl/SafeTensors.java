package dev.emm.djl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.emm.core.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hugging Face's safetensors format, the subset EMM writes: a little-endian uint64 header length,
 * a UTF-8 JSON header {@code {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__":
 * {string: string}}} padded with spaces to a multiple of 8 bytes, then the tensors' little-endian
 * bytes back to back in header order (offsets relative to the end of the header, no gaps).
 *
 * <p>Written here rather than with DJL's {@code NDList} codec because exporting then needs no
 * native engine (the CLI never loads libtorch) and the file carries a metadata map.
 */
public final class SafeTensors {

    /** The element types EMM writes. */
    public enum DType {
        F32(4), F64(8), I64(8), U8(1);

        private final int bytes;

        DType(int bytes) {
            this.bytes = bytes;
        }

        public int bytes() {
            return bytes;
        }
    }

    /** One tensor: name, element type, shape and its little-endian bytes. */
    public record Tensor(String name, DType dtype, long[] shape, byte[] data) {

        public Tensor {
            long elements = 1;
            for (long d : shape) {
                elements *= d;
            }
            if (elements * dtype.bytes() != data.length) {
                throw new IllegalArgumentException("tensor " + name + ": shape " + java.util.Arrays.toString(shape)
                        + " of " + dtype + " needs " + elements * dtype.bytes() + " bytes, got " + data.length);
            }
        }

        public static Tensor of(String name, long[] shape, float[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor(name, DType.F32, shape, b.array());
        }

        public static Tensor of(String name, long[] shape, long[] values) {
            ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
            b.asLongBuffer().put(values);
            return new Tensor(name, DType.I64, shape, b.array());
        }

        /** The values of an F32 tensor. */
        public float[] floats() {
            if (dtype != DType.F32) {
                throw new IllegalStateException(name + " is " + dtype + ", not F32");
            }
            float[] values = new float[data.length / 4];
            ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(values);
            return values;
        }
    }

    /** A parsed file: tensors in file order and the metadata map. */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    public static byte[] write(List<Tensor> tensors, Map<String, String> metadata) {
        ObjectNode header = Json.mapper().createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Tensor t : tensors) {
            if (header.has(t.name())) {
                throw new IllegalArgumentException("duplicate tensor name " + t.name());
            }
            ObjectNode entry = header.putObject(t.name());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.putArray("data_offsets").add(offset).add(offset + t.data().length);
            offset += t.data().length;
        }
        byte[] json = Json.toBytes(header);
        int padded = (json.length + 7) / 8 * 8;
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.toIntExact(8 + padded + offset));
        byte[] length = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded).array();
        out.writeBytes(length);
        out.writeBytes(json);
        for (int i = json.length; i < padded; i++) {
            out.write(' ');
        }
        for (Tensor t : tensors) {
            out.writeBytes(t.data());
        }
        return out.toByteArray();
    }

    public static Contents read(byte[] file) {
        if (file.length < 8) {
            throw new IllegalArgumentException("not a safetensors file: " + file.length + " bytes");
        }
        long headerLength = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 2 || headerLength > file.length - 8) {
            throw new IllegalArgumentException("not a safetensors file: header length " + headerLength);
        }
        JsonNode header;
        try {
            header = Json.mapper().readTree(new String(file, 8, (int) headerLength, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        int dataStart = 8 + (int) headerLength;
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> field = it.next();
            if (field.getKey().equals("__metadata__")) {
                field.getValue().fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            JsonNode entry = field.getValue();
            List<Long> shape = new ArrayList<>();
            entry.get("shape").forEach(d -> shape.add(d.asLong()));
            long begin = entry.get("data_offsets").get(0).asLong();
            long end = entry.get("data_offsets").get(1).asLong();
            if (begin < 0 || end < begin || dataStart + end > file.length) {
                throw new IllegalArgumentException("tensor " + field.getKey() + " has bad data_offsets [" + begin + ", "
                        + end + "]");
            }
            ranges.add(new long[] {begin, end});
            byte[] data = java.util.Arrays.copyOfRange(file, dataStart + (int) begin, dataStart + (int) end);
            tensors.put(field.getKey(), new Tensor(field.getKey(), DType.valueOf(entry.get("dtype").asText()),
                    shape.stream().mapToLong(Long::longValue).toArray(), data));
        }
        // As the reference reader insists: the tensors tile the data section exactly, without gaps or overlaps.
        ranges.sort(java.util.Comparator.comparingLong(r -> r[0]));
        long covered = 0;
        for (long[] r : ranges) {
            if (r[0] != covered) {
                throw new IllegalArgumentException("tensor data has a gap or overlap at byte " + covered);
            }
            covered = r[1];
        }
        if (dataStart + covered != file.length) {
            throw new IllegalArgumentException((file.length - dataStart - covered) + " trailing bytes after the tensors");
        }
        return new Contents(tensors, metadata);
    }
}

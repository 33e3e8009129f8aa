package dev.emm.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import dev.emm.djl.nn.SongUNet;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A trained network, self-describing (format {@value #FORMAT}, version {@value #VERSION}): magic
 * {@code EMMNET}, version byte, big-endian int32 length and a JSON {@link SnapshotHeader}, the
 * network's tensors as little-endian float32 in header order (every DJL parameter of the SongUNet,
 * buffers such as Fourier frequencies included), and a big-endian CRC-32 of all preceding bytes.
 */
public final class ModelSnapshot {

    public static final String FORMAT = "emm-djl-snapshot";
    public static final int VERSION = 1;
    static final String MAGIC = "EMMNET";

    private ModelSnapshot() {
    }

    /** Writes a snapshot of {@code values}, one array per parameter of {@code net} in its order. */
    static byte[] write(SnapshotHeader header, List<NDArray> values) {
        BinaryFormat.Writer writer = new BinaryFormat.Writer(MAGIC, VERSION, header);
        for (NDArray value : values) {
            writer.tensor(value);
        }
        return writer.finish();
    }

    /** The header alone (cheap: no tensor is decoded, but the CRC is checked). */
    /** True when {@code bytes} start as a network snapshot does (an optimum run's snapshot is its training subset). */
    public static boolean isSnapshot(byte[] bytes) {
        byte[] magic = MAGIC.getBytes(StandardCharsets.US_ASCII);
        return bytes.length >= magic.length && Arrays.equals(bytes, 0, magic.length, magic, 0, magic.length);
    }

    public static SnapshotHeader header(byte[] snapshot) {
        return new BinaryFormat.Reader(snapshot, MAGIC, VERSION, "snapshot").header(SnapshotHeader.class);
    }

    /** Tensor records of every parameter of {@code net}, in DJL's parameter order. */
    static List<TensorRecord> tensorRecords(SongUNet net) {
        List<TensorRecord> records = new ArrayList<>();
        for (Pair<String, Parameter> p : net.getParameters()) {
            records.add(new TensorRecord(p.getKey(), Arrays.stream(p.getValue().getShape().getShape()).boxed().toList()));
        }
        return records;
    }

    /** Copies the snapshot's tensors into the (initialised) parameters of {@code net}; returns the header. */
    static SnapshotHeader load(byte[] snapshot, SongUNet net) {
        Opened opened = open(snapshot);
        List<TensorRecord> expected = checkTensors(opened.header(), net);
        int i = 0;
        for (Pair<String, Parameter> p : net.getParameters()) {
            p.getValue().getArray().set(opened.reader().tensor(expected.get(i++).size()));
        }
        opened.reader().expectEnd();
        return opened.header();
    }

    /** A snapshot's header, checked to be of this format, and the reader standing at its first tensor. */
    record Opened(SnapshotHeader header, BinaryFormat.Reader reader) {
    }

    static Opened open(byte[] snapshot) {
        BinaryFormat.Reader reader = new BinaryFormat.Reader(snapshot, MAGIC, VERSION, "snapshot");
        SnapshotHeader header = reader.header(SnapshotHeader.class);
        if (!FORMAT.equals(header.format())) {
            throw new IllegalArgumentException("not a " + FORMAT + ": " + header.format());
        }
        return new Opened(header, reader);
    }

    /** {@code net}'s tensor records, which the header must list, in order. */
    static List<TensorRecord> checkTensors(SnapshotHeader header, SongUNet net) {
        List<TensorRecord> expected = tensorRecords(net);
        if (!expected.equals(header.tensors())) {
            throw new IllegalArgumentException("snapshot tensors do not match the network its header describes");
        }
        return expected;
    }

    static Shape shape(TensorRecord record) {
        return new Shape(record.shape().stream().mapToLong(Long::longValue).toArray());
    }
}

package dev.emm.datasets;

import com.google.common.io.CountingInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import net.razorvine.pickle.IObjectConstructor;
import net.razorvine.pickle.PickleException;
import net.razorvine.pickle.PickleUtils;
import net.razorvine.pickle.Unpickler;

/**
 * Reads the pickles of the CIFAR "python version" with razorvine's unpickler, which executes no
 * code (unknown classes become plain dictionaries). Added here: numpy arrays (the
 * {@code _reconstruct} + state form of protocols 0-4 and the {@code _frombuffer} form of protocol
 * 5, under both the numpy 1 {@code numpy.core} and numpy 2 {@code numpy._core} names), Python 2
 * {@code str} payloads of 256 bytes or more read as raw bytes (no 1-char-per-byte string copy),
 * and a guard that refuses any length field longer than the bytes left in the entry, so a corrupt
 * length never allocates more than the entry holds.
 */
final class PickleReader {

    private static final short BINSTRING = 'T';
    private static final short BINBYTES = 'B';
    private static final short BINUNICODE = 'X';
    private static final short LONG4 = 0x8b;
    private static final short BINUNICODE8 = 0x8d;
    private static final short BINBYTES8 = 0x8e;
    private static final short BYTEARRAY8 = 0x96;

    static {
        IObjectConstructor reconstruct = args -> new NdArray();
        IObjectConstructor fromBuffer = NdArray::fromBuffer;
        IObjectConstructor dtype = Dtype::construct;
        IObjectConstructor ndarrayType = args -> {
            throw new PickleException("numpy.ndarray cannot be called directly");
        };
        for (String module : List.of("numpy.core.multiarray", "numpy._core.multiarray")) {
            Unpickler.registerConstructor(module, "_reconstruct", reconstruct);
        }
        for (String module : List.of("numpy.core.numeric", "numpy._core.numeric")) {
            Unpickler.registerConstructor(module, "_frombuffer", fromBuffer);
        }
        Unpickler.registerConstructor("numpy", "dtype", dtype);
        Unpickler.registerConstructor("numpy", "ndarray", ndarrayType);
    }

    private PickleReader() {
    }

    /**
     * Unpickles the one object in {@code in}, which holds {@code available} bytes. Throws
     * {@link IOException} on a truncated stream and {@link PickleException} on invalid content.
     */
    static Object load(InputStream in, long available) throws IOException {
        CountingInputStream counting = new CountingInputStream(in);
        GuardedUnpickler unpickler = new GuardedUnpickler(new PushbackInputStream(counting, 8), counting, available);
        return unpickler.read();
    }

    private static final class GuardedUnpickler extends Unpickler {
        private final PushbackInputStream source;
        private final CountingInputStream counting;
        private final long available;

        GuardedUnpickler(PushbackInputStream source, CountingInputStream counting, long available) {
            this.source = source;
            this.counting = counting;
            this.available = available;
        }

        Object read() throws IOException {
            return load(source);
        }

        @Override
        protected Object dispatch(short key) throws PickleException, IOException {
            if (key == BINSTRING || key == BINBYTES || key == BINUNICODE || key == LONG4) {
                byte[] raw = PickleUtils.readbytes(input, 4);
                long length = PickleUtils.bytes_to_integer(raw);
                check(key, length);
                if (key == BINSTRING) {
                    // A Python 2 str is bytes; read it as such (what encoding='bytes' does in Python 3).
                    stack.add(PickleUtils.readbytes(input, (int) length));
                    return NO_RETURN_VALUE;
                }
                source.unread(raw);
            } else if (key == BINUNICODE8 || key == BINBYTES8 || key == BYTEARRAY8) {
                byte[] raw = PickleUtils.readbytes(input, 8);
                check(key, PickleUtils.bytes_to_long(raw, 0));
                source.unread(raw);
            }
            return super.dispatch(key);
        }

        private void check(short key, long length) throws IOException {
            long left = available - counting.getCount();
            if (length < 0 || length > left) {
                throw new IOException(String.format("pickle opcode 0x%02x declares %d bytes but only %d remain",
                        key, length, left));
            }
        }
    }

    /** A numpy dtype: its type string ({@code u1}, {@code i8}, ...) and byte order. */
    public static final class Dtype {
        final String kind;
        char byteOrder = '=';

        Dtype(String kind) {
            this.kind = kind;
        }

        static Object construct(Object[] args) {
            if (args.length < 1) {
                throw new PickleException("numpy.dtype without arguments");
            }
            return new Dtype(text(args[0]));
        }

        /** Pickle BUILD: (version, byteorder, subarray, names, fields, elsize, alignment, flags[, metadata]). */
        public void __setstate__(Object[] state) {
            if (state.length > 1 && state[1] != null) {
                String order = text(state[1]);
                if (!order.isEmpty()) {
                    byteOrder = order.charAt(0);
                }
            }
        }

        int itemSize() {
            String digits = kind.replaceAll("[^0-9]", "");
            return digits.isEmpty() ? -1 : Integer.parseInt(digits);
        }

        char typeCode() {
            return kind.isEmpty() ? '?' : kind.replaceAll("[<>=|]", "").charAt(0);
        }

        ByteOrder order() {
            char explicit = kind.charAt(0);
            char effective = "<>".indexOf(explicit) >= 0 ? explicit : byteOrder;
            return effective == '>' ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        }

        @Override
        public String toString() {
            return kind;
        }
    }

    /** A numpy array as pickled: shape, dtype, memory order and raw data. */
    public static final class NdArray {
        int[] shape;
        Dtype dtype;
        boolean fortranOrder;
        byte[] data;

        static Object fromBuffer(Object[] args) {
            if (args.length < 3) {
                throw new PickleException("numpy _frombuffer with " + args.length + " arguments");
            }
            NdArray array = new NdArray();
            array.data = bytes(args[0]);
            array.dtype = (Dtype) args[1];
            array.shape = shape(args[2]);
            array.fortranOrder = args.length > 3 && "F".equals(text(args[3]));
            return array;
        }

        /** Pickle BUILD: ([version,] shape, dtype, is_fortran, rawdata). */
        public void __setstate__(Object[] state) {
            int at = state.length == 5 ? 1 : 0;
            if (state.length - at != 4) {
                throw new PickleException("numpy array state with " + state.length + " fields");
            }
            shape = shape(state[at]);
            if (!(state[at + 1] instanceof Dtype type)) {
                throw new PickleException("numpy array state without a dtype");
            }
            dtype = type;
            fortranOrder = Boolean.TRUE.equals(state[at + 2]) || Integer.valueOf(1).equals(state[at + 2]);
            if (state[at + 3] instanceof List<?>) {
                throw new PickleException("numpy object arrays are not supported (dtype " + dtype + ")");
            }
            data = bytes(state[at + 3]);
        }

        long elements() {
            long n = 1;
            for (int side : shape) {
                n *= side;
            }
            return n;
        }

        String describe() {
            return "numpy array " + java.util.Arrays.toString(shape) + " of " + dtype
                    + (fortranOrder ? " (Fortran order)" : "");
        }

        /** Integer elements (any integer or unsigned dtype) as longs. */
        long[] integers() {
            char code = dtype.typeCode();
            int size = dtype.itemSize();
            if ((code != 'i' && code != 'u' && code != 'b') || size < 1 || size > 8 || Long.bitCount(size) != 1) {
                throw new PickleException("expected integers, found " + describe());
            }
            if (elements() * size != data.length) {
                throw new PickleException(describe() + " holds " + data.length + " bytes, expected " + elements() * size);
            }
            long[] values = new long[(int) elements()];
            ByteBuffer buffer = ByteBuffer.wrap(data).order(dtype.order());
            for (int i = 0; i < values.length; i++) {
                long v = switch (size) {
                    case 1 -> code == 'u' || code == 'b' ? buffer.get() & 0xFFL : buffer.get();
                    case 2 -> code == 'u' ? buffer.getShort() & 0xFFFFL : buffer.getShort();
                    case 4 -> code == 'u' ? buffer.getInt() & 0xFFFFFFFFL : buffer.getInt();
                    default -> buffer.getLong();
                };
                values[i] = v;
            }
            return values;
        }
    }

    static int[] shape(Object value) {
        if (!(value instanceof Object[] tuple)) {
            throw new PickleException("numpy shape is not a tuple");
        }
        int[] shape = new int[tuple.length];
        for (int i = 0; i < tuple.length; i++) {
            if (!(tuple[i] instanceof Number n) || n.longValue() < 0 || n.longValue() > Integer.MAX_VALUE) {
                throw new PickleException("bad numpy shape entry " + tuple[i]);
            }
            shape[i] = n.intValue();
        }
        return shape;
    }

    static byte[] bytes(Object value) {
        if (value instanceof byte[] raw) {
            return raw;
        }
        if (value instanceof String text) {
            return text.getBytes(StandardCharsets.ISO_8859_1);
        }
        throw new PickleException("expected raw bytes, found " + (value == null ? "None" : value.getClass().getSimpleName()));
    }

    /** A Python str/bytes as text (Python 2 str arrives as String or, when long, byte[]). */
    static String text(Object value) {
        if (value instanceof String text) {
            return text;
        }
        if (value instanceof byte[] raw) {
            return new String(raw, StandardCharsets.UTF_8);
        }
        throw new PickleException("expected a string, found " + (value == null ? "None" : value.getClass().getSimpleName()));
    }

    /** Looks a key up in an unpickled dict whose keys may be str, Python 2 str or bytes. */
    static Object get(Map<?, ?> dict, String key) {
        for (Map.Entry<?, ?> entry : dict.entrySet()) {
            Object k = entry.getKey();
            if ((k instanceof String || k instanceof byte[]) && text(k).equals(key)) {
                return entry.getValue();
            }
        }
        return null;
    }

    static List<String> keys(Map<?, ?> dict) {
        return dict.keySet().stream().map(k -> k instanceof String || k instanceof byte[] ? text(k) : String.valueOf(k))
                .sorted().toList();
    }

    /** An integer sequence: a list/tuple of Python ints or an integer numpy array. */
    static long[] integers(Object value) {
        if (value instanceof NdArray array) {
            return array.integers();
        }
        List<?> items;
        if (value instanceof List<?> list) {
            items = list;
        } else if (value instanceof Object[] tuple) {
            items = List.of(tuple);
        } else {
            throw new PickleException("expected a list of integers, found "
                    + (value == null ? "None" : value.getClass().getSimpleName()));
        }
        long[] values = new long[items.size()];
        for (int i = 0; i < values.length; i++) {
            Object item = items.get(i);
            if (item instanceof Integer || item instanceof Long || item instanceof Short || item instanceof Byte) {
                values[i] = ((Number) item).longValue();
            } else if (item instanceof BigInteger big && big.bitLength() < 63) {
                values[i] = big.longValue();
            } else {
                throw new PickleException("element " + i + " is not an integer: " + item);
            }
        }
        return values;
    }
}

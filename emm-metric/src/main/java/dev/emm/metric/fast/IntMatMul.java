package dev.emm.metric.fast;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import dev.emm.djl.nn.ScriptOps;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exact int8 x int8 -> int32 matrix products through libtorch's {@code aten::_int_mm}, which on a
 * CPU runs oneDNN's integer GEMM (AVX-512 VNNI / AMX where the CPU has them, several times the
 * float32 GEMM rate) and on CUDA cuBLASLt's.
 *
 * <p>DJL exposes no binding for {@code _int_mm}; {@link ScriptOps#module} reaches it as a one-line
 * TorchScript module ({@code return torch._int_mm(a, b)}) that libtorch compiles from source:
 * no Python, no binary resource, no native code of ours. {@link #available(Device)} loads it once
 * per device and checks it against a Java product on random data. Whether the metric uses it is
 * decided by {@link KernelChoice}, which measures it against the float32 product: without int8
 * dot-product instructions it is the slower of the two by far.
 */
public final class IntMatMul {

    private static final System.Logger LOG = System.getLogger(IntMatMul.class.getName());
    private static final Map<Device, IntMatMul> LOADED = new ConcurrentHashMap<>();
    private static final Map<Device, Boolean> AVAILABLE = new ConcurrentHashMap<>();

    private final Device device;
    private final PtSymbolBlock block;

    private IntMatMul(Device device) {
        this.device = device;
        this.block = ScriptOps.module("IntMM", "    a: Tensor,\n    b: Tensor) -> Tensor:\n    return torch._int_mm(a, b)\n",
                device);
    }

    /** The product on {@code device}, loading the module on first use. */
    public static IntMatMul on(Device device) {
        return LOADED.computeIfAbsent(device, IntMatMul::new);
    }

    /**
     * Whether the engine computes exact int8 products on {@code device}: loads the module and
     * compares one product on random data with a Java reference. The answer is cached.
     */
    public static boolean available(Device device) {
        return AVAILABLE.computeIfAbsent(device, d -> {
            try {
                boolean ok = on(d).selfTest();
                if (!ok) {
                    LOG.log(Level.WARNING, "aten::_int_mm on {0} gave wrong products; using float32 GEMM", d);
                }
                return ok;
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "aten::_int_mm is not available on {0} ({1}); using float32 GEMM", d,
                        e.toString());
                return false;
            }
        });
    }

    /**
     * a [m, k] int8 times b [k, n] int8, exact int32 [m, n]; the result belongs to a's manager.
     * Neither input is closed. (cuBLASLt wants m > 16 and k, n multiples of 8 on CUDA.)
     */
    public NDArray multiply(NDArray a, NDArray b) {
        return block.forward(new ParameterStore(a.getManager(), false), new NDList(a, b), false).singletonOrThrow();
    }

    private boolean selfTest() {
        int m = 37;
        int k = 300;
        int n = 29;
        Random random = new Random(20240611);
        byte[] a = new byte[m * k];
        byte[] b = new byte[k * n];
        random.nextBytes(a);
        random.nextBytes(b);
        // the extreme corner: -128 * -128 summed over k
        for (int j = 0; j < k; j++) {
            a[j] = -128;
            b[j * n] = -128;
        }
        int[] product;
        try (NDManager call = NDManager.newBaseManager(device)) {
            NDArray x = call.create(direct(a), new Shape(m, k), DataType.INT8);
            NDArray y = call.create(direct(b), new Shape(k, n), DataType.INT8);
            NDArray z = multiply(x, y);
            if (z.getDataType() != DataType.INT32 || !z.getShape().equals(new Shape(m, n))) {
                return false;
            }
            product = z.toIntArray();
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int sum = 0;
                for (int t = 0; t < k; t++) {
                    sum += a[i * k + t] * b[t * n + j];
                }
                if (sum != product[i * n + j]) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A direct copy of {@code bytes}: DJL's CPU arrays alias direct buffers instead of copying them. */
    static ByteBuffer direct(byte[] bytes) {
        ByteBuffer buffer = ByteBuffer.allocateDirect(bytes.length).order(ByteOrder.nativeOrder());
        buffer.put(bytes).flip();
        return buffer;
    }
}

package dev.emm.djl.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValueUtils;
import ai.djl.pytorch.jni.JniUtils;
import dev.emm.djl.DjlRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * libtorch's fused kernels that DJL has no binding for ({@code silu}, {@code group_norm} with its
 * per-channel affine), reached through TorchScript: each function is a one-method module whose
 * archive (code as source text, a pickled module object, no tensors) is written in memory and
 * loaded with the engine's own loader; libtorch compiles the source. Calls run eagerly under the
 * caller's autograd mode, so gradients flow through them like through any DJL op.
 *
 * <p>One fused kernel replaces DJL's compositions (sigmoid then multiply; layer norm over groups,
 * then multiply and add per channel), which saves elementwise passes over every activation in
 * forward and backward. The compositions live on in the tests, as the oracle the kernels are
 * checked against ({@code ComposedGroupNorm}).
 */
public final class ScriptOps {

    private static final System.Logger LOG = System.getLogger(ScriptOps.class.getName());
    private static final Map<String, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();
    private static final Map<Device, NDManager> MANAGERS = new ConcurrentHashMap<>();

    private ScriptOps() {
    }

    /** silu(x). */
    public static NDArray silu(NDArray x, boolean training) {
        return call("Silu", "x: Tensor", "torch.silu(x)", training, x);
    }

    /** group_norm(x, groups, w, b, eps). */
    public static NDArray groupNorm(NDArray x, NDArray w, NDArray b, int groups, double eps, boolean training) {
        return call("Gn" + groups + "e" + epsKey(eps), "x: Tensor,\n    w: Tensor,\n    b: Tensor",
                "torch.group_norm(x, " + groups + ", w, b, " + literal(eps) + ", True)", training, x, w, b);
    }

    /** silu(group_norm(x, groups, w, b, eps)). */
    public static NDArray groupNormSilu(NDArray x, NDArray w, NDArray b, int groups, double eps, boolean training) {
        return call("GnSilu" + groups + "e" + epsKey(eps), "x: Tensor,\n    w: Tensor,\n    b: Tensor",
                "torch.silu(torch.group_norm(x, " + groups + ", w, b, " + literal(eps) + ", True))", training, x, w, b);
    }

    /** silu(group_norm(x + shift[:, :, None, None], groups, w, b, eps)) for shift [N, C]. */
    public static NDArray shiftGroupNormSilu(NDArray x, NDArray shift, NDArray w, NDArray b, int groups, double eps,
                                             boolean training) {
        return call("ShiftGnSilu" + groups + "e" + epsKey(eps),
                "x: Tensor,\n    shift: Tensor,\n    w: Tensor,\n    b: Tensor",
                "torch.silu(torch.group_norm(torch.add(x, torch.unsqueeze(torch.unsqueeze(shift, 2), 3)), " + groups
                        + ", w, b, " + literal(eps) + ", True))", training, x, shift, w, b);
    }

    private static NDArray call(String name, String params, String expression, boolean training, NDArray... inputs) {
        PtSymbolBlock module = module(name, params, expression, inputs[0].getDevice());
        NDList list = new NDList(inputs.length);
        for (NDArray input : inputs) {
            // IValueUtils routes inputs by array name ("a.b", "[]", "module_method:..."); parameters are
            // named "weight" and "bias", which it passes through as plain tensors.
            list.add(input);
        }
        NDList out = IValueUtils.forward(module, list, training);
        return out.singletonOrThrow();
    }

    private static PtSymbolBlock module(String name, String params, String expression, Device device) {
        return module(name, "    " + params + ") -> Tensor:\n    return " + expression + "\n", device);
    }

    /**
     * A one-method TorchScript module (cached per name and device) whose {@code forward} has the
     * given parameter list (after {@code self}), return annotation and body, as in
     * {@code "    x: Tensor) -> Tensor:\n    return torch.silu(x)\n"}.
     */
    public static PtSymbolBlock module(String name, String signatureAndBody, Device device) {
        String key = name + '|' + device;
        PtSymbolBlock existing = MODULES.get(key);
        if (existing != null) {
            return existing;
        }
        synchronized (MODULES) {
            return MODULES.computeIfAbsent(key, k -> {
                DjlRuntime.engine();
                NDManager manager = MANAGERS.computeIfAbsent(device, NDManager::newBaseManager);
                String code = "class " + name + "(Module):\n"
                        + "  __parameters__ = []\n"
                        + "  __buffers__ = []\n"
                        + "  training : bool\n"
                        + "  def forward(self: __torch__." + name + ",\n"
                        + signatureAndBody;
                try {
                    PtSymbolBlock block = JniUtils.loadModule((PtNDManager) manager,
                            new ByteArrayInputStream(archive(name, code)), false, false);
                    LOG.log(Level.DEBUG, "loaded TorchScript {0} on {1}", name, device);
                    return block;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }

    private static String literal(double value) {
        return String.format(Locale.ROOT, "%.17g", value);
    }

    private static String epsKey(double eps) {
        return Long.toHexString(Double.doubleToLongBits(eps));
    }

    /** A TorchScript archive: code, the pickled module object (state {"training": False}), constants, version. */
    static byte[] archive(String className, String code) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String root = className.toLowerCase(Locale.ROOT);
        try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
            entry(zip, root + "/code/__torch__.py", code.getBytes(StandardCharsets.UTF_8));
            entry(zip, root + "/data.pkl", pickledModule(className));
            entry(zip, root + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'});
            entry(zip, root + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Pickle protocol 2: GLOBAL __torch__.Name, EMPTY_TUPLE, NEWOBJ, state dict {"training": False}, BUILD. */
    private static byte[] pickledModule(String className) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x80, 2, 'c'});
        out.writeBytes(("__torch__\n" + className + "\n").getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {'q', 0, ')', (byte) 0x81, '}', '(', 'X', 8, 0, 0, 0});
        out.writeBytes("training".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {'q', 1, (byte) 0x89, 'u', 'b', 'q', 2, '.'});
        return out.toByteArray();
    }

    private static void entry(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }
}

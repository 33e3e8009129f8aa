package dev.emm.djl.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/** Small helpers shared by the blocks: scaling by a natively owned scalar, cached constants. */
public final class Ops {

    private static final Map<Device, NDManager> CONSTANT_MANAGERS = new ConcurrentHashMap<>();
    private static final Map<String, NDArray> CONSTANTS = new ConcurrentHashMap<>();

    private Ops() {
    }

    /** Multiplies by a scalar and closes the input. */
    public static NDArray scaleConsume(NDArray a, double factor) {
        NDArray y = scale(a, factor);
        a.close();
        return y;
    }

    /**
     * {@code a * factor}, safe inside a gradient collector. DJL's {@code mul(Number)} wraps the
     * number in a tensor over a Java direct buffer and closes it at once, but autograd saves that
     * tensor for the backward pass of a product; a garbage collection between forward and backward
     * then frees memory backward still reads. This multiplies by a cached, natively owned scalar.
     */
    public static NDArray scale(NDArray a, double factor) {
        return a.mul(scalar(factor, a));
    }

    /** A natively owned 0-d constant of {@code like}'s device and data type (cached, never closed). */
    public static NDArray scalar(double value, NDArray like) {
        return constant("scalar" + Double.doubleToLongBits(value), like.getDevice(), like.getDataType(),
                m -> m.create(value));
    }

    /**
     * A process-wide constant (never trained, never closed) for the given key, device and data
     * type, created once by {@code factory} in a long-lived manager of that device.
     */
    public static NDArray constant(String key, Device device, DataType dataType, Function<NDManager, NDArray> factory) {
        String fullKey = key + '|' + device + '|' + dataType;
        NDArray existing = CONSTANTS.get(fullKey);
        if (existing != null) {
            return existing;
        }
        synchronized (CONSTANTS) {
            existing = CONSTANTS.get(fullKey);
            if (existing == null) {
                NDManager manager = CONSTANT_MANAGERS.computeIfAbsent(device, NDManager::newBaseManager);
                try (NDArray made = factory.apply(manager)) {
                    existing = ownedCopy(made, dataType);
                }
                CONSTANTS.put(fullKey, existing);
            }
            return existing;
        }
    }

    /**
     * A copy of {@code array} in {@code dataType} with its own native storage. DJL's
     * {@code toType(sameType, copy = true)} returns an alias, and an array made from a Java array
     * wraps a direct buffer that dies with its Java owner, so such an alias must never outlive it.
     */
    public static NDArray ownedCopy(NDArray array, DataType dataType) {
        return array.getDataType() == dataType ? array.duplicate() : array.toType(dataType, true);
    }
}

package dev.emm.djl;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.IValue;
import ai.djl.pytorch.jni.IValueUtils;
import dev.emm.djl.nn.ScriptOps;
import java.util.List;

/**
 * Adam and the EMA as libtorch's multi-tensor ({@code _foreach}) kernels, the implementation
 * {@code torch.optim.Adam} uses by default, through one TorchScript call per step instead of a
 * dozen small ops per parameter. The update is torch's exactly:
 *
 * <pre>
 * grad = nan_to_num(grad, nan=0, posinf=1e5, neginf=-1e5)   (the paper's loop, before every step)
 * g = grad + wd * w                         (when wd != 0: torch.optim.Adam's L2 decay)
 * m = lerp(m, g, 1 - b1);  v = b2 v + (1 - b2) g^2
 * w = w - lr / (1 - b1^t) * m / (sqrt(v) / sqrt(1 - b2^t) + eps)
 * grad = 0
 * ema = lerp(ema, w, 1 - beta)
 * </pre>
 *
 * The tensor lists for the weights, moments and EMA are built once (the tensors are updated in
 * place); only the gradients are collected per step.
 */
final class ForeachOptimizer implements AutoCloseable {

    /** The magnitude an infinite gradient component is replaced by. */
    static final float GRADIENT_LIMIT = 1e5f;

    private static final String ADAM = ""
            + "    params: List[Tensor],\n"
            + "    grads: List[Tensor],\n"
            + "    m: List[Tensor],\n"
            + "    v: List[Tensor],\n"
            + "    hyper: List[float]) -> Tensor:\n"
            + "    lr = hyper[0]\n"
            + "    b1 = hyper[1]\n"
            + "    b2 = hyper[2]\n"
            + "    eps = hyper[3]\n"
            + "    wd = hyper[4]\n"
            + "    bc1 = hyper[5]\n"
            + "    bc2sqrt = hyper[6]\n"
            + "    for grad in grads:\n"
            + "      torch.nan_to_num_(grad, 0., " + (double) GRADIENT_LIMIT + ", " + -(double) GRADIENT_LIMIT + ")\n"
            + "    g = grads\n"
            + "    if wd != 0.:\n"
            + "      g = torch._foreach_add(grads, params, alpha=wd)\n"
            + "    torch._foreach_lerp_(m, g, 1. - b1)\n"
            + "    torch._foreach_mul_(v, b2)\n"
            + "    torch._foreach_addcmul_(v, g, g, 1. - b2)\n"
            + "    denom = torch._foreach_sqrt(v)\n"
            + "    torch._foreach_div_(denom, bc2sqrt)\n"
            + "    torch._foreach_add_(denom, eps)\n"
            + "    torch._foreach_addcdiv_(params, m, denom, 0. - lr / bc1)\n"
            + "    torch._foreach_zero_(grads)\n"
            + "    return params[0]\n";

    private static final String EMA = ""
            + "    ema: List[Tensor],\n"
            + "    params: List[Tensor],\n"
            + "    hyper: List[float]) -> Tensor:\n"
            + "    torch._foreach_lerp_(ema, params, 1. - hyper[0])\n"
            + "    return ema[0]\n";

    private final PtSymbolBlock adam;
    private final PtSymbolBlock emaModule;
    private final IValue params;
    private final IValue mean;
    private final IValue variance;
    private final IValue ema;

    /** The optimiser of {@code params}, with their moments and (unless null) their EMA, on {@code device}. */
    ForeachOptimizer(Device device, List<NDArray> params, List<NDArray> mean, List<NDArray> variance,
                     List<NDArray> ema) {
        this.adam = ScriptOps.module("AdamForeach", ADAM, device);
        this.emaModule = ema == null ? null : ScriptOps.module("EmaForeach", EMA, device);
        this.params = list(params);
        this.mean = list(mean);
        this.variance = list(variance);
        this.ema = ema == null ? null : list(ema);
    }

    /** One Adam step over every parameter; gradients are zeroed afterwards. */
    void adam(List<NDArray> grads, double lr, double beta1, double beta2, double eps, double weightDecay, long t) {
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2sqrt = Math.sqrt(1 - Math.pow(beta2, t));
        try (IValue g = list(grads);
             IValue hyper = IValue.listFrom(lr, beta1, beta2, eps, weightDecay, bc1, bc2sqrt);
             IValue result = IValueUtils.runMethod(adam, "forward", params, g, mean, variance, hyper)) {
            // result: a reference to the first parameter, released with the IValue
        }
    }

    /** ema = lerp(ema, w, 1 - beta) over every parameter. */
    void ema(double beta) {
        try (IValue hyper = IValue.listFrom(beta);
             IValue result = IValueUtils.runMethod(emaModule, "forward", ema, params, hyper)) {
            // in place
        }
    }

    private static IValue list(List<NDArray> arrays) {
        return IValue.listFrom(arrays.stream().map(a -> (PtNDArray) a).toArray(PtNDArray[]::new));
    }

    @Override
    public void close() {
        params.close();
        mean.close();
        variance.close();
        if (ema != null) {
            ema.close();
        }
    }
}

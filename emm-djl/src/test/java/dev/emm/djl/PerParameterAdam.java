package dev.emm.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import java.util.List;

/**
 * Adam and the EMA one parameter at a time with DJL's own ops, as torch.optim.Adam (foreach=False)
 * defines them: the oracle {@link ForeachOptimizer}'s multi-tensor kernels are checked against.
 * Gradients are sanitised in place first, as the paper's loop does.
 */
final class PerParameterAdam {

    private PerParameterAdam() {
    }

    /** nan_to_num(g, nan=0, posinf=1e5, neginf=-1e5) in place. */
    static void sanitize(NDArray g) {
        try (NDArray nan = g.isNaN()) {
            g.set(nan, 0f);
        }
        try (NDArray posInf = g.eq(Float.POSITIVE_INFINITY)) {
            g.set(posInf, ForeachOptimizer.GRADIENT_LIMIT);
        }
        try (NDArray negInf = g.eq(Float.NEGATIVE_INFINITY)) {
            g.set(negInf, -ForeachOptimizer.GRADIENT_LIMIT);
        }
    }

    /** Adam step {@code t} (from 1) of every weight with its gradient and moments, all updated in place. */
    static void adam(List<NDArray> weights, List<NDArray> grads, List<NDArray> mean, List<NDArray> variance, double lr,
                     double beta1, double beta2, double eps, double weightDecay, long t) {
        double bc1 = 1 - Math.pow(beta1, t);
        double bc2 = 1 - Math.pow(beta2, t);
        // DJL's fused update is w -= lr' m / (sqrt(v) + eps'); with lr' = lr sqrt(bc2) / bc1 and
        // eps' = eps sqrt(bc2) it equals torch.optim.Adam: w -= lr/bc1 * m / (sqrt(v)/sqrt(bc2) + eps).
        float lrCorrected = (float) (lr * Math.sqrt(bc2) / bc1);
        float epsCorrected = (float) (eps * Math.sqrt(bc2));
        for (int i = 0; i < weights.size(); i++) {
            NDArray w = weights.get(i);
            NDArray g = grads.get(i);
            sanitize(g);
            w.getNDArrayInternal().adamUpdate(new NDList(w, g, mean.get(i), variance.get(i)), new NDList(w),
                    (float) lr, lrCorrected, (float) weightDecay, 1f, -1f, (float) beta1, (float) beta2, epsCorrected,
                    true, false);
        }
    }

    /** ema = lerp(w, ema, beta) = beta ema + (1 - beta) w, in place. */
    static void ema(List<NDArray> ema, List<NDArray> weights, double beta) {
        for (int i = 0; i < ema.size(); i++) {
            NDArray e = ema.get(i);
            e.muli((float) beta);
            try (NDArray part = weights.get(i).mul((float) (1 - beta))) {
                e.addi(part);
            }
        }
    }
}

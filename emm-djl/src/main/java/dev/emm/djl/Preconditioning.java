package dev.emm.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.emm.core.spec.PreconditioningType;

/**
 * EDM's preconditioning D(x; sigma) = c_skip x + c_out F(c_in x; c_noise) and the matching training
 * loss E[ w(sigma) |D(y + n; sigma) - y|^2 ], n ~ N(0, sigma^2), as in EDM's networks.py
 * (VPPrecond, VEPrecond, EDMPrecond) and loss.py (VPLoss, VELoss, EDMLoss) with their defaults.
 *
 * <ul>
 * <li>VP: c_skip 1, c_out -sigma, c_in 1/sqrt(sigma^2+1), c_noise (M-1) sigma^-1(sigma), M = 1000;
 *     sigma = sigma(t), t ~ U(eps_t, 1), sigma(t) = sqrt(exp(beta_d t^2/2 + beta_min t) - 1),
 *     beta_d 19.9, beta_min 0.1, eps_t 1e-5; weight 1/sigma^2.
 * <li>VE: c_skip 1, c_out sigma, c_in 1, c_noise log(sigma/2); sigma = 0.02 (100/0.02)^u, u ~ U(0, 1);
 *     weight 1/sigma^2.
 * <li>EDM: sigma_data 0.5; c_skip sd^2/(s^2+sd^2), c_out s sd/sqrt(s^2+sd^2), c_in 1/sqrt(sd^2+s^2),
 *     c_noise log(s)/4; ln sigma ~ N(-1.2, 1.2^2); weight (s^2+sd^2)/(s sd)^2.
 * </ul>
 *
 * <p>The array forms take sigma [N, 1, 1, 1] and return [N, 1, 1, 1] (c_noise: [N]); c_skip and c_in
 * are arrays of ones where EDM's are the constant 1, so that D needs no special cases. They close
 * nothing: these coefficients are small, so they and their intermediates live in sigma's manager
 * until the caller closes it (TrainingRun's per-step sub-manager, NetworkDenoiser's per-call one).
 */
public enum Preconditioning {
    VP, VE, EDM;

    public static final double VP_BETA_D = 19.9;
    public static final double VP_BETA_MIN = 0.1;
    public static final double VP_M = 1000;
    public static final double VP_EPSILON_T = 1e-5;
    public static final double VE_SIGMA_MIN = 0.02;
    public static final double VE_SIGMA_MAX = 100;
    public static final double EDM_P_MEAN = -1.2;
    public static final double EDM_P_STD = 1.2;
    public static final double SIGMA_DATA = 0.5;

    /** The preconditioning a spec names. */
    public static Preconditioning of(PreconditioningType type) {
        return switch (type) {
            case VP -> VP;
            case VE -> VE;
            case EDM -> EDM;
        };
    }

    /**
     * The lowest noise level a network with this preconditioning supports, EDM's {@code sigma_min}:
     * VP sigma(eps_t) (about 0.001, computed in float32 as EDM does), VE 0.02, EDM 0.
     */
    public double sigmaMin() {
        return switch (this) {
            case VP -> vpSigmaFloat32(VP_EPSILON_T);
            case VE -> VE_SIGMA_MIN;
            case EDM -> 0;
        };
    }

    /** The highest supported noise level, EDM's {@code sigma_max}: VP sigma(1) (about 152), VE 100, EDM inf. */
    public double sigmaMax() {
        return switch (this) {
            case VP -> vpSigmaFloat32(1);
            case VE -> VE_SIGMA_MAX;
            case EDM -> Double.POSITIVE_INFINITY;
        };
    }

    /** VPPrecond.sigma(t) on a float32 tensor: ((0.5 beta_d t^2 + beta_min t).exp() - 1).sqrt(). */
    private static double vpSigmaFloat32(double t) {
        float t32 = (float) t;
        float exponent = (float) (0.5 * VP_BETA_D) * (t32 * t32) + (float) VP_BETA_MIN * t32;
        float grown = (float) Math.exp(exponent) - 1f;
        return (float) Math.sqrt(grown);
    }

    /**
     * Draws per-sample noise levels [n, 1, 1, 1] from the engine's random generator: uniform for VP
     * and VE, normal for EDM, exactly as EDM's loss classes do.
     */
    public NDArray sampleSigma(NDManager manager, int n, DataType dataType) {
        Shape shape = new Shape(n, 1, 1, 1);
        return sigmaOfDraw(this == EDM ? manager.randomNormal(0, 1, shape, dataType)
                : manager.randomUniform(0, 1, shape, dataType));
    }

    /** sigma as a function of the uniform (VP, VE) or standard normal (EDM) draw the loss makes. */
    public NDArray sigmaOfDraw(NDArray draw) {
        return switch (this) {
            case VP -> vpSigma(draw.mul(VP_EPSILON_T - 1).add(1));
            case VE -> draw.mul(Math.log(VE_SIGMA_MAX / VE_SIGMA_MIN)).exp().mul(VE_SIGMA_MIN);
            case EDM -> draw.mul(EDM_P_STD).add(EDM_P_MEAN).exp();
        };
    }

    /** VPPrecond.sigma(t) = sqrt(exp(0.5 beta_d t^2 + beta_min t) - 1). */
    private static NDArray vpSigma(NDArray t) {
        return t.square().mul(0.5 * VP_BETA_D).add(t.mul(VP_BETA_MIN)).exp().sub(1).sqrt();
    }

    /** The loss weight lambda(sigma). */
    public NDArray weight(NDArray sigma) {
        NDArray s2 = sigma.square();
        return this == EDM ? s2.add(SIGMA_DATA * SIGMA_DATA).div(s2.mul(SIGMA_DATA * SIGMA_DATA)) : s2.pow(-1);
    }

    public NDArray cSkip(NDArray sigma) {
        return this == EDM ? sigma.square().add(SIGMA_DATA * SIGMA_DATA).pow(-1).mul(SIGMA_DATA * SIGMA_DATA)
                : sigma.onesLike();
    }

    /** c_out; for VE, sigma itself. */
    public NDArray cOut(NDArray sigma) {
        return switch (this) {
            case VP -> sigma.neg();
            case VE -> sigma;
            case EDM -> sigma.mul(SIGMA_DATA).div(sigma.square().add(SIGMA_DATA * SIGMA_DATA).sqrt());
        };
    }

    public NDArray cIn(NDArray sigma) {
        double shift = this == VP ? 1.0 : SIGMA_DATA * SIGMA_DATA;
        return this == VE ? sigma.onesLike() : sigma.square().add(shift).pow(-0.5);
    }

    /** c_noise as a flat [N] array. */
    public NDArray cNoise(NDArray sigma) {
        NDArray flat = sigma.reshape(sigma.getShape().get(0));
        return switch (this) {
            // (M - 1) sigma^-1(sigma) = (M - 1) (sqrt(beta_min^2 + 2 beta_d log(1 + sigma^2)) - beta_min) / beta_d
            case VP -> flat.square().add(1).log().mul(2 * VP_BETA_D).add(VP_BETA_MIN * VP_BETA_MIN).sqrt()
                    .sub(VP_BETA_MIN).mul((VP_M - 1) / VP_BETA_D);
            case VE -> flat.mul(0.5).log();
            case EDM -> flat.log().mul(0.25);
        };
    }
}

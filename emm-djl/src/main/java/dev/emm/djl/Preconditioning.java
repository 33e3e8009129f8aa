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

    // ---- scalar forms (reference and tests) ----

    public double cSkip(double sigma) {
        return this == EDM ? SIGMA_DATA * SIGMA_DATA / (sigma * sigma + SIGMA_DATA * SIGMA_DATA) : 1.0;
    }

    public double cOut(double sigma) {
        return switch (this) {
            case VP -> -sigma;
            case VE -> sigma;
            case EDM -> sigma * SIGMA_DATA / Math.sqrt(sigma * sigma + SIGMA_DATA * SIGMA_DATA);
        };
    }

    public double cIn(double sigma) {
        return switch (this) {
            case VP -> 1 / Math.sqrt(sigma * sigma + 1);
            case VE -> 1.0;
            case EDM -> 1 / Math.sqrt(SIGMA_DATA * SIGMA_DATA + sigma * sigma);
        };
    }

    public double cNoise(double sigma) {
        return switch (this) {
            case VP -> (VP_M - 1) * vpSigmaInverse(sigma);
            case VE -> Math.log(0.5 * sigma);
            case EDM -> Math.log(sigma) / 4;
        };
    }

    /** Loss weight lambda(sigma). */
    public double weight(double sigma) {
        return this == EDM
                ? (sigma * sigma + SIGMA_DATA * SIGMA_DATA) / ((sigma * SIGMA_DATA) * (sigma * SIGMA_DATA))
                : 1 / (sigma * sigma);
    }

    /** sigma as a function of the uniform (VP, VE) or standard normal (EDM) draw the loss uses. */
    public double sigmaFromDraw(double draw) {
        return switch (this) {
            case VP -> vpSigma(1 + draw * (VP_EPSILON_T - 1));
            case VE -> VE_SIGMA_MIN * Math.pow(VE_SIGMA_MAX / VE_SIGMA_MIN, draw);
            case EDM -> Math.exp(draw * EDM_P_STD + EDM_P_MEAN);
        };
    }

    public static double vpSigma(double t) {
        return Math.sqrt(Math.exp(0.5 * VP_BETA_D * t * t + VP_BETA_MIN * t) - 1);
    }

    public static double vpSigmaInverse(double sigma) {
        return (Math.sqrt(VP_BETA_MIN * VP_BETA_MIN + 2 * VP_BETA_D * Math.log(1 + sigma * sigma)) - VP_BETA_MIN)
                / VP_BETA_D;
    }

    // ---- array forms (training and inference) ----

    /**
     * Draws per-sample noise levels [n, 1, 1, 1] from the engine's random generator: uniform for VP
     * and VE, normal for EDM, exactly as EDM's loss classes do.
     */
    public NDArray sampleSigma(NDManager manager, int n, DataType dataType) {
        Shape shape = new Shape(n, 1, 1, 1);
        if (this == EDM) {
            NDArray draw = manager.randomNormal(0, 1, shape, dataType);
            NDArray logSigma = draw.mul(EDM_P_STD);
            draw.close();
            logSigma.addi(EDM_P_MEAN);
            NDArray sigma = logSigma.exp();
            logSigma.close();
            return sigma;
        }
        NDArray u = manager.randomUniform(0, 1, shape, dataType);
        NDArray sigma;
        if (this == VP) {
            NDArray t = u.mul(VP_EPSILON_T - 1);
            t.addi(1);
            // exp(0.5 beta_d t^2 + beta_min t) - 1, square root
            NDArray t2 = t.square();
            NDArray a = t2.mul(0.5 * VP_BETA_D);
            t2.close();
            NDArray b = t.mul(VP_BETA_MIN);
            t.close();
            a.addi(b);
            b.close();
            NDArray e = a.exp();
            a.close();
            e.subi(1);
            sigma = e.sqrt();
            e.close();
        } else {
            NDArray p = u.mul(Math.log(VE_SIGMA_MAX / VE_SIGMA_MIN));
            sigma = p.exp();
            p.close();
            sigma.muli(VE_SIGMA_MIN);
        }
        u.close();
        return sigma;
    }

    /** lambda(sigma) for sigma [n, 1, 1, 1]. */
    public NDArray weight(NDArray sigma) {
        NDArray s2 = sigma.square();
        NDArray w;
        if (this == EDM) {
            NDArray num = s2.add(SIGMA_DATA * SIGMA_DATA);
            NDArray den = s2.mul(SIGMA_DATA * SIGMA_DATA);
            w = num.div(den);
            num.close();
            den.close();
        } else {
            w = s2.pow(-1);
        }
        s2.close();
        return w;
    }

    /** c_skip for sigma [n, 1, 1, 1], or null when it is the constant 1 (VP, VE). */
    public NDArray cSkip(NDArray sigma) {
        if (this != EDM) {
            return null;
        }
        NDArray s2 = sigma.square();
        s2.addi(SIGMA_DATA * SIGMA_DATA);
        NDArray c = s2.pow(-1);
        s2.close();
        c.muli(SIGMA_DATA * SIGMA_DATA);
        return c;
    }

    public NDArray cOut(NDArray sigma) {
        switch (this) {
            case VP:
                return sigma.neg();
            case VE:
                return sigma.duplicate();
            default:
                NDArray s2 = sigma.square();
                s2.addi(SIGMA_DATA * SIGMA_DATA);
                NDArray root = s2.sqrt();
                s2.close();
                NDArray num = sigma.mul(SIGMA_DATA);
                NDArray c = num.div(root);
                num.close();
                root.close();
                return c;
        }
    }

    /** c_in for sigma [n, 1, 1, 1], or null when it is the constant 1 (VE). */
    public NDArray cIn(NDArray sigma) {
        if (this == VE) {
            return null;
        }
        NDArray s2 = sigma.square();
        s2.addi(this == VP ? 1.0 : SIGMA_DATA * SIGMA_DATA);
        NDArray c = s2.pow(-0.5);
        s2.close();
        return c;
    }

    /** c_noise as a flat [n] array, for sigma [n, 1, 1, 1]. */
    public NDArray cNoise(NDArray sigma) {
        long n = sigma.getShape().get(0);
        NDArray flat = sigma.reshape(n);
        NDArray c;
        switch (this) {
            case VP: {
                // (M - 1) * (sqrt(beta_min^2 + 2 beta_d log(1 + sigma^2)) - beta_min) / beta_d
                NDArray s2 = flat.square();
                s2.addi(1);
                NDArray l = s2.log();
                s2.close();
                l.muli(2 * VP_BETA_D);
                l.addi(VP_BETA_MIN * VP_BETA_MIN);
                NDArray r = l.sqrt();
                l.close();
                r.subi(VP_BETA_MIN);
                r.muli((VP_M - 1) / VP_BETA_D);
                c = r;
                break;
            }
            case VE: {
                NDArray h = flat.mul(0.5);
                c = h.log();
                h.close();
                break;
            }
            default: {
                NDArray l = flat.log();
                l.muli(0.25);
                c = l;
            }
        }
        flat.close();
        return c;
    }
}

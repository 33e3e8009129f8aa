package dev.emm.djl;

import static dev.emm.djl.Preconditioning.EDM;
import static dev.emm.djl.Preconditioning.EDM_P_MEAN;
import static dev.emm.djl.Preconditioning.EDM_P_STD;
import static dev.emm.djl.Preconditioning.SIGMA_DATA;
import static dev.emm.djl.Preconditioning.VE_SIGMA_MAX;
import static dev.emm.djl.Preconditioning.VE_SIGMA_MIN;
import static dev.emm.djl.Preconditioning.VP_BETA_D;
import static dev.emm.djl.Preconditioning.VP_BETA_MIN;
import static dev.emm.djl.Preconditioning.VP_EPSILON_T;
import static dev.emm.djl.Preconditioning.VP_M;

/**
 * EDM's preconditioning and loss formulas in double precision, one sigma at a time: the oracle
 * {@link Preconditioning}'s array forms are checked against.
 */
final class PreconditioningFormulas {

    private PreconditioningFormulas() {
    }

    static double cSkip(Preconditioning p, double sigma) {
        return p == EDM ? SIGMA_DATA * SIGMA_DATA / (sigma * sigma + SIGMA_DATA * SIGMA_DATA) : 1.0;
    }

    static double cOut(Preconditioning p, double sigma) {
        return switch (p) {
            case VP -> -sigma;
            case VE -> sigma;
            case EDM -> sigma * SIGMA_DATA / Math.sqrt(sigma * sigma + SIGMA_DATA * SIGMA_DATA);
        };
    }

    static double cIn(Preconditioning p, double sigma) {
        return switch (p) {
            case VP -> 1 / Math.sqrt(sigma * sigma + 1);
            case VE -> 1.0;
            case EDM -> 1 / Math.sqrt(SIGMA_DATA * SIGMA_DATA + sigma * sigma);
        };
    }

    static double cNoise(Preconditioning p, double sigma) {
        return switch (p) {
            case VP -> (VP_M - 1) * vpSigmaInverse(sigma);
            case VE -> Math.log(0.5 * sigma);
            case EDM -> Math.log(sigma) / 4;
        };
    }

    /** The loss weight lambda(sigma). */
    static double weight(Preconditioning p, double sigma) {
        return p == EDM
                ? (sigma * sigma + SIGMA_DATA * SIGMA_DATA) / ((sigma * SIGMA_DATA) * (sigma * SIGMA_DATA))
                : 1 / (sigma * sigma);
    }

    /** sigma as a function of the uniform (VP, VE) or standard normal (EDM) draw the loss uses. */
    static double sigmaOfDraw(Preconditioning p, double draw) {
        return switch (p) {
            case VP -> vpSigma(1 + draw * (VP_EPSILON_T - 1));
            case VE -> VE_SIGMA_MIN * Math.pow(VE_SIGMA_MAX / VE_SIGMA_MIN, draw);
            case EDM -> Math.exp(draw * EDM_P_STD + EDM_P_MEAN);
        };
    }

    static double vpSigma(double t) {
        return Math.sqrt(Math.exp(0.5 * VP_BETA_D * t * t + VP_BETA_MIN * t) - 1);
    }

    static double vpSigmaInverse(double sigma) {
        return (Math.sqrt(VP_BETA_MIN * VP_BETA_MIN + 2 * VP_BETA_D * Math.log(1 + sigma * sigma)) - VP_BETA_MIN)
                / VP_BETA_D;
    }
}

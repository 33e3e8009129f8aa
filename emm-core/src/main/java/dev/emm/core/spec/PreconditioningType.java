package dev.emm.core.spec;

import com.fasterxml.jackson.annotation.JsonValue;

/**
 * {@code training.preconditioning}: which of EDM's preconditionings and losses a network trains with
 * (VPPrecond/VPLoss, VEPrecond/VELoss, EDMPrecond/EDMLoss).
 */
public enum PreconditioningType {
    VP("vp"),
    VE("ve"),
    EDM("edm");

    private final String jsonName;

    PreconditioningType(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The name a spec gives it; JSON reads and writes the constant by this name. */
    @JsonValue
    @Override
    public String toString() {
        return jsonName;
    }
}

package dev.emm.core.spec;

/** Intra-class diversity: a share {@code alpha} of every class comes from a second dataset. */
public record MixSpec(String dataset, Double alpha) {
}

package dev.emm.core.search;

/** The measured memorization ratio of one training-set size, with its 95% Wilson interval. */
public record SizePoint(int size, double ratio, double ciLow, double ciHigh) {
}

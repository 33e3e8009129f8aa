package dev.emm.core.report;

/**
 * Maps data values onto one axis of a chart, linearly or on a log scale; the range may run
 * backwards (an SVG y axis grows downwards).
 */
record Scale(double domainLow, double domainHigh, double rangeLow, double rangeHigh, boolean log) {

    Scale {
        if (!(domainHigh > domainLow) || (log && domainLow <= 0)) {
            throw new IllegalArgumentException("no " + (log ? "log " : "") + "scale over [" + domainLow + ", "
                    + domainHigh + "]");
        }
    }

    static Scale linear(double domainLow, double domainHigh, double rangeLow, double rangeHigh) {
        return new Scale(domainLow, domainHigh, rangeLow, rangeHigh, false);
    }

    static Scale logarithmic(double domainLow, double domainHigh, double rangeLow, double rangeHigh) {
        return new Scale(domainLow, domainHigh, rangeLow, rangeHigh, true);
    }

    double at(double value) {
        double share = log ? Math.log(value / domainLow) / Math.log(domainHigh / domainLow)
                : (value - domainLow) / (domainHigh - domainLow);
        return rangeLow + share * (rangeHigh - rangeLow);
    }
}

package dev.emm.core.report;

import dev.emm.core.data.ImageSet;
import dev.emm.core.metric.NeighbourDistances;

/**
 * Generated samples of one snapshot, each beside its nearest and second-nearest training image
 * with d1, d2 and d1/d2; memorized samples (d1/d2 < 1/3) are marked. distances.bin names only the
 * nearest training image, so the second-nearest one of each shown sample is found here by an
 * exact scan of the training subset; its distance is the stored d2.
 */
final class SampleGrid {

    /** Samples shown per run: the first ones, in seed order, memorized or not. */
    static final int SHOWN = 16;

    private SampleGrid() {
    }

    static String html(String id, ImageSet samples, ImageSet training, NeighbourDistances distances) {
        int shown = Math.min(SHOWN, distances.size());
        int memorizedShown = 0;
        StringBuilder cells = new StringBuilder();
        for (int i = 0; i < shown; i++) {
            int nearest = distances.nearestIndex()[i];
            int second = secondNearest(samples.image(i), training, nearest, distances.secondSquared()[i]);
            boolean memorized = distances.memorized(i);
            memorizedShown += memorized ? 1 : 0;
            double d1 = Math.sqrt(distances.nearestSquared()[i]);
            double d2 = Math.sqrt(distances.secondSquared()[i]);
            cells.append("<figure class=\"pair").append(memorized ? " memorized" : "").append("\" data-sample=\"")
                    .append(i).append("\" data-nearest=\"").append(nearest).append("\" data-second=\"").append(second)
                    .append("\">");
            cells.append(image(samples, i, "sample " + i)).append(image(training, nearest, "nearest: training image " + nearest))
                    .append(image(training, second, "second nearest: training image " + second));
            cells.append("<figcaption>#").append(i).append(memorized ? " <b>memorized</b>" : "").append("<br>d1 ")
                    .append(Svg.num(d1)).append(", d2 ").append(Svg.num(d2)).append("<br>d1/d2 ")
                    .append(Svg.ratio(distances.ratio(i))).append("</figcaption></figure>\n");
        }
        return "<div id=\"" + Svg.escape(id) + "\" class=\"grid\" data-shown=\"" + shown + "\" data-memorized-shown=\""
                + memorizedShown + "\" data-memorized=\"" + distances.memorizedCount() + "\" data-samples=\""
                + distances.size() + "\">\n" + cells + "</div>\n";
    }

    private static String image(ImageSet images, int index, String title) {
        return "<img src=\"" + PngImages.dataUri(images, index) + "\" alt=\"" + Svg.escape(title) + "\" title=\""
                + Svg.escape(title) + "\">";
    }

    /**
     * The closest training image other than {@code nearest} (exact squared L2 in uint8 space), the
     * first of equals. The metric stored its distance, {@code secondSquared}, so the scan ends at the
     * first image that far away: no earlier one can be closer.
     */
    static int secondNearest(byte[] sample, ImageSet training, int nearest, long secondSquared) {
        int best = -1;
        long bestDistance = Long.MAX_VALUE;
        for (int t = 0; t < training.size(); t++) {
            if (t == nearest) {
                continue;
            }
            byte[] candidate = training.image(t);
            long distance = 0;
            for (int p = 0; p < sample.length; p++) {
                int difference = (sample[p] & 0xFF) - (candidate[p] & 0xFF);
                distance += (long) difference * difference;
            }
            if (distance == secondSquared) {
                return t;
            }
            if (distance < bestDistance) {
                bestDistance = distance;
                best = t;
            }
        }
        return best;
    }
}

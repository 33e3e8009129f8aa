package dev.emm.core.data;

import dev.emm.core.data.IntraClassMix.ClassMapping;
import dev.emm.core.spec.DataSpec;
import dev.emm.core.spec.ExperimentSpec;
import dev.emm.core.spec.MixSpec;
import dev.emm.core.spec.SpecViolation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Whether the registered datasets can supply every subset an experiment may train on, decided
 * from their manifests alone (no pixels are read), before anything trains. It applies the same
 * rules as {@link TrainingSubset#materialize} and {@link Resampling#toResolution}: the selected
 * classes ({@link ClassSelection}), class c needing ceil((|D| - c) / C) images at the largest size
 * {@code search.maxSize} (subsets are nested, so the largest one suffices), with a mix's share
 * {@link IntraClassMix#secondaryCount} taken from the second dataset; power-of-two zero padding then
 * downsampling, never upsampling (a centre-cropped mix source is resized to any resolution). It is
 * slightly stricter than materializing: with alpha > 0
 * the second dataset's shape and classes must fit even when the rounding takes no image from it
 * at {@code search.maxSize}.
 */
public final class SubsetFeasibility {

    /** How many short classes a message lists before it says "and N more". */
    private static final int LISTED = 5;

    private SubsetFeasibility() {
    }

    /**
     * @param spec      a validated spec (defaults applied)
     * @param primary   the manifest of {@code data.dataset}, empty when it is not registered
     * @param secondary the manifest of {@code data.mix.dataset}, empty when it is not registered or
     *                  the spec has no mix
     * @return every problem, each naming its field; empty when the datasets can supply the search
     */
    public static List<SpecViolation> check(ExperimentSpec spec, Optional<DatasetManifest> primary,
            Optional<DatasetManifest> secondary) {
        DataSpec data = spec.data();
        MixSpec mix = data.mix();
        int maxSize = spec.search().maxSize();
        List<SpecViolation> violations = new ArrayList<>();
        if (primary.isEmpty()) {
            violations.add(new SpecViolation("data.dataset", "no dataset named '" + data.dataset()
                    + "' is registered (import it first: emm dataset import FILE --name " + data.dataset() + ")"));
        }
        if (mix != null && secondary.isEmpty()) {
            violations.add(new SpecViolation("data.mix.dataset", "no dataset named '" + mix.dataset()
                    + "' is registered (import it first: emm dataset import FILE --name " + mix.dataset() + ")"));
        }
        if (primary.isEmpty()) {
            return violations;
        }
        DatasetManifest first = primary.get();
        int[] selected;
        try {
            selected = ClassSelection.resolve(data, first.classNames(), first.classCount());
        } catch (IllegalArgumentException e) {
            String field = data.selectClasses() == null ? "data.classes" : "data.selectClasses";
            violations.add(new SpecViolation(field, e.getMessage().replaceFirst("^" + field + " ", "")));
            return violations;
        }
        int classes = selected.length;
        resolutionProblem(first, data.resolution()).ifPresent(problem ->
                violations.add(new SpecViolation("data.resolution", problem)));

        int[] wanted = TrainingSubset.perClassCounts(maxSize, classes);
        int[] fromSecondary = new int[classes];
        boolean mixing = mix != null && secondary.isPresent() && mix.alpha() != null && mix.alpha() > 0;
        if (mix != null && mix.alpha() != null) {
            for (int c = 0; c < classes; c++) {
                fromSecondary[c] = IntraClassMix.secondaryCount(wanted[c], mix.alpha());
            }
        }
        List<String> primaryShort = new ArrayList<>();
        int primaryShortCount = 0;
        for (int c = 0; c < classes; c++) {
            int need = wanted[c] - fromSecondary[c];
            int have = first.countPerClass().get(selected[c]);
            if (have < need) {
                if (primaryShortCount++ < LISTED) {
                    primaryShort.add(describe(first, selected[c]) + " has " + have + ", needs " + need + " (" + (need - have)
                            + " short)");
                }
            }
        }
        if (primaryShortCount > 0) {
            violations.add(new SpecViolation("search.maxSize", "dataset '" + first.name() + "' cannot supply a "
                    + "class-balanced subset of " + maxSize + " images in " + classes + " classes"
                    + (mixing ? " with " + share(mix) + " from '" + mix.dataset() + "'" : "") + ": "
                    + listing(primaryShort, primaryShortCount) + "; the largest size it can supply is "
                    + largestFeasible(spec, selected, first, null)));
        }
        if (!mixing) {
            return violations;
        }
        DatasetManifest second = secondary.get();
        if (second.channels() != first.channels()) {
            violations.add(new SpecViolation("data.mix.dataset", "dataset '" + second.name() + "' has "
                    + second.channels() + " channel(s) but '" + first.name() + "' has " + first.channels()
                    + "; a mix needs both the same"));
        }
        if (!mix.cropsToCenter()) {
            resolutionProblem(second, data.resolution()).ifPresent(problem ->
                    violations.add(new SpecViolation("data.mix.dataset", problem + " (data.mix.centerCrop resizes"
                            + " any shape)")));
        }
        int[] mapped;
        try {
            mapped = mapClasses(mix, first, second, selected);
        } catch (IllegalArgumentException e) {
            violations.add(new SpecViolation(mix.byName() ? "data.mix.classMap" : "data.mix.dataset", e.getMessage()));
            return violations;
        }
        List<String> secondaryShort = new ArrayList<>();
        int secondaryShortCount = 0;
        for (int c = 0; c < classes; c++) {
            int have = second.countPerClass().get(mapped[c]);
            if (have < fromSecondary[c]) {
                if (secondaryShortCount++ < LISTED) {
                    secondaryShort.add(describe(second, mapped[c]) + " (for " + describe(first, selected[c]) + ") has " + have + ", needs "
                            + fromSecondary[c] + " (" + (fromSecondary[c] - have) + " short)");
                }
            }
        }
        if (secondaryShortCount > 0) {
            violations.add(new SpecViolation("data.mix.alpha", "dataset '" + second.name() + "' cannot supply "
                    + share(mix) + " of a subset of " + maxSize + " images (search.maxSize): "
                    + listing(secondaryShort, secondaryShortCount) + "; the largest size it can supply is "
                    + largestFeasible(spec, selected, first, second)));
        }
        return violations;
    }

    /**
     * Why images of the manifest's shape cannot be brought to {@code resolution}, or empty when
     * they can: an image whose sides are not both powers of two is zero-padded, centred, to a square
     * of the larger side's next power of two; the result must be square and no smaller than the
     * resolution (area downsampling by a power-of-two factor).
     */
    public static Optional<String> resolutionProblem(DatasetManifest manifest, int resolution) {
        int height = nextPowerOfTwo(manifest.height());
        int width = nextPowerOfTwo(manifest.width());
        if (height != manifest.height() || width != manifest.width()) {
            // Resampling pads to a square whose side is the larger power of two.
            height = Math.max(height, width);
            width = height;
        }
        String shape = "dataset '" + manifest.name() + "' has " + manifest.height() + "x" + manifest.width()
                + " images" + (height != manifest.height() || width != manifest.width()
                        ? " (" + height + "x" + width + " after zero padding to a power of two)" : "");
        if (height == resolution && width == resolution) {
            return Optional.empty();
        }
        if (height != width) {
            return Optional.of(shape + "; only square images can be resampled to " + resolution + "x" + resolution);
        }
        if (resolution > height) {
            return Optional.of(shape + "; resolution " + resolution + " would need upsampling, which is not supported"
                    + " (at most " + height + ")");
        }
        return Optional.empty();
    }

    /**
     * The largest |D| up to {@code search.maxSize} that the datasets can supply for this spec (0 when
     * none); with a null {@code secondary}, only the primary's share is counted.
     */
    static int largestFeasible(ExperimentSpec spec, int[] selected, DatasetManifest primary,
            DatasetManifest secondary) {
        int low = 0;
        int high = spec.search().maxSize();
        while (low < high) {
            int mid = low + (high - low + 1) / 2;
            if (supplies(spec, selected, primary, secondary, mid)) {
                low = mid;
            } else {
                high = mid - 1;
            }
        }
        return low;
    }

    private static boolean supplies(ExperimentSpec spec, int[] selected, DatasetManifest primary,
            DatasetManifest secondary, int size) {
        DataSpec data = spec.data();
        MixSpec mix = data.mix();
        int classes = selected.length;
        int[] wanted = TrainingSubset.perClassCounts(size, classes);
        int[] mapped = null;
        if (mix != null && secondary != null && mix.alpha() > 0) {
            try {
                mapped = mapClasses(mix, primary, secondary, selected);
            } catch (IllegalArgumentException e) {
                return false;
            }
        }
        for (int c = 0; c < classes; c++) {
            int k = mix == null ? 0 : IntraClassMix.secondaryCount(wanted[c], mix.alpha());
            if (primary.countPerClass().get(selected[c]) < wanted[c] - k) {
                return false;
            }
            if (k > 0 && secondary != null && (mapped == null || secondary.countPerClass().get(mapped[c]) < k)) {
                return false;
            }
        }
        return true;
    }

    /** The secondary class of each selected primary class; throws naming the problem. */
    private static int[] mapClasses(MixSpec mix, DatasetManifest primary, DatasetManifest secondary, int[] selected) {
        ClassMapping mapping = IntraClassMix.mapping(mix, primary.classNames(), secondary.classNames());
        int[] mapped = new int[selected.length];
        int[] usedBy = new int[secondary.classCount()];
        Arrays.fill(usedBy, -1);
        for (int c = 0; c < selected.length; c++) {
            int s = mapping.secondaryClass(selected[c]);
            if (s < 0 || s >= secondary.classCount()) {
                throw new IllegalArgumentException("dataset '" + secondary.name() + "' has " + secondary.classCount()
                        + " classes, so it has no class " + s + " to stand in for class " + selected[c] + " of '"
                        + primary.name() + "' (classes match by index)");
            }
            if (usedBy[s] >= 0) {
                throw new IllegalArgumentException("classes " + usedBy[s] + " and " + selected[c] + " of '"
                        + primary.name() + "' both map to " + describe(secondary, s));
            }
            usedBy[s] = selected[c];
            mapped[c] = s;
        }
        return mapped;
    }

    private static String describe(DatasetManifest manifest, int c) {
        String name = c < manifest.classNames().size() ? manifest.classNames().get(c) : null;
        return "class " + c + (name == null || name.equals(Integer.toString(c)) ? "" : " '" + name + "'");
    }

    private static String share(MixSpec mix) {
        return "a share alpha = " + mix.alpha();
    }

    private static String listing(List<String> listed, int total) {
        return String.join("; ", listed) + (total > listed.size() ? "; and " + (total - listed.size())
                + " more class(es)" : "");
    }

    private static int nextPowerOfTwo(int n) {
        return Integer.bitCount(n) == 1 ? n : Integer.highestOneBit(n) << 1;
    }
}

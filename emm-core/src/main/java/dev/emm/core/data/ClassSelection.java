package dev.emm.core.data;

import dev.emm.core.spec.ClassRef;
import dev.emm.core.spec.DataSpec;
import java.util.List;

/**
 * Which classes of a dataset a subset draws from: the classes {@code data.selectClasses} names (by
 * index, or by name in the dataset's manifest), in the listed order, or without it the first
 * {@code data.classes}. Class c of the subset is the c-th of them.
 */
public final class ClassSelection {

    private ClassSelection() {
    }

    /**
     * The dataset's class index of each class of the subset.
     *
     * @param classNames the dataset's class names (its manifest's); null when not known, and then
     *                   a class given by name is an error
     * @throws IllegalArgumentException naming {@code data.selectClasses} or {@code data.classes}
     */
    public static int[] resolve(DataSpec data, List<String> classNames, int classCount) {
        List<ClassRef> selected = data.selectClasses();
        if (selected == null) {
            if (data.classes() > classCount) {
                throw new IllegalArgumentException("data.classes is " + data.classes() + " but dataset '"
                        + data.dataset() + "' has " + classCount + " classes");
            }
            int[] first = new int[data.classes()];
            for (int c = 0; c < first.length; c++) {
                first[c] = c;
            }
            return first;
        }
        int[] ids = new int[selected.size()];
        for (int c = 0; c < ids.length; c++) {
            ids[c] = index(selected.get(c), data.dataset(), classNames, classCount);
            for (int earlier = 0; earlier < c; earlier++) {
                if (ids[earlier] == ids[c]) {
                    throw new IllegalArgumentException("data.selectClasses names class " + ids[c] + " of dataset '"
                            + data.dataset() + "' twice (" + selected.get(earlier) + " and " + selected.get(c) + ")");
                }
            }
        }
        return ids;
    }

    private static int index(ClassRef ref, String dataset, List<String> classNames, int classCount) {
        if (ref.id() != null) {
            if (ref.id() < 0 || ref.id() >= classCount) {
                throw new IllegalArgumentException("data.selectClasses asks for class " + ref.id() + " but dataset '"
                        + dataset + "' has classes 0.." + (classCount - 1));
            }
            return ref.id();
        }
        if (classNames == null) {
            throw new IllegalArgumentException("data.selectClasses names class '" + ref.name()
                    + "': resolve it with dataset '" + dataset + "''s class names");
        }
        int index = classNames.indexOf(ref.name());
        if (index < 0) {
            throw new IllegalArgumentException("data.selectClasses names class '" + ref.name() + "' but dataset '"
                    + dataset + "' has no class of that name (its classes: " + classNames + ")");
        }
        return index;
    }
}

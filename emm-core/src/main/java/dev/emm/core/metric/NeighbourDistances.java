package dev.emm.core.metric;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * For every generated sample, the exact squared L2 distances (uint8 pixel space) to its nearest
 * and second-nearest training image, and the index of the nearest. Squared distances are exact
 * integers, so the memorization test d1/d2 < 1/3 is decided exactly as 9 d1^2 < d2^2.
 */
public record NeighbourDistances(long[] nearestSquared, long[] secondSquared, int[] nearestIndex) {

    /** No samples measured yet. */
    public static final NeighbourDistances NONE = new NeighbourDistances(new long[0], new long[0], new int[0]);

    public int size() {
        return nearestSquared.length;
    }

    /** d1/d2 of a sample; 1 when both distances are 0 (a sample equal to two training images). */
    public double ratio(int sample) {
        return secondSquared[sample] == 0 ? 1.0 : Math.sqrt((double) nearestSquared[sample] / secondSquared[sample]);
    }

    public boolean memorized(int sample) {
        return 9 * nearestSquared[sample] < secondSquared[sample];
    }

    public int memorizedCount() {
        int count = 0;
        for (int i = 0; i < size(); i++) {
            if (memorized(i)) {
                count++;
            }
        }
        return count;
    }

    /** The distances of the first {@code count} samples. */
    public NeighbourDistances first(int count) {
        if (count < 0 || count > size()) {
            throw new IllegalArgumentException("first " + count + " of " + size() + " samples");
        }
        return new NeighbourDistances(Arrays.copyOf(nearestSquared, count), Arrays.copyOf(secondSquared, count),
                Arrays.copyOf(nearestIndex, count));
    }

    /** These samples' distances followed by those of {@code more} (later samples of the same snapshot). */
    public NeighbourDistances followedBy(NeighbourDistances more) {
        int total = size() + more.size();
        long[] nearest = Arrays.copyOf(nearestSquared, total);
        long[] second = Arrays.copyOf(secondSquared, total);
        int[] index = Arrays.copyOf(nearestIndex, total);
        System.arraycopy(more.nearestSquared, 0, nearest, size(), more.size());
        System.arraycopy(more.secondSquared, 0, second, size(), more.size());
        System.arraycopy(more.nearestIndex, 0, index, size(), more.size());
        return new NeighbourDistances(nearest, second, index);
    }

    public MemorizationSummary summary() {
        return MemorizationSummary.of(memorizedCount(), size());
    }

    /**
     * The stored form (docs/STORAGE.md, distances v1): big-endian int32 count, then per sample
     * int32 nearest index, int64 d1^2, int64 d2^2.
     */
    public byte[] toBytes() {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream(4 + size() * 20);
        try (DataOutputStream out = new DataOutputStream(buffer)) {
            out.writeInt(size());
            for (int i = 0; i < size(); i++) {
                out.writeInt(nearestIndex[i]);
                out.writeLong(nearestSquared[i]);
                out.writeLong(secondSquared[i]);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return buffer.toByteArray();
    }

    public static NeighbourDistances fromBytes(byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes);
        int count = in.getInt();
        if (bytes.length != 4 + count * 20L) {
            throw new IllegalArgumentException("distances record of " + bytes.length + " bytes cannot hold " + count
                    + " samples");
        }
        long[] nearest = new long[count];
        long[] second = new long[count];
        int[] index = new int[count];
        for (int i = 0; i < count; i++) {
            index[i] = in.getInt();
            nearest[i] = in.getLong();
            second[i] = in.getLong();
        }
        return new NeighbourDistances(nearest, second, index);
    }
}

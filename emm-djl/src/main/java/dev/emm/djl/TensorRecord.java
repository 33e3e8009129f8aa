package dev.emm.djl;

import java.util.List;

/** Name and shape of one stored float32 tensor. */
public record TensorRecord(String name, List<Long> shape) {

    public long size() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }
}

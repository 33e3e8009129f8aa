package dev.emm.djl;

import ai.djl.pytorch.jni.JniUtils;

/**
 * Switches libtorch's grad mode off on the calling thread until closed, then restores it. Grad mode
 * is per thread in libtorch, and DJL switches it off only on the thread that loads the engine; a
 * service loads it at start and trains or samples on a worker thread, where it is on. There every
 * op outside a gradient collector records autograd history: an array kept across steps that takes
 * part in one (the training loss accumulated for progress reports) then holds every step's graph,
 * with the tensors it saved, until the run ends (the trainer's native memory grew by gigabytes per
 * run).
 */
final class GradModeOff implements AutoCloseable {

    private final boolean previous;

    GradModeOff() {
        previous = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
    }

    @Override
    public void close() {
        JniUtils.setGradMode(previous);
    }
}

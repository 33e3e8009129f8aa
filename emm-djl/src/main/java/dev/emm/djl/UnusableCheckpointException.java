package dev.emm.djl;

/**
 * A run's checkpoint that training cannot resume from: its bytes are damaged (bad magic, another
 * version, CRC-32 mismatch, truncated tensors, a header that is no JSON) or it belongs to another model, training procedure
 * or training set. Reading it again gives the same answer, so it is an argument error, kept apart
 * from the others so that the trainer can name the stored object.
 */
public final class UnusableCheckpointException extends IllegalArgumentException {

    public UnusableCheckpointException(String reason, RuntimeException cause) {
        super(reason, cause);
    }
}

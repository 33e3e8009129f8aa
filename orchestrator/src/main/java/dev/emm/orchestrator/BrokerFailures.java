package dev.emm.orchestrator;

import org.apache.kafka.common.errors.RetriableException;

/**
 * Tells a broker that is away (worth waiting for: the next start tries again) from a refusal that
 * no retry changes (a record over the size limit, a state the state machine cannot resume).
 */
final class BrokerFailures {

    private BrokerFailures() {
    }

    static boolean isTransient(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof RetriableException || cause instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** The innermost cause's type and message: the outer layers are the messaging framework's wrappers. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}

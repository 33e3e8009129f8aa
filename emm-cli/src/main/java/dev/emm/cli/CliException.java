package dev.emm.cli;

/** A failure to report to the user as one clear line, without a stack trace. */
public final class CliException extends RuntimeException {

    public CliException(String message) {
        super(message);
    }

    public CliException(String message, Throwable cause) {
        super(message, cause);
    }
}

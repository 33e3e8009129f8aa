package dev.emm.cli;

/** A failure to report to the user as one clear line, without a stack trace. */
final class CliException extends RuntimeException {

    CliException(String message) {
        super(message);
    }

    CliException(String message, Throwable cause) {
        super(message, cause);
    }
}

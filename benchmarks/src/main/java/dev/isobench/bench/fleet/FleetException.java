package dev.isobench.bench.fleet;

/** A fleet run that cannot start or go on: the message names what is wrong and what to do. */
public final class FleetException extends RuntimeException {
    public FleetException(String message) {
        super(message);
    }

    public FleetException(String message, Throwable cause) {
        super(message, cause);
    }
}

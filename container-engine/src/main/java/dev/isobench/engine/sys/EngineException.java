package dev.isobench.engine.sys;

/**
 * The one exception type of the engine. Its message says what failed and what to do about it; the CLI
 * prints it as one line on stderr.
 */
public class EngineException extends RuntimeException {
    public EngineException(String message) {
        super(message);
    }

    public EngineException(String message, Throwable cause) {
        super(message, cause);
    }
}

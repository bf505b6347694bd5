package dev.isobench.report;

/** The reports module's one exception: what could not be read or written, and what to do about it. */
public class ReportException extends RuntimeException {
    public ReportException(String message) {
        super(message);
    }

    public ReportException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.isobench.engine.server;

import java.io.OutputStream;
import java.io.PrintStream;

/**
 * System.out and System.err for a process that serves many calls at once: each call's thread writes to its own
 * client's fds, any other thread to the process's own. Installed once, by the resident engine.
 */
final class PerThreadOutput extends OutputStream {
    private final PrintStream fallback;
    private final ThreadLocal<PrintStream> current = new ThreadLocal<>();

    private PerThreadOutput(PrintStream fallback) {
        this.fallback = fallback;
    }

    static PerThreadOutput[] install() {
        PerThreadOutput out = new PerThreadOutput(System.out);
        PerThreadOutput err = new PerThreadOutput(System.err);
        System.setOut(new PrintStream(out, true));
        System.setErr(new PrintStream(err, true));
        return new PerThreadOutput[] {out, err};
    }

    void set(PrintStream stream) {
        current.set(stream);
    }

    void clear() {
        current.remove();
    }

    private PrintStream target() {
        PrintStream s = current.get();
        return s != null ? s : fallback;
    }

    @Override
    public void write(int b) {
        target().write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        target().write(b, off, len);
    }

    @Override
    public void flush() {
        target().flush();
    }
}

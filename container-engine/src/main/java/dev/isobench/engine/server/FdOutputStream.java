package dev.isobench.engine.server;

import dev.isobench.engine.sys.Native;
import java.io.OutputStream;

/** Writes straight to a file descriptor a client passed in: no buffering, so the order on a terminal is kept. */
final class FdOutputStream extends OutputStream {
    private final int fd;

    FdOutputStream(int fd) {
        this.fd = fd;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        if (len == 0) return;
        byte[] part = off == 0 && len == b.length ? b : java.util.Arrays.copyOfRange(b, off, off + len);
        try {
            Native.writeFully(fd, part);
        } catch (RuntimeException e) {
            // the client's terminal or pipe is gone: what the command prints goes nowhere, as it would for a CLI
        }
    }
}

package dev.isobench.bench.app;

import dev.isobench.engine.files.SafeDelete;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** A run's data directory on the host and a free port: what every session makes first. */
final class RunDirs {
    private RunDirs() {}

    /** A fresh directory under {@code work}, open to the server's user (PostgreSQL runs as nobody). */
    static Path data(Path work, String prefix) {
        try {
            Files.createDirectories(work);
            Path d = Files.createTempDirectory(work, prefix);
            Files.setPosixFilePermissions(d, PosixFilePermissions.fromString("rwxr-xr-x"));
            return d;
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a data directory under " + work + ": " + e.getMessage(), e);
        }
    }

    static void remove(Path dir) {
        if (dir != null) SafeDelete.tree(dir);
    }

    /** A port nothing listens on now (the kernel's pick); the tiny race with other programs is accepted. */
    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port: " + e.getMessage(), e);
        }
    }

    static String read(Path log) {
        try {
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            return "";
        }
    }
}

package dev.isobench.engine.state;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The files of a root's resident engine (dev.isobench.engine.server): its lock and pid file in the root, and its
 * socket under /run/isobench, named by a hash of the root (a root's own path could pass the 107 bytes a socket path
 * holds; src/main/c/client.c computes the same name). gc removes them when no engine holds the lock: what an engine
 * killed with -9 leaves.
 */
public final class ResidentEngineFiles {
    public static final String LOCK = "engine.lock";
    public static final String PID = "engine.pid";
    public static final Path SOCKETS = Path.of("/run/isobench");

    private ResidentEngineFiles() {}

    /** {@code /run/isobench/engine-<FNV-1a 64 of the root's real path>.sock}. */
    public static Path socketFor(Path root) throws IOException {
        byte[] path = root.toRealPath().toString().getBytes(StandardCharsets.UTF_8);
        long h = 0xcbf29ce484222325L;
        for (byte b : path) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        return SOCKETS.resolve(String.format("engine-%016x.sock", h));
    }

    /** Removes the socket, pid file and lock of a root whose engine is gone; true if there were any. */
    public static boolean collectStale(Path root) {
        Path lockFile = root.resolve(LOCK);
        if (!Files.exists(lockFile)) return false;
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                return false; // this very process is the engine
            }
            if (lock == null) return false; // an engine serves this root
            try {
                Files.deleteIfExists(socketFor(root));
                Files.deleteIfExists(root.resolve(PID));
                Files.deleteIfExists(lockFile);
            } finally {
                lock.release();
            }
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}

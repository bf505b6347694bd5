package dev.isobench.engine.state;

import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.nio.file.Files;
import java.util.Optional;

/**
 * One container's lock, held while its state changes (create, start, delete): an exclusive flock(2) on the
 * container's directory. It excludes other processes and other threads of this JVM alike, since an flock
 * belongs to the open file. A second CLI acting on the same container waits, then sees the state the first
 * one left. A lock file instead would cost a create, an unlink and an inode eviction per container.
 */
public final class ContainerLock implements AutoCloseable {
    private final int fd;

    private ContainerLock(int fd) {
        this.fd = fd;
    }

    public static ContainerLock acquire(ContainerDir dir) {
        try {
            return new ContainerLock(Native.lockDirectory(dir.path().toString()));
        } catch (EngineException e) {
            throw new EngineException("cannot lock container " + dir.id() + ": " + e.getMessage()
                    + (Files.isDirectory(dir.path()) ? "" : " (it was removed meanwhile)"), e);
        }
    }

    /** The lock if nobody holds it now (a create in progress does), else empty. */
    public static Optional<ContainerLock> tryAcquire(ContainerDir dir) {
        int fd = Native.tryLockDirectory(dir.path().toString());
        return fd < 0 ? Optional.empty() : Optional.of(new ContainerLock(fd));
    }

    /** Closing the directory releases the lock, also when the directory was removed meanwhile. */
    @Override
    public void close() {
        Native.close(fd);
    }
}

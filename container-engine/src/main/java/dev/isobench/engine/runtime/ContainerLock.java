package dev.isobench.engine.runtime;

import dev.isobench.engine.EngineException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One container's lock, held while its state changes (start, delete): between processes an exclusive
 * lock on {@code <dir>/lock}, between threads of one JVM a lock per directory, which a file lock does not
 * give. A second CLI acting on the same container waits, then sees the state the first one left.
 */
final class ContainerLock implements AutoCloseable {
    private static final ConcurrentHashMap<String, ReentrantLock> THREADS = new ConcurrentHashMap<>();

    private final ReentrantLock thread;
    private final FileChannel channel;
    private final FileLock lock;

    private ContainerLock(ReentrantLock thread, FileChannel channel, FileLock lock) {
        this.thread = thread;
        this.channel = channel;
        this.lock = lock;
    }

    static ContainerLock acquire(ContainerDir dir) {
        ReentrantLock thread = THREADS.computeIfAbsent(dir.id(), k -> new ReentrantLock());
        thread.lock();
        try {
            FileChannel ch = FileChannel.open(dir.path().resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            return new ContainerLock(thread, ch, ch.lock());
        } catch (IOException | RuntimeException e) {
            thread.unlock();
            throw new EngineException("cannot lock container " + dir.id() + ": " + e.getMessage()
                    + (e instanceof java.nio.file.NoSuchFileException ? " (it was removed meanwhile)" : ""), e);
        }
    }

    @Override
    public void close() {
        try {
            lock.release();
            channel.close();
        } catch (IOException e) {
            // closing the channel releases the lock in any case
        } finally {
            thread.unlock();
        }
    }
}

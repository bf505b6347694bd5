package dev.isobench.engine.runtime;

import dev.isobench.engine.cgroup.CgroupDriver;
import dev.isobench.engine.files.SafeDelete;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Removes what a deleted container leaves, its cgroups and its retired directory, on a thread of its own: a
 * delete returns once the container is gone from the store and its processes are dead. On a disk mounted with
 * {@code discard} each rmdir waits for the device (five directories and seven groups a container),
 * time the deleting thread spends idle. containerd removes snapshots in the background for the same reason.
 *
 * <p>At most {@link #PENDING} removals wait: a delete beyond that waits for a slot, so a start storm's
 * throughput still pays for every removal. The JVM drains the queue before it exits; what a killed JVM leaves
 * in {@code trash/} {@code gc} removes, cgroups with it (the directory's name is the container's id).
 */
public final class Reaper {
    static final int PENDING = 4;
    private static final Semaphore SLOTS = new Semaphore(PENDING);
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "isobench-reaper");
        t.setDaemon(true);
        return t;
    });

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> drain(Duration.ofSeconds(30)), "isobench-reaper-drain"));
    }

    private Reaper() {}

    /** Hands over the removal of a container's cgroups and retired directory; waits while PENDING are queued. */
    static void remove(CgroupDriver cgroups, String id, Path retired) {
        SLOTS.acquireUninterruptibly();
        try {
            THREAD.execute(() -> {
                try {
                    removeNow(cgroups, id, retired);
                } catch (RuntimeException e) {
                    System.err.println("isobench: removing container " + id + ": " + e.getMessage() + " ('isobench ctr gc' removes what is left)");
                } finally {
                    SLOTS.release();
                }
            });
        } catch (RejectedExecutionException e) {
            SLOTS.release();
            removeNow(cgroups, id, retired);
        }
    }

    static void removeNow(CgroupDriver cgroups, String id, Path retired) {
        ContainerCgroups.remove(cgroups, id, retired);
        SafeDelete.tree(retired);
    }

    /** Waits until every removal handed over so far is done; false when the timeout passed first. */
    public static boolean drain(Duration timeout) {
        try {
            if (!SLOTS.tryAcquire(PENDING, timeout.toMillis(), TimeUnit.MILLISECONDS)) return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        SLOTS.release(PENDING);
        return true;
    }
}

package dev.isobench.engine.cgroup;

import dev.isobench.engine.proc.ProcessInfo;
import java.util.Deque;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * v1 groups made ahead of the containers that take them by renaming: seven mkdirs with Docker's device rules
 * cost several times what seven renames do, on every create. v2 refuses to rename a group (EPERM), so only
 * the v1 driver has them. Like the engine's spare monitor they start from a driver's second group, so a CLI
 * that makes one container makes none ahead.
 *
 * <p>They are named {@code prepared-<pid>-<start time>-<n>} after the JVM that made them, which removes them
 * as it exits; gc removes those of a JVM that is gone. They are not containers' groups, so {@code list()} leaves
 * them out.
 */
final class PreparedGroups {
    static final String PREFIX = "prepared-";
    private static final int READY = 2;
    private static final ExecutorService THREAD = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "isobench-cgroups");
        t.setDaemon(true);
        return t;
    });
    private static final Set<PreparedGroups> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(PreparedGroups::removeAll), "isobench-cgroups-exit"));
    }

    private final Consumer<String> make;
    private final Consumer<String> destroy;
    private final Runnable pruneParents;
    private final String owner;
    private final Deque<String> ready = new ConcurrentLinkedDeque<>();
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicInteger taken = new AtomicInteger();
    private final AtomicBoolean filling = new AtomicBoolean();

    /**
     * @param make         makes a group, as the driver does for a container
     * @param destroy      removes one
     * @param pruneParents removes the isobench/ parents if nothing else is in them, after the last group went
     */
    PreparedGroups(Consumer<String> make, Consumer<String> destroy, Runnable pruneParents) {
        this.make = make;
        this.destroy = destroy;
        this.pruneParents = pruneParents;
        this.owner = PREFIX + ProcessInfo.self().tag() + "-";
        LIVE.add(this);
    }

    /** A group made ahead, for the caller to rename; empty when none is ready. */
    Optional<String> take() {
        taken.incrementAndGet();
        return Optional.ofNullable(ready.poll());
    }

    /**
     * Makes groups ahead on a thread of its own, once two were taken. Called after a create is done, not as it
     * takes one: mkdir and rename both hold the kernel's cgroup_mutex, so a refill beside a create slowed it.
     */
    void fill() {
        if (taken.get() < 2 || ready.size() >= READY || !filling.compareAndSet(false, true)) return;
        THREAD.execute(() -> {
            try {
                while (ready.size() < READY) {
                    String name = owner + next.incrementAndGet();
                    make.accept(name);
                    ready.add(name);
                }
            } catch (RuntimeException e) {
                // the host refuses more groups now: creates make their own, as without this
            } finally {
                filling.set(false);
            }
        });
    }

    private void removeAll() {
        try {
            for (String g = ready.poll(); g != null; g = ready.poll()) destroy.accept(g);
            pruneParents.run();
        } catch (RuntimeException e) {
            // gc removes what is left: its owner is gone
        }
    }

    /** Whether a group is one prepared by a JVM that is gone (a leftover for gc). */
    static boolean abandoned(String name) {
        if (!name.startsWith(PREFIX)) return false;
        String owner = name.substring(PREFIX.length());
        return !ProcessInfo.aliveByTag(owner.substring(0, Math.max(0, owner.lastIndexOf('-'))));
    }
}

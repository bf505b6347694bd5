package dev.isobench.engine.launch;

import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.CallerStdio;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Launches monitors off the creating thread: posix_spawn holds its thread through the child's exec, time the
 * creator spends preparing the rootfs, cgroups and plan instead. runc likewise starts its init
 * process before it sets up cgroups and sends the config.
 *
 * <p>A JVM that creates a second container from one init binary is likely to create more (a benchmark, a
 * build), so from then on one spare monitor waits for the next create: its exec is off every create's path. A
 * spare holds nothing but its binary: it waits on its plan pipe and exits when that closes with this JVM. There
 * is one spare per JVM; a create from another engine root's binary replaces it.
 */
public final class Launcher {
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "isobench-launch");
        t.setDaemon(true);
        return t;
    });
    private static final AtomicReference<Spare> SPARE = new AtomicReference<>();
    private static final Set<Path> USED = ConcurrentHashMap.newKeySet();

    private record Spare(Path init, Future<InitStage> stage) {}

    private Launcher() {}

    /** A monitor for the next container: the spare if one waits (it gets its stdio with the plan), else a new one. */
    public static Future<InitStage> take(Path init, Stdio stdio) {
        var spawned = CallerMonitors.current();
        if (spawned.isPresent()) return java.util.concurrent.CompletableFuture.completedFuture(InitStage.adopt(spawned.get().get()));
        // A client's stdio (the resident engine) is dup'ed in at posix_spawn; a spare holds this process's own fds
        var caller = CallerStdio.current();
        if (caller.isPresent()) {
            return THREADS.submit(() -> { // the launching thread works for the same client
                CallerStdio.set(caller.get());
                try {
                    return InitStage.launch(init, stdio);
                } finally {
                    CallerStdio.clear();
                }
            });
        }
        Spare spare = SPARE.getAndSet(null);
        if (spare != null && !spare.init().equals(init)) {
            discard(spare);
            spare = null;
        }
        if (spare != null || !USED.add(init)) {
            Spare next = new Spare(init, THREADS.submit(() -> InitStage.launchSpare(init)));
            if (!SPARE.compareAndSet(null, next)) discard(next); // a concurrent create left one first
        }
        if (spare != null && !failed(spare.stage())) return spare.stage();
        return THREADS.submit(() -> InitStage.launch(init, stdio)); // the first, or the spare failed: its error comes again
    }

    /** Stops the spare launched from this init binary, if one waits (an engine root about to go away). */
    public static void release(Path init) {
        Spare spare = SPARE.get();
        if (spare != null && spare.init().equals(init) && SPARE.compareAndSet(spare, null)) discard(spare);
    }

    /** Kills a spare and reaps it; one still launching is killed once its launch is done. */
    private static void discard(Spare spare) {
        Runnable kill = () -> {
            if (!failed(spare.stage())) {
                try {
                    spare.stage().get().kill();
                } catch (InterruptedException | ExecutionException e) {
                    // nothing was launched, or this thread is told to stop: nothing to kill
                }
            }
        };
        if (spare.stage().isDone()) kill.run();
        else THREADS.execute(kill);
    }

    private static boolean failed(Future<InitStage> launch) {
        if (!launch.isDone()) return false;
        try {
            launch.get();
            return false;
        } catch (ExecutionException | CancellationException e) {
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

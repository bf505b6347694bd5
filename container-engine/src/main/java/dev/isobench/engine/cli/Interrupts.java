package dev.isobench.engine.cli;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a command does when its caller is interrupted (Ctrl-C, TERM): in a CLI of its own that is a JVM shutdown
 * hook; in the resident engine, the client forwards the signal and the call's {@link Scope} runs the handlers, on
 * the thread that read the signal, while the command's own thread carries on.
 */
public final class Interrupts {
    private static final ThreadLocal<Scope> CURRENT = new ThreadLocal<>();

    private Interrupts() {}

    /** A handler registration; {@link #fired()} says whether it ran. */
    public interface Handle extends AutoCloseable {
        boolean fired();

        @Override
        void close();
    }

    /** One served call: its handlers, and the signal that interrupted it (0: none). */
    public static final class Scope {
        private final List<Runnable> handlers = new CopyOnWriteArrayList<>();
        private final AtomicInteger signal = new AtomicInteger();

        /** Runs every handler registered now, once; later signals only count. */
        public void interrupt(int sig) {
            if (!signal.compareAndSet(0, sig)) return;
            for (Runnable r : handlers) r.run();
        }

        public int signal() {
            return signal.get();
        }
    }

    /** The current thread's commands report their handlers to this scope, until {@link #leave()}. */
    public static void enter(Scope scope) {
        CURRENT.set(scope);
    }

    /** Whether this thread serves a client's call (the resident engine), rather than being a CLI of its own. */
    public static boolean served() {
        return CURRENT.get() != null;
    }

    public static void leave() {
        CURRENT.remove();
    }

    public static Handle onInterrupt(Runnable handler) {
        Scope scope = CURRENT.get();
        AtomicBoolean ran = new AtomicBoolean();
        Runnable once = () -> {
            ran.set(true);
            handler.run();
        };
        if (scope != null) {
            scope.handlers.add(once);
            return new Registration(ran, () -> scope.handlers.remove(once));
        }
        Thread hook = new Thread(once);
        Runtime.getRuntime().addShutdownHook(hook);
        return new Registration(ran, () -> {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // the JVM is shutting down: the hook runs, or has
            }
        });
    }

    private record Registration(AtomicBoolean ran, Runnable remove) implements Handle {
        @Override
        public boolean fired() {
            return ran.get();
        }

        @Override
        public void close() {
            remove.run();
        }
    }
}

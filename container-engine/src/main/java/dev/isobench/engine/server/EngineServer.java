package dev.isobench.engine.server;

import dev.isobench.engine.Engine;
import dev.isobench.engine.cli.CtrCommand;
import dev.isobench.engine.cli.Interrupts;
import dev.isobench.engine.cli.OciCommand;
import dev.isobench.engine.launch.CallerMonitors;
import dev.isobench.engine.plan.Frames;
import dev.isobench.engine.plan.Op;
import dev.isobench.engine.plan.Step;
import dev.isobench.engine.state.ResidentEngineFiles;
import dev.isobench.engine.sys.CallerStdio;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Native;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;

/**
 * The resident engine: one JVM per engine root that serves {@code isobench ctr} calls from the thin C client
 * (src/main/c/client.c) over a socket of its own under /run/isobench (mode 0600, root peers only), so a call costs a socket
 * round trip instead of a JVM start. Each call runs on a thread of its own with the client's cwd and its fds 0-2
 * as stdio, its containers' included. It owns the containers it starts (their monitors are its children), so a
 * container outlives its client. A lock ({@code engine.lock}) keeps it to one per root; it exits once idle.
 *
 * <p>Killed (-9): detached containers run on, their monitors record their exit codes; attached ones ({@code ctr run}
 * without -d) run on too, but their owner is gone, so {@code gc} stops and removes them, and each waiting client
 * exits 125 saying the engine went away.
 */
public final class EngineServer {

    private final Path root;
    private final long idleMillis;
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicLong lastActivity = new AtomicLong(System.currentTimeMillis());
    private final ExecutorService calls = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "isobench-call");
        t.setDaemon(true);
        return t;
    });
    private final Map<Path, Engine> engines = new ConcurrentHashMap<>();
    private PerThreadOutput[] output;

    EngineServer(Path root, long idleMillis) {
        this.root = root.toAbsolutePath().normalize();
        this.idleMillis = idleMillis;
    }

    /** {@code isobench engine serve [--root DIR] [--idle-seconds N]}. */
    public static void main(String[] args) {
        System.setProperty("jnr.ffi.asm.enabled", "false");
        Path root = Engine.rootFor(null);
        long idle = 120;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("serve")) continue;
            if (args[i].equals("--root") && i + 1 < args.length) root = Path.of(args[++i]);
            else if (args[i].equals("--idle-seconds") && i + 1 < args.length) idle = Long.parseLong(args[++i]);
            else {
                System.err.println("isobench engine: usage: isobench engine serve [--root DIR] [--idle-seconds N]");
                System.exit(2);
            }
        }
        if (!Native.isRoot()) {
            System.err.println("isobench engine: needs root, as the engine does");
            System.exit(125);
        }
        System.exit(new EngineServer(root, idle * 1000).serve());
    }

    /** Serves until idle; 0, also when another engine already serves this root. */
    int serve() {
        try {
            Files.createDirectories(root);
            try (FileChannel lockFile = FileChannel.open(root.resolve(ResidentEngineFiles.LOCK), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                 FileLock lock = lockFile.tryLock()) {
                if (lock == null) return 0; // another client started one first
                Files.writeString(root.resolve(ResidentEngineFiles.PID), Long.toString(ProcessHandle.current().pid()));
                Files.createDirectories(ResidentEngineFiles.SOCKETS);
                Path socket = ResidentEngineFiles.socketFor(root);
                int listening = Native.listenUnix(socket.toString());
                // A TERM or INT takes the socket and pid file along; after a -9, gc does (ResidentEngineFiles.collectStale)
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        Files.deleteIfExists(socket);
                        Files.deleteIfExists(root.resolve(ResidentEngineFiles.PID));
                    } catch (IOException e) {
                        // gone already
                    }
                }));
                output = PerThreadOutput.install();
                CtrCommand.openEnginesWith(r -> engines.computeIfAbsent(r.toAbsolutePath().normalize(), Engine::open));
                startIdleWatch(listening);
                while (true) {
                    int client = Native.accept(listening);
                    active.incrementAndGet();
                    lastActivity.set(System.currentTimeMillis());
                    calls.execute(() -> {
                        try {
                            connection(client);
                        } finally {
                            Native.close(client);
                            lastActivity.set(System.currentTimeMillis());
                            active.decrementAndGet();
                        }
                    });
                }
            }
        } catch (IOException e) {
            System.err.println("isobench engine: " + e.getMessage());
            return 125;
        }
    }

    /** Exits once no call has run for the idle time: the socket goes first, so no client connects to a dying engine. */
    private void startIdleWatch(int listening) {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(Math.min(1000, idleMillis));
                } catch (InterruptedException e) {
                    return;
                }
                if (active.get() == 0 && System.currentTimeMillis() - lastActivity.get() > idleMillis) {
                    try {
                        Files.deleteIfExists(ResidentEngineFiles.socketFor(root));
                        Files.deleteIfExists(root.resolve(ResidentEngineFiles.PID));
                    } catch (IOException e) {
                        // gone already
                    }
                    engines.values().forEach(Engine::close);
                    // exit, not halt: the shutdown hooks remove what the engine made ahead (PreparedGroups' v1 groups),
                    // which an idle engine that halted left behind, two groups in every hierarchy
                    System.exit(0);
                }
            }
        }, "isobench-idle");
        t.setDaemon(true);
        t.start();
    }

    /** One client call: its request, the command on a thread of its own, its signals meanwhile, then its code. */
    private void connection(int client) {
        int[] fds = new int[0];
        try {
            if (Native.peerUid(client) != 0) {
                reply(client, 125);
                return;
            }
            Frames.Decoder decoder = new Frames.Decoder();
            byte[] buf = new byte[Frames.FRAME_MAX * 4];
            Native.Received first = Native.receiveWithFds(client, buf);
            fds = first.fds();
            if (fds.length != 3) {
                reply(client, 125);
                return;
            }
            decoder.feed(buf, first.length());
            String cwd = "/";
            List<String> argv = new ArrayList<>();
            List<String> env = new ArrayList<>();
            boolean go = false;
            while (!go) {
                Step s = decoder.next();
                if (s == null) {
                    int n = Native.read(client, buf);
                    if (n == 0) return; // the client went away before its request was whole
                    decoder.feed(buf, n);
                    continue;
                }
                switch (s.op()) {
                    case RQ_CWD -> cwd = s.args().get(0);
                    case RQ_ARG -> argv.add(s.args().get(0));
                    case RQ_ENV -> env.add(s.args().get(0));
                    case RQ_GO -> go = true;
                    default -> throw new EngineException("engine protocol: unexpected " + s.op());
                }
            }
            reply(client, Op.ST_READY); // taken: from here a client that loses its engine says so instead of asking again
            Interrupts.Scope scope = new Interrupts.Scope();
            int[] stdio = fds;
            String dir = cwd;
            BlockingQueue<CallerMonitors.Spawned> spawned = new LinkedBlockingQueue<>();
            var command = calls.submit(() -> run(argv, env, Path.of(dir), stdio, scope, () -> askToSpawn(client, spawned)));
            listen(client, decoder, buf, scope, command, spawned);
            int code = command.get();
            reply(client, scope.signal() > 0 ? 128 + scope.signal() : code);
        } catch (Exception e) {
            if (fds.length == 3) new PrintStream(new FdOutputStream(fds[2]), true).println("isobench: error: resident engine: " + e.getMessage());
            reply(client, 125);
        } finally {
            for (int fd : fds) Native.close(fd);
        }
    }

    /**
     * Reads the client's frames until the command is done: signals (a client that hangs up is none: its container
     * runs on) and the monitors it spawned when asked, with their pipes.
     */
    private static void listen(int client, Frames.Decoder decoder, byte[] buf, Interrupts.Scope scope, java.util.concurrent.Future<?> command,
                               BlockingQueue<CallerMonitors.Spawned> spawned) {
        Thread reader = new Thread(() -> {
            int[] fds = new int[0];
            while (!command.isDone()) {
                Step s = decoder.next();
                if (s == null) {
                    Native.Received got;
                    try {
                        got = Native.receiveWithFds(client, buf);
                    } catch (EngineException e) {
                        return;
                    }
                    if (got.length() == 0) return;
                    if (got.fds().length > 0) fds = got.fds();
                    decoder.feed(buf, got.length());
                    continue;
                }
                if (s.op() == Op.RQ_SIGNAL) scope.interrupt(Integer.parseInt(s.args().get(0)));
                if (s.op() == Op.RQ_SPAWNED && fds.length == 2) {
                    spawned.add(new CallerMonitors.Spawned(Integer.parseInt(s.args().get(0)), fds[0], fds[1]));
                    fds = new int[0];
                }
            }
        }, "isobench-client-frames");
        reader.setDaemon(true);
        reader.start();
    }

    /** Asks the client for a monitor of its own (an OCI container must descend from the runtime's caller). */
    private CallerMonitors.Spawned askToSpawn(int client, BlockingQueue<CallerMonitors.Spawned> spawned) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        Frames.encode(Step.of(Op.RQ_SPAWN, engines.computeIfAbsent(root, Engine::open).binaries().init().toString()), frame);
        Native.writeFully(client, frame.toByteArray());
        try {
            CallerMonitors.Spawned s = spawned.poll(10, TimeUnit.SECONDS);
            if (s == null) throw new EngineException("the client did not spawn the monitor within 10 s");
            return s;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while the client spawned the monitor", e);
        }
    }

    /** The command as the Java CLI runs it, with the client's stdio, cwd and root. */
    private int run(List<String> argv, List<String> env, Path cwd, int[] fds, Interrupts.Scope scope,
                    java.util.function.Supplier<CallerMonitors.Spawned> spawner) {
        PrintStream out = new PrintStream(new FdOutputStream(fds[1]), true, StandardCharsets.UTF_8);
        PrintStream err = new PrintStream(new FdOutputStream(fds[2]), true, StandardCharsets.UTF_8);
        output[0].set(out);
        output[1].set(err);
        CallerStdio.set(fds);
        CallerStdio.setEnvironment(env);
        Interrupts.enter(scope);
        try {
            boolean oci = !argv.isEmpty() && argv.get(0).equals("oci");
            if (argv.isEmpty() || !argv.get(0).equals("ctr") && !oci) {
                err.println("isobench: error: the resident engine serves 'isobench ctr' and 'isobench oci' calls only");
                return 2;
            }
            List<String> rest = new ArrayList<>(argv.subList(1, argv.size()));
            if (!rest.contains("--root") && rest.stream().noneMatch(a -> a.startsWith("--root="))) {
                rest.addAll(0, List.of("--root", root.toString())); // the client reached this root's socket
            }
            if (oci) CallerMonitors.set(spawner);
            String[] args = rest.toArray(String[]::new);
            CommandLine cl = oci ? OciCommand.commandLine(args).setCommandName("isobench-runtime") : CtrCommand.forArgs(args).setCommandName("isobench ctr");
            cl.registerConverter(Path.class, s -> cwd.resolve(s)); // paths as the client wrote them, from its cwd
            cl.setOut(new PrintWriter(out, true));
            cl.setErr(new PrintWriter(err, true));
            return cl.execute(args);
        } finally {
            out.flush();
            err.flush();
            Interrupts.leave();
            CallerStdio.clear();
            CallerMonitors.clear();
            output[0].clear();
            output[1].clear();
        }
    }

    private static void reply(int client, int code) {
        send(client, Step.of(Op.ST_EXIT, Integer.toString(code)));
    }

    private static void reply(int client, Op op) {
        send(client, Step.of(op));
    }

    private static void send(int client, Step step) {
        ByteArrayOutputStream frame = new ByteArrayOutputStream();
        Frames.encode(step, frame);
        try {
            Native.writeFully(client, frame.toByteArray());
        } catch (EngineException e) {
            // the client is gone
        }
    }
}

package dev.isobench.engine.launch;

import dev.isobench.engine.files.NativeBinaries;
import dev.isobench.engine.plan.Frames;
import dev.isobench.engine.plan.Op;
import dev.isobench.engine.plan.Plan;
import dev.isobench.engine.plan.Step;
import dev.isobench.engine.spec.Stdio;
import dev.isobench.engine.sys.CallerStdio;
import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.LibC;
import dev.isobench.engine.sys.Native;
import dev.isobench.engine.sys.SpawnAction;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One running isobench-init monitor and its status pipe. The handshake is drawn at the top of init.c;
 * each await method names the frame it waits for and fails with "expected X, got Y".
 */
public final class InitStage implements AutoCloseable {
    static final String SPARE_ARG = "--spare";
    private static final Stdio INHERIT_ALL = Stdio.INHERIT.withStdin();
    private static final int APPEND = LibC.O_WRONLY | LibC.O_CREAT | LibC.O_APPEND;
    /** rw-r--r--, in the decimal the plan carries numbers in. */
    private static final String MODE = Integer.toString(0644);

    private final int monitorPid;
    private int planFd;
    private Plan plan = new Plan(List.of());
    private int statusFd;
    private final Frames.Decoder decoder = new Frames.Decoder();
    private boolean reaped;
    private boolean spare;
    /** Spawned by the caller (CallerMonitors): not this process's child, so never waited for here. */
    private boolean adopted;
    private int exitCode = -1;

    private InitStage(int monitorPid, int planFd, int statusFd) {
        this.monitorPid = monitorPid;
        this.planFd = planFd;
        this.statusFd = statusFd;
    }

    /** Spawns the monitor and sends it the plan. */
    public static InitStage spawn(Path initBinary, Plan plan, Stdio stdio) {
        InitStage stage = CallerMonitors.current().map(s -> adopt(s.get())).orElseGet(() -> launch(initBinary, stdio));
        stage.send(plan);
        return stage;
    }

    /**
     * Spawns the monitor with the plan pipe on fd 3 and the status pipe on fd 4; it waits for its plan. The
     * exec takes this thread about a millisecond, so a creator launches early and prepares the plan meanwhile.
     */
    public static InitStage launch(Path initBinary, Stdio stdio) {
        return launch(initBinary, stdio, List.of(NativeBinaries.INIT));
    }

    /**
     * A monitor launched before its container is known: it inherits this process's fds 0-2, and the plan it is
     * sent opens the container's stdio first. {@code --spare} in its argv tells it apart in a process listing.
     */
    static InitStage launchSpare(Path initBinary) {
        InitStage stage = launch(initBinary, INHERIT_ALL, List.of(NativeBinaries.INIT, SPARE_ARG));
        stage.spare = true;
        return stage;
    }

    private static InitStage launch(Path initBinary, Stdio stdio, List<String> argv) {
        int[] planPipe = Native.pipe();
        int[] statusPipe;
        try {
            statusPipe = Native.pipe();
        } catch (EngineException e) {
            Native.close(planPipe[0]);
            Native.close(planPipe[1]);
            throw e;
        }
        List<SpawnAction> actions = new ArrayList<>();
        // The caller's own fds first (a resident engine's client): what the container inherits, unless redirected below
        CallerStdio.current().ifPresent(fds -> {
            for (int i = 0; i < 3; i++) actions.add(SpawnAction.dup(fds[i], i));
        });
        actions.add(SpawnAction.dup(planPipe[0], Frames.PLAN_FD));
        actions.add(SpawnAction.dup(statusPipe[1], Frames.STATUS_FD));
        if (!stdio.inheritStdin()) actions.add(SpawnAction.open("/dev/null", 0, LibC.O_RDONLY, 0));
        redirect(stdio.stdout(), 1, actions);
        redirect(stdio.stderr(), 2, actions);
        int pid;
        try {
            pid = Native.spawn(initBinary.toString(), argv, actions);
        } catch (RuntimeException e) {
            Native.close(planPipe[1]);
            Native.close(statusPipe[0]);
            throw e;
        } finally {
            Native.close(planPipe[0]);
            Native.close(statusPipe[1]);
        }
        return new InitStage(pid, planPipe[1], statusPipe[0]);
    }

    /** A monitor the caller spawned, with its stdio the caller's own (it inherits them). */
    static InitStage adopt(CallerMonitors.Spawned s) {
        InitStage stage = new InitStage(s.pid(), s.planFd(), s.statusFd());
        stage.adopted = true;
        return stage;
    }

    /** Sends the plan the monitor waits for; it then runs the plan's steps. */
    public void send(Plan plan) {
        send(plan, null);
    }

    /**
     * Sends the plan; a spare is first told where fds 0-2 go ({@code stdio}), which a monitor launched for its
     * container got from posix_spawn.
     */
    public void send(Plan plan, Stdio stdio) {
        if (planFd < 0) throw new IllegalStateException("the plan was sent already");
        if (spare) plan = new Plan.Builder().addAll(stdioSteps(stdio)).addAll(plan.steps()).build();
        this.plan = plan;
        try {
            Native.writeFully(planFd, plan.encode());
        } catch (EngineException e) {
            // The stage died before reading its plan; its own error frame, if any, says why.
        } finally {
            Native.close(planFd);
            planFd = -1;
        }
    }

    /** The file actions of {@link #launch(Path, Stdio)} as plan steps, for a spare. */
    static List<Step> stdioSteps(Stdio stdio) {
        List<Step> steps = new ArrayList<>();
        if (!stdio.inheritStdin()) steps.add(Step.of(Op.STDIO, "0", "/dev/null", Integer.toString(LibC.O_RDONLY), "0"));
        stdio.stdout().ifPresent(f -> steps.add(Step.of(Op.STDIO, "1", f.toString(), Integer.toString(APPEND), MODE)));
        stdio.stderr().ifPresent(f -> steps.add(Step.of(Op.STDIO, "2", f.toString(), Integer.toString(APPEND), MODE)));
        return steps;
    }

    private static void redirect(Optional<Path> file, int fd, List<SpawnAction> actions) {
        file.ifPresent(f -> actions.add(SpawnAction.open(f.toString(), fd, APPEND, 0644)));
    }

    public int monitorPid() {
        return monitorPid;
    }

    /** Waits until the container's first process exists; returns its host pid. */
    public int awaitPid() {
        return Integer.parseInt(await(Op.ST_PID).args().get(0));
    }

    /** Waits until every step before exec has run; the process now waits at its start barrier (if any). */
    public void awaitReady() {
        await(Op.ST_READY);
    }

    /**
     * For a handed-off process, once it is ready: reaps the monitor, which exited after the clone, and stops
     * reading (the process closes its end at exec).
     */
    public void reapHandedOff() {
        reapStatus();
        closeStatus();
    }

    /** Waits for the container to exit and reaps the monitor; returns the exit code (128+n for a signal). */
    public int awaitExit() {
        if (reaped) return exitCode;
        Step frame = null;
        try {
            frame = next();
        } catch (EngineException e) {
            // an error frame after start (exec failed): the exit code below still tells the outcome
        }
        int status = waitForMonitor();
        reaped = true;
        closeStatus();
        if (frame != null && frame.op() == Op.ST_EXIT) {
            exitCode = Integer.parseInt(frame.args().get(0));
        } else {
            exitCode = Native.exitCode(status);
        }
        return exitCode;
    }

    private Step await(Op expected) {
        Step frame = next();
        if (frame == null) {
            throw new EngineException("the init stage exited before " + expected.name().substring(3).toLowerCase()
                    + " (exit status " + reapStatus() + ")");
        }
        if (frame.op() != expected) throw new EngineException("init stage protocol: expected " + expected + ", got " + frame.op());
        return frame;
    }

    /** The next status frame; an error frame becomes an exception; null at end of stream. */
    private Step next() {
        byte[] buf = new byte[Frames.FRAME_MAX];
        while (true) {
            Step frame = decoder.next();
            if (frame != null) {
                if (frame.op() == Op.ST_ERROR) throw new EngineException(errorText(frame.args().get(0)));
                return frame;
            }
            if (statusFd < 0) return null;
            int n = Native.read(statusFd, buf);
            if (n == 0) {
                closeStatus();
                return null;
            }
            decoder.feed(buf, n);
        }
    }

    /** Replaces the C stage's terse "step N (op arg)" with the plan's full description of step N. */
    private String errorText(String message) {
        if (message.startsWith("step ")) {
            int end = message.indexOf(' ', 5);
            int close = message.indexOf("failed:");
            if (end > 0 && close > 0) {
                int index = Integer.parseInt(message.substring(5, end));
                return "container setup " + message.substring(0, end) + " (" + plan.describe(index) + ") " + message.substring(close);
            }
        }
        return "container setup failed: " + message;
    }

    /** waitpid for a child; for an adopted monitor, its end (its parent reaps it), with no status to read. */
    private int waitForMonitor() {
        if (!adopted) return Native.waitpid(monitorPid);
        try {
            Native.awaitExit(monitorPid, 30_000);
        } catch (EngineException e) {
            // gone and reaped already
        }
        return Frames.EXIT_SETUP_FAILED << 8; // its status went to its parent; without an exit frame, say the engine's code
    }

    private String reapStatus() {
        if (reaped) return Integer.toString(exitCode);
        int status = waitForMonitor();
        reaped = true;
        exitCode = Native.exitCode(status);
        return Integer.toString(exitCode);
    }

    private void closeStatus() {
        Native.close(statusFd);
        statusFd = -1;
    }

    /** Stops reading; the monitor runs on (a detached container), and the kernel reaps it once we exit. */
    @Override
    public void close() {
        closeStatus();
    }

    public boolean reaped() {
        return reaped;
    }

    /** Kills the monitor and reaps it; its container dies with it (parent-death signal). */
    public void kill() {
        if (!reaped) {
            Native.kill(monitorPid, 9);
            reapStatus();
        }
        if (planFd >= 0) {
            Native.close(planFd);
            planFd = -1;
        }
        closeStatus();
    }
}

package dev.isobench.bench.targets;

import dev.isobench.bench.process.Execution;
import dev.isobench.bench.process.Processes;
import dev.isobench.bench.workspace.Workspace;
import dev.isobench.engine.files.SafeDelete;
import dev.isobench.engine.proc.Mountinfo;
import dev.isobench.engine.proc.ProcessInfo;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a benchmark run leaves when it is killed: its workspace under {@code <root>/bench/} and its own dockerd
 * under {@code /run/isobench/docker-*}, each named after the runner (pid and start time). A directory whose
 * runner is gone is a leftover: the processes that name it on their command line are killed, what is mounted
 * under it is unmounted, and it is removed. Nothing that does not name such a directory is touched.
 */
public final class Leftovers {
    static final Path RUN = Path.of("/run/isobench");
    /** "N: isbdPID: <...": a run's dockerd's bridge. */
    private static final Pattern DOCKER_BRIDGE = Pattern.compile("^\\d+: (isbd(\\d+)):");

    private Leftovers() {}

    /** This JVM as a runner: "pid-starttime", the suffix of its directories. */
    static String self() {
        return Workspace.runner();
    }

    /** Removes the workspaces and dockerds of runners that are gone; returns what it removed. */
    public static List<String> collect(Path engineRoot) {
        List<String> removed = new ArrayList<>();
        for (Path d : children(RUN, "docker-")) {
            if (ProcessInfo.aliveByTag(d.getFileName().toString().substring("docker-".length()))) continue;
            clear(d);
            removed.add("dockerd " + d);
        }
        for (Path ws : children(engineRoot.resolve("bench"), "run-")) {
            String owner;
            try {
                owner = Files.readString(ws.resolve(Workspace.OWNER)).trim();
            } catch (IOException e) {
                owner = ""; // made before owners were written, or cut short: only a dead runner leaves that
            }
            if (ProcessInfo.aliveByTag(owner)) continue;
            clear(ws);
            removed.add("workspace " + ws);
        }
        removed.addAll(collectOciServers());
        removed.addAll(collectDockerBridges());
        if (!removed.isEmpty()) LxcTarget.removePivot(); // LXC's pivot group, shared by runs: rmdir fails harmlessly while one uses it
        return removed;
    }

    /**
     * Deletes the bridges the runs' own dockerds made ({@code isbd<pid>}, DockerDaemon#bridgeName) whose dockerd is gone:
     * a dockerd killed with its run leaves its network's bridge on the host. A bridge is its run's while that run's
     * directory under /run/isobench (docker-PID-START) is there.
     */
    static List<String> collectDockerBridges() {
        List<String> removed = new ArrayList<>();
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
        Execution links;
        try {
            links = Processes.run(List.of("ip", "-o", "link", "show", "type", "bridge"), scratch);
        } catch (IllegalStateException e) {
            return removed; // no iproute2: no bridge of ours either
        }
        if (links.exitCode() != 0) return removed;
        for (String line : links.stdout().lines().toList()) {
            Matcher m = DOCKER_BRIDGE.matcher(line);
            if (!m.find()) continue;
            String pid = m.group(2);
            if (!children(RUN, "docker-" + pid + "-").isEmpty()) continue; // its run's dockerd is there
            if (Processes.run(List.of("ip", "link", "delete", m.group(1)), scratch).exitCode() == 0) removed.add("bridge " + m.group(1));
        }
        return removed;
    }

    /** Kills what names the directory, unmounts what is under it, removes it. */
    static void clear(Path dir) {
        killNaming(dir);
        List<String> mounts = new ArrayList<>();
        for (var m : Mountinfo.read(Path.of("/proc/self/mountinfo"))) if (m.mountPoint().startsWith(dir)) mounts.add(m.mountPoint().toString());
        for (int i = mounts.size() - 1; i >= 0; i--) {
            try {
                new ProcessBuilder("umount", "--lazy", mounts.get(i)).inheritIO().start().waitFor();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run umount: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        SafeDelete.tree(dir);
    }

    /**
     * SIGKILLs every process whose command line names a path under the directory (a shim, a runsc sandbox, dockerd) or
     * that works in it (the application suite's servers on the host, which rename themselves: redis-server, postgres).
     */
    static void killNaming(Path dir) {
        String mine = dir + "/";
        long self = ProcessHandle.current().pid();
        ProcessInfo.commandLines().forEach((pid, cmdline) -> {
            if (pid != self && (cmdline.contains(mine) || worksIn(pid, dir))) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        });
    }

    private static boolean worksIn(long pid, Path dir) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/cwd")).startsWith(dir);
        } catch (IOException | UnsupportedOperationException e) {
            return false; // gone, or a kernel thread
        }
    }

    /** The prefix of the application suite's runc and crun containers; the runner's tag follows it. */
    public static final String OCI_SERVER_PREFIX = "isb-app-";
    private static final Pattern OCI_SERVER = Pattern.compile(Pattern.quote(OCI_SERVER_PREFIX) + "[a-z]+-([0-9]+-[0-9]+)-[0-9]+");

    /**
     * The application suite's detached servers under runc and crun whose runner is gone: they live in the runtimes'
     * own state (/run/runc, /run/crun), not in the workspace. Each is deleted by force; nothing else is touched.
     */
    static List<String> collectOciServers() {
        List<String> removed = new ArrayList<>();
        Path scratch = Path.of(System.getProperty("java.io.tmpdir"));
        for (String runtime : List.of("runc", "crun")) {
            Execution list;
            try {
                list = Processes.run(List.of(runtime, "list", "--quiet"), scratch);
            } catch (IllegalStateException e) {
                continue; // not installed
            }
            for (String id : list.stdout().lines().map(String::trim).toList()) {
                Matcher m = OCI_SERVER.matcher(id);
                if (!m.matches() || ProcessInfo.aliveByTag(m.group(1))) continue;
                Processes.run(List.of(runtime, "delete", "--force", id), scratch);
                removed.add(runtime + " container " + id);
            }
        }
        return removed;
    }

    private static List<Path> children(Path dir, String prefix) {
        List<Path> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) return out;
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, prefix + "*")) {
            s.forEach(out::add);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }
}

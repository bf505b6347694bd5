package dev.isobench.bench.targets;

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

/**
 * What a benchmark run leaves when it is killed: its workspace under {@code <root>/bench/} and its own dockerd
 * under {@code /run/isobench/docker-*}, each named after the runner (pid and start time). A directory whose
 * runner is gone is a leftover: the processes that name it on their command line are killed, what is mounted
 * under it is unmounted, and it is removed. Nothing that does not name such a directory is touched.
 */
public final class Leftovers {
    static final Path RUN = Path.of("/run/isobench");

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
        if (!removed.isEmpty()) LxcTarget.removePivot(); // LXC's pivot group, shared by runs: rmdir fails harmlessly while one uses it
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

    /** SIGKILLs every process whose command line names a path under the directory (a shim, a runsc sandbox, dockerd). */
    static void killNaming(Path dir) {
        String mine = dir + "/";
        long self = ProcessHandle.current().pid();
        ProcessInfo.commandLines().forEach((pid, cmdline) -> {
            if (pid != self && cmdline.contains(mine)) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        });
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

package dev.isobench.engine.cgroup;

import dev.isobench.engine.sys.EngineException;
import dev.isobench.engine.sys.Errno;
import dev.isobench.engine.sys.Native;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** Reads and writes cgroup files in one place; every error names the file and the value. */
final class CgroupFiles {
    static final String PARENT = "isobench";

    private CgroupFiles() {}

    static void write(Path file, String value) {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new EngineException("cannot write '" + value + "' to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Writes each value with its own write(2) on one open file; the kernel takes each as one entry (a device rule). */
    static void writeEach(Path file, List<String> values) {
        try (OutputStream out = Files.newOutputStream(file, StandardOpenOption.WRITE)) {
            for (String v : values) {
                try {
                    out.write(v.getBytes(StandardCharsets.US_ASCII));
                } catch (IOException e) {
                    throw new EngineException("cannot write '" + v + "' to " + file + ": " + e.getMessage(), e);
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot write to " + file + ": " + e.getMessage(), e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file).trim();
        } catch (IOException e) {
            throw new EngineException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * A single number: "max" means unlimited, a negative kernel counter is clamped to 0, and a file the host
     * does not have is {@link CgroupStats#UNKNOWN}.
     */
    static long readLong(Path file) {
        if (!Files.exists(file)) return CgroupStats.UNKNOWN;
        String v = read(file);
        if (v.equals("max")) return CgroupStats.UNLIMITED;
        try {
            return Math.max(0, Long.parseLong(v.split("\\s+")[0]));
        } catch (NumberFormatException e) {
            throw new EngineException("unexpected value '" + v + "' in " + file, e);
        }
    }

    /** "key value" lines (cpu.stat, memory.events, memory.oom_control); empty for a missing file. */
    static Map<String, Long> keyed(Path file) {
        Map<String, Long> values = new HashMap<>();
        if (!Files.exists(file)) return values;
        for (String line : read(file).split("\n")) {
            String[] kv = line.trim().split("\\s+");
            if (kv.length == 2) {
                try {
                    values.put(kv[0], Math.max(0, Long.parseLong(kv[1])));
                } catch (NumberFormatException e) {
                    values.put(kv[0], kv[1].equals("max") ? CgroupStats.UNLIMITED : CgroupStats.UNKNOWN);
                }
            }
        }
        return values;
    }

    /** Makes a group; false when its parent is missing (removed by a concurrent prune). */
    static boolean mkdir(Path dir) {
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            return true; // another engine made it first: fine
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            throw new EngineException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Makes a group; true when this call made it, false when it was there already. */
    static boolean makeNew(Path dir) {
        try {
            Files.createDirectory(dir);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new EngineException("cannot create cgroup " + dir + ": " + e.getMessage(), e);
        }
    }

    /** rmdir of a parent group: fails harmlessly while any child group exists. */
    static void removeIfEmpty(Path dir) {
        if (!children(dir).isEmpty()) return;
        try {
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            // a group was made meanwhile, or the kernel still releases one: leave it for the next gc
        }
    }

    static List<Integer> pids(Path dir) {
        List<Integer> pids = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(dir.resolve("cgroup.procs"))) {
                if (!line.isBlank()) pids.add(Integer.parseInt(line.trim()));
            }
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new EngineException("cannot read " + dir.resolve("cgroup.procs") + ": " + e.getMessage(), e);
        }
        return pids;
    }

    /**
     * Names of the child groups of a directory; an absent directory has none, and so has one that vanishes while
     * it is read: an idle resident engine removes its prepared groups and their empty parents while gc walks them.
     */
    static Set<String> children(Path dir) {
        Set<String> names = new LinkedHashSet<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path p : s) names.add(p.getFileName().toString());
        } catch (NoSuchFileException e) {
            return Set.of();
        } catch (IOException e) {
            throw new EngineException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return names;
    }

    /**
     * Removes a group directory: rmdir, and while the kernel refuses (a process is still inside, or between
     * exit and release), kill what is inside and retry.
     */
    static void remove(Path dir, Runnable killAll) {
        // rmdir first, with nothing before it: after a normal exit the group is empty (one syscall per group)
        for (int attempt = 0; ; attempt++) {
            if (attempt > 0) killAll.run();
            int errno = Native.rmdir(dir.toString());
            if (errno == 0 || errno == Errno.ENOENT) return;
            if (attempt >= 200) {
                throw new EngineException("cannot remove cgroup " + dir + " (still holds pids " + pids(dir) + "): " + Native.strerror(errno));
            }
            sleep(attempt < 20 ? 1 : 10);
        }
    }

    static void sleep(long millis) {
        try {
            TimeUnit.MILLISECONDS.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException("interrupted while removing a cgroup", e);
        }
    }
}

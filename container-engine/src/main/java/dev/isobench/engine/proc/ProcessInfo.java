package dev.isobench.engine.proc;

import dev.isobench.engine.sys.EngineException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.stream.Stream;

/**
 * Identifies a process by pid and start time, so a pid that the kernel reused is never mistaken for the
 * process the engine started.
 */
public record ProcessInfo(int pid, long startTime) {
    /** The process as it is now, or empty when no such pid exists. */
    public static Optional<ProcessInfo> of(int pid) {
        OptionalLong start = startTimeOf(pid);
        return start.isPresent() ? Optional.of(new ProcessInfo(pid, start.getAsLong())) : Optional.empty();
    }

    /** This JVM: its pid and start time never change, so they are read once. */
    public static ProcessInfo self() {
        return Self.INFO;
    }

    private static final class Self {
        static final ProcessInfo INFO = of((int) ProcessHandle.current().pid()).orElseThrow();
    }

    /** "PID-STARTTIME": names things after their owner, so that {@link #aliveByTag} can tell when it is gone. */
    public String tag() {
        return pid + "-" + startTime;
    }

    /** Whether the process a {@link #tag()} names is still alive; false for a text that is not a tag. */
    /** Whether process pid's namespace of this kind ("net", "mnt", ...) is this process's own; true when pid is gone. */
    public static boolean sameNamespace(int pid, String kind) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/" + pid + "/ns/" + kind)).equals(Files.readSymbolicLink(Path.of("/proc/self/ns/" + kind)));
        } catch (IOException e) {
            return true; // gone: an exec then fails on its first setns, with the reason
        }
    }

    public static boolean aliveByTag(String tag) {
        String[] f = tag.split("-");
        try {
            return f.length == 2 && new ProcessInfo(Integer.parseInt(f[0]), Long.parseLong(f[1])).isAlive();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Still this process (not a reused pid) and not a zombie; one read of /proc/PID/stat. */
    public boolean isAlive() {
        String stat = stat(pid);
        if (stat == null) return false;
        String[] rest = fieldsAfterName(stat);
        return Long.parseLong(rest[19]) == startTime && !rest[0].equals("Z");
    }

    /** Field 22 of /proc/PID/stat. */
    static OptionalLong startTimeOf(int pid) {
        String stat = stat(pid);
        return stat == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(fieldsAfterName(stat)[19]));
    }

    /**
     * The fields of a /proc/PID/stat text from the state on (field 3, index 0 here), counted after the command
     * name, which may itself hold spaces and parentheses.
     */
    public static String[] fieldsAfterName(String stat) {
        return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    }

    private static String stat(int pid) {
        if (pid <= 0) return null;
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
    }

    /**
     * Every process's whole command line (its arguments joined by spaces), by pid, from /proc/PID/cmdline.
     * Not ProcessHandle.Info.commandLine(): the JDK cuts it at 4096 bytes, and a JVM with a test's class path
     * passes that long before its main class and arguments.
     */
    public static Map<Integer, String> commandLines() {
        Map<Integer, String> all = new LinkedHashMap<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            for (Path p : (Iterable<Path>) procs::iterator) {
                String name = p.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) continue;
                try {
                    all.put(Integer.parseInt(name), new String(Files.readAllBytes(p.resolve("cmdline"))).replace('\0', ' ').strip());
                } catch (IOException e) {
                    // exited meanwhile
                }
            }
        } catch (IOException e) {
            throw new EngineException("cannot list /proc: " + e.getMessage(), e);
        }
        return all;
    }
}

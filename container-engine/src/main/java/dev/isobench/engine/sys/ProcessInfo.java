package dev.isobench.engine.sys;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Identifies a process by pid and start time, so a pid that the kernel reused is never mistaken for the
 * process the engine started.
 */
public record ProcessInfo(int pid, long startTime) {
    /** The process as it is now, or empty when no such pid exists. */
    public static java.util.Optional<ProcessInfo> of(int pid) {
        OptionalLong start = startTimeOf(pid);
        return start.isPresent() ? java.util.Optional.of(new ProcessInfo(pid, start.getAsLong())) : java.util.Optional.empty();
    }

    public boolean isAlive() {
        OptionalLong now = startTimeOf(pid);
        return now.isPresent() && now.getAsLong() == startTime && !isZombie();
    }

    private boolean isZombie() {
        String stat = stat(pid);
        return stat != null && stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
    }

    /** Field 22 of /proc/PID/stat, counted after the command name, which may itself hold spaces. */
    static OptionalLong startTimeOf(int pid) {
        String stat = stat(pid);
        if (stat == null) return OptionalLong.empty();
        String[] rest = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return OptionalLong.of(Long.parseLong(rest[19]));
    }

    private static String stat(int pid) {
        if (pid <= 0) return null;
        try {
            return Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
        } catch (IOException e) {
            return null;
        }
    }
}
